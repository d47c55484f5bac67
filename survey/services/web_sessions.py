"""Server-side browser sessions: load, save and end them by token."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from survey.extensions import write_transaction
from survey.models import WebSession
from survey.models.studies import today


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_session(session: Session, token: str) -> dict | None:
    """Return the data of the live session with `token`, or None."""
    row = session.scalar(
        select(WebSession).where(WebSession.id == _key(token), WebSession.expires_on >= today())
    )
    if row is None:
        return None
    try:
        data = json.loads(row.data)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def save_session(session: Session, token: str, data: dict, *, idle_days: int) -> None:
    """Store `data` under `token`, to expire after `idle_days` without use."""
    expires_on = today() + dt.timedelta(days=idle_days)
    with write_transaction(session):
        row = session.get(WebSession, _key(token))
        if row is None:
            session.add(WebSession(id=_key(token), data=json.dumps(data), expires_on=expires_on))
        else:
            row.data = json.dumps(data)
            row.expires_on = expires_on


def end_session(session: Session, token: str) -> None:
    """Delete the session with `token`, if there is one."""
    with write_transaction(session):
        session.execute(delete(WebSession).where(WebSession.id == _key(token)))


def purge_sessions(session: Session) -> int:
    """Delete expired sessions; return how many."""
    with write_transaction(session):
        result = session.execute(delete(WebSession).where(WebSession.expires_on < today()))
    return result.rowcount or 0
