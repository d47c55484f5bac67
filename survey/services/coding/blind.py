"""The coders of a study and its coding settings: blind mode, reveal, the agreement unit.

Blind mode keeps each coder to their own codings until the lead reveals
everyone's (`coders.visible_coder_ids` applies it everywhere). Each change
is one write transaction that stores the settings row (made on the first
change) and an audit event; `changes` reads those events back for the page.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.extensions import write_transaction
from survey.models import AuditEvent, Coder, CodingSettings, Segment, Study, User
from survey.services import audit
from survey.services.coding.coders import coders_of, visible_coder_ids
from survey.services.coding.errors import Refused

UNITS = ("answer", "sentence", "character")
COMPARED_KINDS = ("person", "imported")
ACTIONS = ("coding.blind", "coding.reveal", "coding.unit")
RECENT = 20


@dataclass(frozen=True)
class CoderRow:
    """A coder with how much they have coded."""

    coder: Coder
    segments: int
    documents: int


@dataclass(frozen=True)
class Change:
    """One change of the coding settings: who, when, what."""

    at: dt.datetime
    who: str | None
    action: str
    detail: dict[str, object]


def _stored(session: Session, study: Study) -> CodingSettings:
    found = session.get(CodingSettings, study.id)
    if found is None:
        found = CodingSettings(study_id=study.id, blind=False, revealed=False, unit="answer")
        session.add(found)
    return found


def set_blind(session: Session, actor: User, study: Study, blind: bool) -> None:
    """Turn blind mode on (hiding everyone's codings from each other again) or off."""
    with write_transaction(session):
        settings = _stored(session, study)
        settings.blind = blind
        settings.revealed = False
        audit.record(session, actor, "coding.blind", study, blind=blind)


def set_revealed(session: Session, actor: User, study: Study, revealed: bool) -> None:
    """Reveal everyone's codings to every coder, or hide them again; only in blind mode."""
    with write_transaction(session):
        settings = _stored(session, study)
        if not settings.blind:
            raise Refused(
                "Blind mode is off: every coder already sees everyone’s codings.", "NOT_BLIND"
            )
        settings.revealed = revealed
        audit.record(session, actor, "coding.reveal", study, revealed=revealed)


def set_unit(session: Session, actor: User, study: Study, unit: str) -> None:
    """Save the unit the agreement table compares by default."""
    if unit not in UNITS:
        raise Refused("Choose answers, sentences or characters.", "UNIT_UNKNOWN")
    with write_transaction(session):
        _stored(session, study).unit = unit
        audit.record(session, actor, "coding.unit", study, unit=unit)


def coder_rows(session: Session, study: Study) -> list[CoderRow]:
    """Return every coder of `study` (people, imported, consensus) with their counts."""
    counts = {
        coder_id: (segments, documents)
        for coder_id, segments, documents in session.execute(
            select(
                Segment.coder_id,
                func.count(Segment.id),
                func.count(func.distinct(Segment.document_id)),
            )
            .join(Coder, Coder.id == Segment.coder_id)
            .where(Coder.study_id == study.id)
            .group_by(Segment.coder_id)
        )
    }
    return [CoderRow(c, *counts.get(c.id, (0, 0))) for c in coders_of(session, study)]


def changes(session: Session, study: Study, limit: int = RECENT) -> list[Change]:
    """Return the recent changes of `study`'s coding settings, newest first."""
    rows = session.execute(
        select(AuditEvent, User.email)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.action.in_(ACTIONS),
            AuditEvent.object_type == "study",
            AuditEvent.object_id == study.slug,
        )
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return [Change(e.at, email, e.action, json.loads(e.detail or "{}")) for e, email in rows]


def compared_coders(session: Session, study: Study, viewer: User) -> list[Coder]:
    """Return the people and imported coders `viewer` may see on `study` (never the consensus)."""
    visible = visible_coder_ids(session, study, viewer)
    return [
        c
        for c in coders_of(session, study)
        if c.kind in COMPARED_KINDS and (visible is None or c.id in visible)
    ]


def collapses(session: Session, study: Study, viewer: User) -> bool:
    """Return True when `viewer` chose to see distressing passages collapsed behind a note."""
    return bool(
        session.scalar(
            select(Coder.collapse_distressing).where(
                Coder.study_id == study.id, Coder.user_id == viewer.id
            )
        )
    )
