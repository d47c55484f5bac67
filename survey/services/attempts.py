"""Limits on wrong phrases, counted per purpose and study in time windows.

Never per IP address: Heard does not read addresses. The view adds a limit per
browser session; this module keeps the global one, which also caps how much
slow hashing anyone can make the server do.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from survey.extensions import upsert_statement, write_transaction
from survey.models import AttemptWindow


@dataclass(frozen=True)
class Limits:
    """How many wrong phrases a window allows, and the key phrases are hashed with."""

    secret_key: str
    per_window: int = 200
    window_seconds: int = 900


def _window(limits: Limits, now: float | None = None) -> int:
    return int((time.time() if now is None else now) // limits.window_seconds)


def allowed(session: Session, key: str, limits: Limits, now: float | None = None) -> bool:
    """Return True while `key` has had fewer wrong attempts than allowed this window."""
    count = session.scalar(
        select(AttemptWindow.count).where(
            AttemptWindow.key == key, AttemptWindow.window == _window(limits, now)
        )
    )
    return (count or 0) < limits.per_window


def record_failure(session: Session, key: str, limits: Limits, now: float | None = None) -> None:
    """Count one wrong attempt for `key`, and forget windows that have passed."""
    window = _window(limits, now)
    # One atomic upsert: two first failures at once must not collide on the key.
    statement = upsert_statement(session, AttemptWindow, {"key": key, "window": window, "count": 1})
    statement = statement.on_conflict_do_update(
        index_elements=["key", "window"], set_={"count": AttemptWindow.count + 1}
    )
    with write_transaction(session):
        session.execute(statement)
        # Keep a day of windows: account lockouts look back further than one window.
        keep = max(2, 86400 // limits.window_seconds)
        session.execute(
            delete(AttemptWindow).where(
                AttemptWindow.key == key, AttemptWindow.window < window - keep
            )
        )


def window_counts(session: Session, key: str, *, since_window: int) -> dict[int, int]:
    """Return the wrong attempts of `key` in each window from `since_window` on."""
    rows = session.execute(
        select(AttemptWindow.window, AttemptWindow.count).where(
            AttemptWindow.key == key, AttemptWindow.window >= since_window
        )
    )
    return {row.window: row.count for row in rows}
