"""Liveness and readiness: no data, no cookie, and a clear 503 when a dependency is down."""

from __future__ import annotations

import os

import pytest

from survey import create_app
from tests.conftest import make_app

REDIS_URL = os.environ.get("HEARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def test_healthz_answers_without_a_cookie_and_is_not_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_says_the_database_answers_and_redis_is_not_configured(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "not configured"}
    assert "Set-Cookie" not in response.headers


def test_readyz_is_503_naming_an_unreachable_redis_and_nothing_else(tmp_path):
    app = make_app(tmp_path, HEARD_REDIS_URL="redis://127.0.0.1:1/0", HEARD_JOBS="inline")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body == {"status": "unavailable", "database": "ok", "redis": "unavailable"}


def test_readyz_is_503_when_the_database_is_gone(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret-key",
            # A file in a folder that does not exist: SQLite cannot open it.
            "HEARD_DATABASE_URL": f"sqlite:///{tmp_path / 'gone' / 'heard.db'}",
        }
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "database": "unavailable",
        "redis": "not configured",
    }
    assert "gone" not in response.get_data(as_text=True)


def test_readyz_says_redis_answers_when_it_does(tmp_path):
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except (RedisError, OSError):
        if os.environ.get("HEARD_REQUIRE_SERVICES") == "1":
            pytest.fail(f"HEARD_REQUIRE_SERVICES=1 but Redis does not answer at {REDIS_URL}")
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    app = make_app(tmp_path, HEARD_REDIS_URL=REDIS_URL, HEARD_JOBS="inline")
    assert app.test_client().get("/readyz").get_json()["redis"] == "ok"
