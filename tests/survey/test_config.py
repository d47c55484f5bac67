"""Settings come from HEARD_* variables; the secret key is generated once, private."""

from __future__ import annotations

import stat

import pytest

from survey.config import settings_from


def test_a_missing_secret_key_is_generated_once_with_mode_0600(tmp_path):
    first = settings_from({}, tmp_path)["SECRET_KEY"]
    second = settings_from({}, tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_the_environment_wins_over_the_generated_key(tmp_path):
    assert settings_from({"HEARD_SECRET_KEY": "from-env"}, tmp_path)["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_the_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    url = settings_from({"HEARD_SECRET_KEY": "k"}, tmp_path)["SQLALCHEMY_DATABASE_URI"]
    assert url == f"sqlite:///{tmp_path / 'heard.db'}"


def test_an_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ValueError, match="HEARD_ENV"):
        settings_from({"HEARD_ENV": "staging", "HEARD_SECRET_KEY": "k"}, tmp_path)


def test_production_turns_on_secure_host_cookies(tmp_path):
    settings = settings_from({"HEARD_ENV": "production", "HEARD_SECRET_KEY": "k"}, tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_NAME"] == "__Host-heard"
    assert settings["SESSION_COOKIE_SAMESITE"] == "Strict"
