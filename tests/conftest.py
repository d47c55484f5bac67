"""Fixtures shared by every test: app -> client -> runner -> staff, a fresh database each.

The database is SQLite in a temporary folder, or the PostgreSQL server named by
HEARD_TEST_DATABASE_URL (make test runs the suite a second time that way).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import HealthCheck, settings

from survey import create_app
from survey.extensions import db
from survey.services import accounts, phrases
from tests import databases
from tests.factories import signed_in

# Property tests: no per-example deadline (a loaded CI machine is slow, not wrong);
# in CI the examples are derandomized, so a run is repeatable and never flaky.
settings.register_profile("heard", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("heard-ci", parent=settings.get_profile("heard"), derandomize=True)
settings.load_profile("heard-ci" if os.environ.get("HEARD_REQUIRE_SERVICES") == "1" else "heard")


def use_cheap_hashing() -> None:
    """Hash passwords and phrases at argon2id's smallest cost (8 KiB, one pass).

    OWASP's cost (19 MiB, two passes) takes tens of milliseconds a hash, and
    every test account costs four; tests that check the production cost ask
    for it with the `owasp_hashing` fixture.
    """
    accounts.use_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    phrases.use_cost(memory_kib=8, time_cost=1)


use_cheap_hashing()

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def worker_database(url: str) -> str:
    """Return `url`, or for a pytest-xdist worker its own database beside it (made if missing).

    Every test empties the tables (tests/databases.py), so two workers must never
    share a PostgreSQL database; SQLite files live in each test's own folder.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker or not url.startswith("postgresql"):
        return url
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    server = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(server, autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if found.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')
    return base.set(database=name).render_as_string(hide_password=False)


TEST_DATABASE_URL = worker_database(os.environ.get("HEARD_TEST_DATABASE_URL", ""))


def database_url(tmp_path: Path) -> str:
    """Return the URL of the database a test should use."""
    return TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'heard.db'}"


def make_app(tmp_path: Path, **config: object) -> Flask:
    """Build an app on a fresh, empty schema."""
    own_database = "HEARD_DATABASE_URL" not in config
    copied = False
    if own_database and not TEST_DATABASE_URL:
        copied = databases.copy_sqlite_template(tmp_path / "heard.db", db.metadata)
    settings = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "HEARD_DATABASE_URL": database_url(tmp_path),
        "SECRET_KEY": "test-secret-key",
        **config,
    }
    app = create_app(settings)
    with app.app_context():
        if own_database and TEST_DATABASE_URL:
            databases.empty_postgres(db.engine, db.metadata)
        elif not copied:
            db.drop_all()
            db.create_all()
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app with an empty database; CSRF on, as in production."""
    app = make_app(tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like client for `app`."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the `heard` commands of `app`."""
    return app.test_cli_runner()


@pytest.fixture
def staff(app: Flask) -> Callable[..., FlaskClient]:
    """A maker of clients signed in as new accounts: `staff("researcher")`."""
    return functools.partial(signed_in, app)


class Clock:
    """A stopped clock that a test moves by hand."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock `seconds` forward."""
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Staff sign-in's clock (lockouts, codes, idle sessions), stopped on a minute boundary."""
    stopped = Clock(1_800_000_000.0)
    monkeypatch.setattr(accounts, "seconds_now", stopped)
    return stopped


@pytest.fixture
def owasp_hashing() -> Iterator[None]:
    """Hash passwords and phrases at the production cost during the test."""
    accounts.use_password_hasher(accounts.OWASP_HASHER)
    phrases.use_cost(memory_kib=phrases.ARGON2_MEMORY_KIB, time_cost=phrases.ARGON2_TIME_COST)
    yield
    use_cheap_hashing()


@pytest.fixture
def shared() -> Path:
    """The shared reference data, or a skip saying why it is missing."""
    if not SHARED.is_dir():
        pytest.skip(f"shared reference data not found at {SHARED}")
    return SHARED
