"""Readiness: can this process reach its database and, when configured, Redis? No data."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

REDIS_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Readiness:
    """Each dependency's state: "ok", "unavailable" or "not configured"."""

    database: str
    redis: str

    @property
    def ready(self) -> bool:
        """Return True when nothing configured is unavailable."""
        return "unavailable" not in (self.database, self.redis)


def database_state(session: Session) -> str:
    """Return "ok" when the database answers a trivial query."""
    try:
        session.execute(text("SELECT 1"))
        session.rollback()  # end the read transaction: nothing is held open
        return "ok"
    except (SQLAlchemyError, OSError):
        with contextlib.suppress(SQLAlchemyError, OSError):
            session.rollback()
        return "unavailable"


def redis_state(url: str) -> str:
    """Return "ok" when Redis at `url` answers PING ("not configured" without a URL)."""
    if not url:
        return "not configured"
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        with Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        ) as connection:
            return "ok" if connection.ping() else "unavailable"
    except (RedisError, OSError, ValueError):
        return "unavailable"


def readiness(session: Session, redis_url: str) -> Readiness:
    """Return whether the database and Redis answer."""
    return Readiness(database_state(session), redis_state(redis_url))
