"""The data steward's redaction pages: which documents, and one document's spans on its raw text.

Only data stewards (and administrators) read raw text; the pages built here
show it, so the views record each view (`reading.record_view`). Reading never
writes: a document whose automatic proposals were never stored shows them
computed, exactly as coders have them hidden (`redaction.hidden_spans`).

A span not yet stored is named `at-START-END` (raw offsets) until it has a GUID.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from coding.redaction import Rendition, propose_redactions
from survey.models import CodingDocument, Redaction, Study, User
from survey.services.coding import documents, redaction
from survey.services.studies import instrument_of

PAGE_SIZE = 50
TRANSCRIPTS = "Transcripts"


@dataclass(frozen=True)
class ReviewRow:
    """One document in the review list: counts of its spans by status, reviewed or not."""

    guid: str
    group: str
    case: str
    length: int
    proposed: int
    accepted: int
    rejected: int
    stored: bool
    reviewed: bool


@dataclass(frozen=True)
class ReviewList:
    """One page of the study's documents for review, answers by question, then transcripts."""

    rows: list[ReviewRow]
    page: int
    pages: int
    total: int
    unreviewed: int
    only_unreviewed: bool

    @property
    def groups(self) -> list[tuple[str, list[ReviewRow]]]:
        """Return the page's rows grouped by question (or transcripts), in order."""
        return [(key, list(rows)) for key, rows in itertools.groupby(self.rows, lambda r: r.group)]


def review_list(
    session: Session, study: Study, *, only_unreviewed: bool = False, page: int = 1
) -> ReviewList:
    """Return one page (PAGE_SIZE) of the study's documents with their redaction counts."""
    labels = documents.free_text_items(instrument_of(study.instrument_version))
    order = {key: position for position, key in enumerate(labels)}
    where = [CodingDocument.study_id == study.id]
    if only_unreviewed:
        where.append(CodingDocument.redactions_reviewed.is_(False))
    total = session.scalar(select(func.count(CodingDocument.id)).where(*where)) or 0
    unreviewed = session.scalar(
        select(func.count(CodingDocument.id)).where(
            CodingDocument.study_id == study.id, CodingDocument.redactions_reviewed.is_(False)
        )
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    ordering = [CodingDocument.kind, CodingDocument.item_id, CodingDocument.id]
    if order:  # questions in instrument order
        ordering.insert(1, case(order, value=CodingDocument.item_id, else_=len(order)))
    found = session.scalars(
        select(CodingDocument)
        .where(*where)
        .order_by(*ordering)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    counts = _status_counts(session, [d.id for d in found if d.redactions_proposed])
    rows = [_row(d, labels, counts.get(d.id, {})) for d in found]
    return ReviewList(rows, page, pages, total, unreviewed or 0, only_unreviewed)


def _status_counts(session: Session, ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    if ids:
        query = (
            select(Redaction.document_id, Redaction.status, func.count())
            .where(Redaction.document_id.in_(ids))
            .group_by(Redaction.document_id, Redaction.status)
        )
        for document_id, status, count in session.execute(query):
            counts.setdefault(document_id, {})[status] = count
    return counts


def _row(document: CodingDocument, labels: dict[str, str], counts: dict[str, int]) -> ReviewRow:
    if document.kind == "transcript":
        group = TRANSCRIPTS
    else:
        group = labels.get(document.item_id or "", document.item_id or "")
    if not document.redactions_proposed:  # computed, as coders have them hidden
        counts = {"proposed": len(propose_redactions(document.text))}
    return ReviewRow(
        document.public_id,
        group,
        document.case.public_id if document.case else "",
        document.length,
        counts.get("proposed", 0),
        counts.get("accepted", 0),
        counts.get("rejected", 0),
        document.redactions_proposed,
        document.redactions_reviewed,
    )


@dataclass(frozen=True)
class SpanRow:
    """One span of a document under review, numbered in text order."""

    number: int
    ref: str  # the GUID, or at-START-END while the proposals are not stored
    start: int
    end: int
    kind: str
    status: str
    origin: str
    words: str
    decided_by: str | None = None
    decided_at: dt.datetime | None = None


@dataclass(frozen=True)
class Piece:
    """A run of the raw text: the spans covering it, and the spans that end with it."""

    text: str
    status: str | None  # the covering span that hides it ("proposed", "accepted"), else "rejected"
    closing: tuple[SpanRow, ...]


@dataclass(frozen=True)
class ReviewPage:
    """Everything the steward's document page shows: raw text, spans, the coders' rendition."""

    document: CodingDocument
    group: str
    spans: list[SpanRow]
    pieces: list[Piece]
    rendition: Rendition
    stored: bool

    @property
    def undecided(self) -> int:
        """Return how many spans are still proposals."""
        return sum(1 for s in self.spans if s.status == "proposed")

    @property
    def labels(self) -> list[tuple[str, str, int]]:
        """Return each placeholder label once, with its kind and how often it appears."""
        seen: dict[str, tuple[str, str, int]] = {}
        for p in self.rendition.placeholders:
            label, kind, count = seen.get(p.label, (p.label, p.kind, 0))
            seen[p.label] = (label, kind, count + 1)
        return list(seen.values())


def review_page(session: Session, study: Study, guid: str) -> ReviewPage:
    """Return the review page of document `guid` of `study` (reading only), or raise NotFound."""
    document = documents.document(session, study, guid)
    spans = _span_rows(session, document)
    labels = documents.free_text_items(instrument_of(study.instrument_version))
    group = _row(document, labels, {}).group
    return ReviewPage(
        document,
        group,
        spans,
        pieces(document.text, spans),
        redaction.rendition(session, document),
        document.redactions_proposed,
    )


def _span_rows(session: Session, document: CodingDocument) -> list[SpanRow]:
    text = document.text
    if not document.redactions_proposed:
        computed = redaction.hidden_spans(session, [document])[document.id]
        return [
            SpanRow(n, f"at-{s}-{e}", s, e, kind, "proposed", "auto", text[s:e])
            for n, (s, e, kind) in enumerate(computed, 1)
        ]
    query = (
        select(Redaction, User.email)
        .outerjoin(User, User.id == Redaction.decided_by)
        .where(Redaction.document_id == document.id)
        .order_by(Redaction.start, Redaction.end)
    )
    return [
        SpanRow(
            n, r.public_id, r.start, r.end, r.kind, r.status, r.origin, text[r.start : r.end],
            email, r.decided_at,
        )
        for n, (r, email) in enumerate(session.execute(query).all(), 1)
    ]  # fmt: skip


def pieces(text: str, spans: list[SpanRow]) -> list[Piece]:
    """Cut `text` at every span boundary; say what covers each run and which spans end there."""
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    found = []
    for a, b in itertools.pairwise(cuts):
        covering = [s for s in spans if s.start <= a and b <= s.end]
        hiding = [s.status for s in covering if s.status != "rejected"]
        status = hiding[0] if hiding else ("rejected" if covering else None)
        closing = tuple(s for s in spans if s.end == b)
        found.append(Piece(text[a:b], status, closing))
    return found


# == decisions (each one write transaction) ==
