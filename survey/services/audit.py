"""The audit log of staff actions: who, what, when, which object; never answer content."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from survey.models.staff import AuditEvent, User

SAFE_DETAIL_TYPES = (str, int, float, bool, type(None))


def record(
    session: Session, actor: User | None, action: str, obj: object = None, **detail: object
) -> None:
    """Add an audit event to the current transaction.

    `detail` holds small facts about the action (a role, a setting's name and
    new value); callers never pass respondent text, and anything that is not a
    plain scalar is refused so that a whole answer cannot slip in by accident.
    """
    for key, value in detail.items():
        if not isinstance(value, SAFE_DETAIL_TYPES) or (
            isinstance(value, str) and len(value) > 200
        ):
            raise ValueError(f"audit detail {key!r} must be a short scalar")
    object_type = type(obj).__name__.lower() if obj is not None else None
    object_id = (
        getattr(obj, "public_id", None) or getattr(obj, "slug", None) or getattr(obj, "id", None)
    )
    session.add(
        AuditEvent(
            actor_id=actor.id if actor is not None else None,
            action=action,
            object_type=object_type,
            object_id=str(object_id) if object_id is not None else None,
            detail=json.dumps(detail, sort_keys=True),
        )
    )
