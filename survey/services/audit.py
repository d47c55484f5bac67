"""The audit log of staff actions: who, what, when, which object; never answer content."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from survey.models.staff import AuditEvent, User

SAFE_DETAIL_TYPES = (str, int, float, bool, type(None))
MAX_DETAIL_LENGTH = 200
PAGE_SIZE = 50


def record(
    session: Session, actor: User | None, action: str, obj: object = None, **detail: object
) -> None:
    """Add an audit event to the current transaction.

    `detail` holds small facts about the action (a role, a setting's name and
    new value); callers never pass respondent text, and anything that is not a
    plain short scalar is refused so that a whole answer cannot slip in by accident.
    """
    for key, value in detail.items():
        if not isinstance(value, SAFE_DETAIL_TYPES) or (
            isinstance(value, str) and len(value) > MAX_DETAIL_LENGTH
        ):
            raise ValueError(f"audit detail {key!r} must be a short scalar")
    object_type = type(obj).__name__.lower() if obj is not None else None
    object_id = None
    for name in ("public_id", "slug", "key", "id"):
        object_id = object_id or getattr(obj, name, None)
    session.add(
        AuditEvent(
            actor_id=actor.id if actor is not None else None,
            action=action,
            object_type=object_type,
            object_id=str(object_id) if object_id is not None else None,
            detail=json.dumps(detail, sort_keys=True),
        )
    )


@dataclass(frozen=True)
class AuditLine:
    """One event as a person reads it: who, what, when, which object, small facts."""

    at: dt.datetime
    who: str | None
    action: str
    object_type: str | None
    object_id: str | None
    object_label: str | None
    detail: dict[str, object]


@dataclass(frozen=True)
class AuditPage:
    """One page of the log, newest first."""

    lines: list[AuditLine]
    page: int
    pages: int
    total: int


def actions(session: Session) -> list[str]:
    """Return every action the log holds, in alphabetical order."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def events_page(
    session: Session,
    *,
    action: str | None = None,
    person: User | None = None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> AuditPage:
    """Return a page of events, newest first, of one action and by or about one person."""
    conditions = []
    if action:
        conditions.append(AuditEvent.action == action)
    if person is not None:
        about = and_(AuditEvent.object_type == "user", AuditEvent.object_id == person.public_id)
        conditions.append(or_(AuditEvent.actor_id == person.id, about))
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    actor = aliased(User)
    rows = session.execute(
        select(AuditEvent, actor.email)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .where(*conditions)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    labels = _user_labels(session, [e.object_id for e, _ in rows if e.object_type == "user"])
    lines = [
        AuditLine(
            at=event.at,
            who=email,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            object_label=labels.get(event.object_id or "") if event.object_type == "user" else None,
            detail=json.loads(event.detail or "{}"),
        )
        for event, email in rows
    ]
    return AuditPage(lines=lines, page=page, pages=pages, total=total)


def _user_labels(session: Session, public_ids: list[str | None]) -> dict[str, str]:
    """Return the email address of each account named by public id."""
    wanted = {p for p in public_ids if p}
    if not wanted:
        return {}
    rows = session.execute(select(User.public_id, User.email).where(User.public_id.in_(wanted)))
    return {row.public_id: row.email for row in rows}
