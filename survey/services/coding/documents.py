"""Codable documents: every free-text answer of a completed response, grouped by question.

A completed response becomes one anonymous case (a random GUID, never a
name) holding its closed answers as attributes, and one document per
free-text answer. Documents are made in the transaction that submits the response
(`add_case`), so a completed response always has them; `sync_documents`
makes any that are missing (responses submitted before coding existed, or
inserted by other means). A withdrawn response takes its case, documents and
codings with it (ON DELETE CASCADE).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coding.text import normalise
from instruments.schema import Instrument, Item
from survey.extensions import write_transaction
from survey.models import (
    Answer,
    CodingCase,
    CodingDocument,
    CodingLogEntry,
    InstrumentVersion,
    Response,
    Segment,
    Study,
    Submission,
)
from survey.services.coding import redaction
from survey.services.coding.errors import NotFound
from survey.services.studies import instrument_of

FREE_TEXT_TYPES = ("short_text", "long_text")
SELF_DESCRIBED = "__text"
BATCH = 200
YES_NO = {"yes": "Yes", "no": "No"}


@dataclass(frozen=True)
class Question:
    """A question whose answers are documents, with how many there are."""

    item_id: str
    label: str
    documents: int
    short: bool


def free_text_items(instrument: Instrument) -> dict[str, str]:
    """Return {answer key: question label} for every answer that is free text."""
    language = instrument.default_language
    keys: dict[str, str] = {}
    for item in instrument.answerable_items():
        label = item.label.get(language)
        if item.type in FREE_TEXT_TYPES:
            keys[item.id] = label
        if item.self_describe:
            keys[f"{item.id}{SELF_DESCRIBED}"] = f"{label} (in their own words)"
    return keys


def _attribute(item: Item, value: object, language: str) -> str:
    if item.type == "multiple_choice" and isinstance(value, list):
        return "; ".join(item.choice_label(str(v), language) or str(v) for v in value)
    if item.type == "yes_no":
        return YES_NO.get(str(value), str(value))
    if item.type in ("single_choice", "scale"):
        return item.choice_label(str(value), language) or str(value)
    return str(value)


def case_attributes(instrument: Instrument, answers: Mapping[str, Answer]) -> dict[str, str]:
    """Return the closed answers of one response as {item id: value label or non-answer code}."""
    language = instrument.default_language
    attributes: dict[str, str] = {}
    for item in instrument.answerable_items():
        if item.type in FREE_TEXT_TYPES:
            continue
        answer = answers.get(item.id)
        if answer is None:
            attributes[item.id] = "skipped"
        elif answer.code is not None:
            attributes[item.id] = answer.code
        else:
            attributes[item.id] = _attribute(item, json.loads(answer.value), language)
    return attributes


def _pending(
    session: Session, study: Study, limit: int
) -> list[tuple[Response, InstrumentVersion]]:
    query = (
        select(Response, InstrumentVersion)
        .join(Submission, Submission.response_id == Response.id)
        .join(InstrumentVersion, InstrumentVersion.id == Response.instrument_version_id)
        .outerjoin(CodingCase, CodingCase.response_id == Response.id)
        .where(Response.study_id == study.id, CodingCase.id.is_(None))
        .order_by(Response.id)
        .limit(limit)
    )
    return [tuple(row) for row in session.execute(query)]


def add_case(session: Session, study_id: int, response_id: str, instrument: Instrument) -> None:
    """Add the case and documents of one submitted response (in the caller's transaction)."""
    answers = {
        a.item_id: a
        for a in session.scalars(select(Answer).where(Answer.response_id == response_id))
    }
    case = CodingCase(
        study_id=study_id,
        response_id=response_id,
        attributes_json=json.dumps(case_attributes(instrument, answers), ensure_ascii=False),
    )
    session.add(case)
    session.flush()
    for key in free_text_items(instrument):
        answer = answers.get(key)
        if answer is None or answer.value is None:
            continue
        text = normalise(str(json.loads(answer.value)))
        if not text.strip():
            continue
        document = CodingDocument(
            study_id=study_id,
            case_id=case.id,
            kind="answer",
            item_id=key,
            name=f"{key} · case {case.public_id[:8]}",
            text=text,
            length=len(text),
        )
        session.add(document)
        redaction.propose(session, document)
    session.flush()


def sync_documents(session: Session, study: Study) -> int:
    """Make the case and documents of every completed response that has none; return how many."""
    made = 0
    while True:
        with write_transaction(session):
            pending = _pending(session, study, BATCH)
            for response, version in pending:
                add_case(session, study.id, response.id, instrument_of(version))
        made += len(pending)
        if len(pending) < BATCH:
            return made


def questions(session: Session, study: Study) -> list[Question]:
    """Return the questions with documents on `study`, in instrument order, with counts."""
    counts = dict(
        session.execute(
            select(CodingDocument.item_id, func.count())
            .where(CodingDocument.study_id == study.id, CodingDocument.kind == "answer")
            .group_by(CodingDocument.item_id)
        ).all()
    )
    instrument = instrument_of(study.instrument_version)
    short = {i.id for i in instrument.answerable_items() if i.type != "long_text"}
    found = []
    for key, label in free_text_items(instrument).items():
        if counts.get(key):
            found.append(Question(key, label, counts[key], key.split("__")[0] in short))
    known = {q.item_id for q in found}
    # Questions of earlier versions that the current one no longer has.
    for key in sorted(k for k in counts if k not in known and k is not None):
        found.append(Question(key, key, counts[key], True))
    return found


def document(session: Session, study: Study, public_id: str) -> CodingDocument:
    """Return the document `public_id` of `study`, or raise NotFound."""
    found = session.scalar(
        select(CodingDocument).where(
            CodingDocument.public_id == public_id, CodingDocument.study_id == study.id
        )
    )
    if found is None:
        raise NotFound(public_id)
    return found


def attributes_of(case: CodingCase | None) -> dict[str, str]:
    """Return a case's attributes ({} for a document without a case)."""
    return json.loads(case.attributes_json) if case is not None else {}


def coded_document_count(session: Session, study: Study, coder_ids: set[int] | None = None) -> int:
    """Return how many documents of `study` carry a coding by `coder_ids` (None: anyone's).

    Pass `coders.visible_coder_ids`, so that blind mode hides the others' progress too.
    """
    query = (
        select(func.count(func.distinct(Segment.document_id)))
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .where(CodingDocument.study_id == study.id)
    )
    if coder_ids is not None:
        query = query.where(Segment.coder_id.in_(coder_ids))
    return session.scalar(query) or 0


def forget_response(session: Session, response_id: str) -> int:
    """Blank the memos the coding log keeps for a withdrawn response's documents; return entries.

    Deleting the response deletes its case, documents and segments (ON
    DELETE CASCADE). The append-only coding log names segments only by GUID
    and offsets, but keeps their memos for undo, and a memo may quote the
    answer: withdrawal outranks the log, so those memos are blanked.
    """
    rows = session.execute(
        select(CodingDocument.public_id, CodingDocument.study_id)
        .join(CodingCase, CodingCase.id == CodingDocument.case_id)
        .where(CodingCase.response_id == response_id)
    ).all()
    guids = {guid for guid, _ in rows}
    if not guids:
        return 0
    changed = 0
    # The payload is sealed at rest, so it is searched here, not with LIKE in the database.
    entries = session.scalars(select(CodingLogEntry).where(CodingLogEntry.study_id == rows[0][1]))
    for entry in entries:
        payload = json.loads(entry.payload)
        states = [s for key in ("before", "after") for s in payload.get(key, [])]
        if not any(state.get("document") in guids for state in states):
            continue
        for state in states:
            if state.get("document") in guids:
                state["memo"] = ""
        entry.payload = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        changed += 1
    return changed
