"""Forget, in the audit log, which response a deleted response's events were about.

While a response lives, the audit log keeps who did what to it and when, to
the second: interview events name it by its short id (`interview.*`, detail
``response``), and coding events name its case, documents and redaction spans
by GUID (the object, or a ``case`` or ``document`` detail). Audit events are
never deleted, so once the response is deleted (withdrawn, an interview
stopped without keeping the answers or declined, a draft purged, its study
purged, or any of these again after a restore) its events would still link
a member of staff, a time and a response. In the same transaction as the
deletion, each such event keeps who and what and the day, but every reference
to the response becomes ``"deleted"`` and its time becomes midnight of its day.

A short id is 8 hex digits, so another response of the same study may share
it: its events lose their reference too. That errs on the side of forgetting.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from survey.models import AuditEvent, CodingCase, CodingDocument, Redaction, Response, Study

__all__ = ["DELETED", "forget_orphan_interviews", "forget_responses", "forget_study", "short_id"]

DELETED = "deleted"
SHORT_ID_LENGTH = 8
# Objects of audit events that hang off a response (type(obj).__name__.lower()).
GUID_TYPES = ("codingcase", "codingdocument", "redaction")
GUID_DETAILS = ("case", "document")
CHUNK = 500


def short_id(response_id: str) -> str:
    """Return the short id an interviewer sees and the audit log names (8 random hex digits)."""
    return response_id[:SHORT_ID_LENGTH].upper()


def forget_responses(session: Session, study_id: int, response_ids: Sequence[str]) -> int:
    """Strip `response_ids` (about to be deleted) from the audit log; return events changed.

    Call it inside the transaction that deletes them, before the deletion
    (their cases, documents and spans are looked up first).
    """
    if not response_ids:
        return 0
    slug = session.scalar(select(Study.slug).where(Study.id == study_id))
    cases = select(CodingCase.id).where(CodingCase.response_id.in_(list(response_ids)))
    guids = _guids(session, cases)
    in_detail = _guids(session, cases, spans=False)
    found = session.scalars(
        select(AuditEvent).where(
            or_(
                _interviews_on(slug),
                *[AuditEvent.object_id.in_(chunk) for chunk in _chunks(guids)],
                *[AuditEvent.detail.contains(f'"{guid}"') for guid in in_detail],
            )
        )
    ).all()
    shorts = {short_id(r) for r in response_ids}
    return sum(_strip(event, slug, shorts, guids) for event in found)


def forget_study(session: Session, study: Study) -> int:
    """Strip every response of `study` (all about to be purged) from the audit log; count."""
    cases = select(CodingCase.id).where(CodingCase.study_id == study.id)
    guids = _guids(session, cases)
    guids |= set(
        session.scalars(select(CodingDocument.public_id).where(CodingDocument.study_id == study.id))
    )
    guids |= set(
        session.scalars(
            select(Redaction.public_id)
            .join(CodingDocument, CodingDocument.id == Redaction.document_id)
            .where(CodingDocument.study_id == study.id)
        )
    )
    detail_refs = [AuditEvent.detail.contains(f'"{name}": "') for name in GUID_DETAILS]
    found = session.scalars(
        select(AuditEvent).where(
            or_(_interviews_on(study.slug), AuditEvent.object_type.in_(GUID_TYPES), *detail_refs)
        )
    ).all()
    return sum(_strip(event, study.slug, None, guids) for event in found)


def forget_orphan_interviews(session: Session) -> int:
    """Strip interview events whose response no longer exists (older code, a restore); count.

    The events are read before the responses: a response is stored before
    its first event, so one started meanwhile is never taken for deleted.
    """
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action.like("interview.%"),
            AuditEvent.object_type == "study",
            AuditEvent.detail.contains('"response": "'),
        )
    ).all()
    if not events:
        return 0
    live: dict[str, set[str]] = {}
    rows = session.execute(
        select(Study.slug, Response.id).join(Study, Study.id == Response.study_id)
    )
    for slug, response_id in rows:
        live.setdefault(slug, set()).add(short_id(response_id))
    changed = 0
    for event in events:
        shown = json.loads(event.detail or "{}").get("response")
        if shown != DELETED and shown not in live.get(event.object_id or "", set()):
            changed += _strip(event, event.object_id, {shown}, set())
    return changed


def _interviews_on(slug: str | None):
    return and_(
        AuditEvent.action.like("interview.%"),
        AuditEvent.object_type == "study",
        AuditEvent.object_id == slug,
    )


def _guids(session: Session, cases, *, spans: bool = True) -> set[str]:
    """Return the GUIDs of `cases`, their documents and (with `spans`) their redaction spans."""
    found = set(session.scalars(select(CodingCase.public_id).where(CodingCase.id.in_(cases))))
    documents = select(CodingDocument.id).where(CodingDocument.case_id.in_(cases))
    found |= set(
        session.scalars(select(CodingDocument.public_id).where(CodingDocument.id.in_(documents)))
    )
    if spans:
        found |= set(
            session.scalars(select(Redaction.public_id).where(Redaction.document_id.in_(documents)))
        )
    return found


def _chunks(values: Iterable[str]) -> list[list[str]]:
    ordered = sorted(values)
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def _strip(event: AuditEvent, slug: str | None, shorts: set[str] | None, guids: set[str]) -> int:
    """Replace the event's references to the response by DELETED, its time by its day; 1 if so.

    `shorts` None: every interview event on the study's slug names a deleted response.
    """
    detail = json.loads(event.detail or "{}")
    changed = False
    on_study = event.object_type == "study" and event.object_id == slug
    shown = detail.get("response")
    named = shown not in (None, DELETED) and (shorts is None or shown in shorts)
    if event.action.startswith("interview.") and on_study and named:
        detail["response"], changed = DELETED, True
    if event.object_type in GUID_TYPES and event.object_id in guids:
        event.object_id, changed = DELETED, True
    for key, value in detail.items():
        if isinstance(value, str) and value in guids:
            detail[key], changed = DELETED, True
    if not changed:
        return 0
    event.detail = json.dumps(detail, sort_keys=True)
    event.at = dt.datetime.combine(event.at.date(), dt.time())
    return 1
