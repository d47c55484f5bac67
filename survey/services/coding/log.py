"""The coding log: an append-only record of coding actions, used for undo and audit.

Every action that changes codings records the segments as they were
(`before`) and as they became (`after`), as plain states: GUIDs, offsets,
memo and flag, never the document's text. Undo restores `before`, and is
itself a new entry that names the entry it undoes; nothing is ever edited
or deleted here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, astuple, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from coding import model
from survey.models import Code, Coder, CodingDocument, CodingLogEntry, Segment, Study, User

UNDOABLE = frozenset({"apply", "remove", "memo", "distressing", "code_hits", "grid", "reconcile"})
RECENT = 20


@dataclass(frozen=True)
class SegmentState:
    """A segment as the log keeps it: GUIDs and offsets, no text."""

    public_id: str
    document: str
    code: str
    coder: str
    start: int
    end: int
    memo: str = ""
    distressing: bool = False


def as_coding(segment: Segment) -> model.Coding:
    """Return `segment` as the library's coding (GUIDs, offsets, memo, flag)."""
    return model.Coding(
        guid=segment.public_id,
        document=segment.document.public_id,
        code=segment.code.public_id,
        coder=segment.coder.public_id,
        start=segment.start,
        end=segment.end,
        memo=segment.memo,
        distressing=segment.distressing,
    )


def state_of(segment: Segment) -> SegmentState:
    """Return the loggable state of `segment`."""
    coding = as_coding(segment)
    return SegmentState(coding.guid, *astuple(coding)[1:])


def record(
    session: Session,
    study: Study,
    actor: User | None,
    action: str,
    before: Iterable[SegmentState] = (),
    after: Iterable[SegmentState] = (),
    **detail: object,
) -> CodingLogEntry:
    """Append one action to the log (in the caller's transaction)."""
    payload = {
        "before": [asdict(s) for s in before],
        "after": [asdict(s) for s in after],
        **detail,
    }
    entry = CodingLogEntry(
        study_id=study.id,
        actor_id=actor.id if actor is not None else None,
        action=action,
        payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
    )
    session.add(entry)
    session.flush()
    return entry


def states(entry: CodingLogEntry, key: str) -> list[SegmentState]:
    """Return the `before` or `after` segment states of a log entry."""
    return [SegmentState(**s) for s in json.loads(entry.payload).get(key, [])]


def last_undoable(session: Session, study: Study, actor: User) -> CodingLogEntry | None:
    """Return `actor`'s most recent action on `study` that can still be undone."""
    undo = aliased(CodingLogEntry)
    return session.scalar(
        select(CodingLogEntry)
        .outerjoin(undo, undo.undoes_id == CodingLogEntry.id)
        .where(
            CodingLogEntry.study_id == study.id,
            CodingLogEntry.actor_id == actor.id,
            CodingLogEntry.action.in_(UNDOABLE),
            undo.id.is_(None),
        )
        .order_by(CodingLogEntry.id.desc())
        .limit(1)
    )


def recent(
    session: Session, study: Study, actor: User, limit: int = RECENT
) -> list[CodingLogEntry]:
    """Return `actor`'s recent coding actions on `study`, newest first."""
    return list(
        session.scalars(
            select(CodingLogEntry)
            .where(CodingLogEntry.study_id == study.id, CodingLogEntry.actor_id == actor.id)
            .order_by(CodingLogEntry.id.desc())
            .limit(limit)
        )
    )


def resolve_ids(session: Session, study: Study, state: SegmentState) -> dict[str, int] | None:
    """Return the row ids a state refers to, or None if its document, code or coder is gone."""
    ids = {}
    for key, table in (("document", CodingDocument), ("code", Code), ("coder", Coder)):
        row_id = session.scalar(
            select(table.id).where(
                table.public_id == getattr(state, key), table.study_id == study.id
            )
        )
        if row_id is None:
            return None
        ids[f"{key}_id"] = row_id
    return ids
