"""A study's text as analysts may read it: redacted renditions with placeholders blanked.

Topic models, keyword in context and code suggestions all read documents
through `study_corpus`, never the raw text. Each document's text is its
redacted rendition (what coders see) with every placeholder (``[NAME-1]``)
replaced by spaces of the same length, so a placeholder never becomes a
"word" of a topic, and offsets into the text are still offsets into the
rendition. `CorpusDocument.to_raw` and `from_raw` carry offsets across, so
what is stored (topic segments) is in raw offsets like every coding.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.redaction import Rendition
from survey.models import CodingCase, CodingDocument, Response, Study, TranscriptTurn
from survey.services.coding.documents import FREE_TEXT_TYPES, Question, questions
from survey.services.coding.redacted import shown
from survey.services.coding.redaction import renditions
from survey.services.studies import instrument_of

__all__ = [
    "CorpusDocument",
    "closed_items",
    "quotes_withheld",
    "study_corpus",
    "text_questions",
]

BATCH = 500


@dataclass(frozen=True)
class CorpusDocument:
    """One document as analysts read it, with its case's attributes and its turns."""

    id: int
    public_id: str
    case_id: str
    item_id: str | None
    kind: str
    language: str
    text: str
    attributes: dict[str, str]
    turns: tuple[tuple[int, int], ...]
    rendition: Rendition

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Return the raw span under [start, end) of this text (the rendition)."""
        return self.rendition.span_to_raw(start, end)

    def from_raw(self, start: int, end: int) -> tuple[int, int]:
        """Return where the raw span [start, end) lies in this text (the rendition)."""
        return shown(self.rendition, start, end)


def blank_placeholders(view: Rendition) -> str:
    """Return the rendition's text with each placeholder replaced by spaces of its length."""
    text = view.text
    parts, position = [], 0
    for placeholder in view.placeholders:
        parts += [text[position : placeholder.start], " " * (placeholder.end - placeholder.start)]
        position = placeholder.end
    parts.append(text[position:])
    return "".join(parts)


def study_corpus(
    session: Session, study: Study, *, item_id: str | None = None, kind: str | None = None
) -> list[CorpusDocument]:
    """Return the study's documents (of one question or kind, if given) as analysts read them."""
    query = (
        select(CodingDocument, CodingCase, Response.language)
        .outerjoin(CodingCase, CodingCase.id == CodingDocument.case_id)
        .outerjoin(Response, Response.id == CodingCase.response_id)
        .where(CodingDocument.study_id == study.id)
        .order_by(CodingDocument.id)
    )
    if item_id is not None:
        query = query.where(CodingDocument.item_id == item_id)
    if kind is not None:
        query = query.where(CodingDocument.kind == kind)
    rows = session.execute(query).all()
    default_language = instrument_of(study.instrument_version).default_language
    found: list[CorpusDocument] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        documents = [row[0] for row in batch]
        views = renditions(session, documents)
        turns = _turns(session, [d.id for d in documents if d.kind == "transcript"])
        for document, case, language in batch:
            view = views[document.id]
            found.append(
                CorpusDocument(
                    id=document.id,
                    public_id=document.public_id,
                    case_id=case.public_id if case is not None else "",
                    item_id=document.item_id,
                    kind=document.kind,
                    language=language or default_language,
                    text=blank_placeholders(view),
                    attributes=json.loads(case.attributes_json) if case is not None else {},
                    turns=tuple(shown(view, s, e) for s, e in turns.get(document.id, ())),
                    rendition=view,
                )
            )
    return found


def _turns(session: Session, document_ids: Sequence[int]) -> dict[int, list[tuple[int, int]]]:
    """Return each transcript's turns as raw (start, end) spans in order."""
    spans: dict[int, list[tuple[int, int]]] = {}
    if not document_ids:
        return spans
    rows = session.execute(
        select(TranscriptTurn.document_id, TranscriptTurn.start, TranscriptTurn.end)
        .where(TranscriptTurn.document_id.in_(document_ids))
        .order_by(TranscriptTurn.document_id, TranscriptTurn.position)
    )
    for document_id, start, end in rows:
        spans.setdefault(document_id, []).append((start, end))
    return spans


def text_questions(session: Session, study: Study) -> list[Question]:
    """Return the questions with free-text documents, in instrument order, with counts."""
    return questions(session, study)


def closed_items(study: Study) -> list[tuple[str, str]]:
    """Return (item id, label) of the study's closed questions: attributes and descriptives."""
    instrument = instrument_of(study.instrument_version)
    language = instrument.default_language
    return [
        (item.id, item.label.get(language))
        for item in instrument.answerable_items()
        if item.type not in FREE_TEXT_TYPES
    ]


def quotes_withheld(case_values: Mapping[str, object], value: str, k: int) -> str | None:
    """Say why quotes filtered on one answer cannot be shown, or return None if they can.

    `case_values` gives each case's answer to the filter question. Quotes are
    withheld when the filter selects fewer than `k` cases, and also when any
    other answer was given by fewer than `k`: comparing the filtered view with
    the unfiltered one would then show that small group's quotes.
    """
    groups = Counter(case_values.values())
    if groups.get(value, 0) < k:
        return f"This filter selects fewer than {k} respondents, so no quotes are shown."
    if any(0 < count < k for count in groups.values()):
        return (
            f"Another answer to this question was given by fewer than {k} respondents here: "
            "comparing this view with the unfiltered one would show their quotes, "
            "so no quotes are shown."
        )
    return None
