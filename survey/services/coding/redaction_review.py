"""The data steward's review of redactions: which documents, their spans, and decisions.

Only data stewards (and administrators) read raw text; the pages built here
show it, so the views record each view (`reading.record_view`). Reading never
writes: a document whose automatic proposals were never stored shows them
computed, exactly as coders have them hidden (`redaction.hidden_spans`), and
the first decision on it stores them (`redaction.propose`) in the same
transaction as the decision. Every decision is one write transaction and one
audit event holding GUIDs, kinds and counts, never the words.

A span not yet stored is named `at-START-END` (raw offsets) until it has a GUID.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from coding.redaction import KINDS, Rendition, propose_redactions
from coding.text import normalise
from survey.extensions import write_transaction
from survey.models import CodingDocument, Redaction, Study, User
from survey.models.staff import now
from survey.services import audit
from survey.services.coding import documents, redaction
from survey.services.coding.errors import NotFound, Refused
from survey.services.studies import instrument_of

PAGE_SIZE = 50
TRANSCRIPTS = "Transcripts"
ACTIONS = ("accept", "reject", "kind")
UNSTORED = re.compile(r"at-(\d{1,9})-(\d{1,9})")
NUMBER = re.compile(r"\s*(\d{1,9})\s*")


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


def _locked(session: Session, actor: User, study: Study, guid: str) -> CodingDocument:
    """Return the document, locked for this transaction, with its proposals stored."""
    document = session.scalar(
        select(CodingDocument)
        .where(CodingDocument.public_id == guid, CodingDocument.study_id == study.id)
        .with_for_update()
    )
    if document is None:
        raise NotFound(guid)
    if not document.redactions_proposed:
        stored = redaction.propose(session, document)
        audit.record(session, actor, "coding.redaction_propose", document, proposed=stored)
        session.flush()
    return document


def _live(session: Session, document: CodingDocument, skip: int | None = None) -> list[Redaction]:
    query = select(Redaction).where(
        Redaction.document_id == document.id, Redaction.status != "rejected"
    )
    return [r for r in session.scalars(query) if r.id != skip]


def _clash(document: CodingDocument, start: int, end: int, live: list[Redaction]) -> Refused:
    other = next(r for r in live if r.start < end and start < r.end)
    words = document.text[other.start : other.end]
    return Refused(
        f"The span {start}–{end} overlaps the {other.kind} span {other.start}–{other.end} "
        f"(“{words}”, {other.status}). Reject that span first, or choose other words.",
        "REDACTION_OVERLAP",
    )


def _stamp(span: Redaction, actor: User, status: str, kind: str | None = None) -> None:
    span.status = status
    span.kind = kind or span.kind
    span.decided_by = actor.id
    span.decided_at = now()


def decide(
    session: Session, actor: User, study: Study, guid: str, ref: str, action: str, kind: str = ""
) -> Redaction:
    """Accept or reject span `ref` of document `guid`, or set its kind (which accepts it)."""
    if action not in ACTIONS or (action == "kind" and kind not in KINDS):
        raise Refused("Choose Accept, Reject, or a kind from the list.", "REDACTION_ACTION")
    with write_transaction(session):
        document = _locked(session, actor, study, guid)
        span = _span(session, document, ref)
        before = span.status
        if action != "reject" and before == "rejected":
            live = _live(session, document, skip=span.id)
            if any(r.start < span.end and span.start < r.end for r in live):
                raise _clash(document, span.start, span.end, live)
        status = "rejected" if action == "reject" else "accepted"
        _stamp(span, actor, status, kind if action == "kind" else None)
        audit.record(
            session, actor, "coding.redaction_decide", span,
            document=document.public_id, decision=action, kind=span.kind, before=before,
        )  # fmt: skip
    return span


def _span(session: Session, document: CodingDocument, ref: str) -> Redaction:
    where = [Redaction.document_id == document.id]
    at = UNSTORED.fullmatch(ref)
    if at:
        where += [Redaction.start == int(at[1]), Redaction.end == int(at[2])]
    else:
        where.append(Redaction.public_id == ref)
    found = session.scalar(select(Redaction).where(*where))
    if found is None:
        raise NotFound(ref)
    return found


def accept_all(session: Session, actor: User, study: Study, guid: str) -> int:
    """Accept every proposal of document `guid` still undecided; return how many."""
    with write_transaction(session):
        document = _locked(session, actor, study, guid)
        proposals = session.scalars(
            select(Redaction).where(
                Redaction.document_id == document.id, Redaction.status == "proposed"
            )
        ).all()
        for span in proposals:
            _stamp(span, actor, "accepted")
        audit.record(
            session, actor, "coding.redaction_accept_all", document, accepted=len(proposals)
        )
    return len(proposals)


def set_reviewed(session: Session, actor: User, study: Study, guid: str, reviewed: bool) -> None:
    """Mark document `guid` reviewed (or reopen it), storing its proposals first."""
    with write_transaction(session):
        document = _locked(session, actor, study, guid)
        document.redactions_reviewed = reviewed
        audit.record(session, actor, "coding.redaction_reviewed", document, reviewed=reviewed)


def store_proposals(session: Session, study: Study, batch: int = 200) -> tuple[int, int]:
    """Store the automatic proposals of every document of `study` that has none stored.

    Returns (documents, spans). Works in batches of `batch` documents, each one
    write transaction with one audit event (by the command line: no actor).
    """
    documents_done = spans_done = 0
    while True:
        with write_transaction(session):
            pending = session.scalars(
                select(CodingDocument)
                .where(
                    CodingDocument.study_id == study.id,
                    CodingDocument.redactions_proposed.is_(False),
                )
                .order_by(CodingDocument.id)
                .limit(batch)
                .with_for_update()
            ).all()
            found = sum(redaction.propose(session, document) for document in pending)
            if pending:
                audit.record(
                    session, None, "coding.redaction_propose", study,
                    documents=len(pending), proposed=found,
                )  # fmt: skip
        documents_done, spans_done = documents_done + len(pending), spans_done + found
        if len(pending) < batch:
            return documents_done, spans_done


# == adding spans ==


@dataclass(frozen=True)
class AddForm:
    """A span to add: typed words (first or every occurrence) or code-point offsets."""

    kind: str
    how: str = "words"  # "words" or "offsets"
    words: str = ""
    every: bool = False
    start: str = ""
    end: str = ""


@dataclass(frozen=True)
class Added:
    """What adding did: spans now hidden, occurrences that already were."""

    added: int
    already: int


def add_spans(session: Session, actor: User, study: Study, guid: str, form: AddForm) -> Added:
    """Hide the typed words (or offsets) of document `guid` as `form.kind`; refuse overlaps."""
    if form.kind not in KINDS:
        raise Refused("Choose the kind of detail from the list.", "REDACTION_KIND_UNKNOWN")
    with write_transaction(session):
        document = _locked(session, actor, study, guid)
        wanted = _wanted(document.text, form)
        live = _live(session, document)
        new, already = [], 0
        for start, end in wanted:
            if any(r.start <= start and end <= r.end for r in live):
                already += 1
            elif any(r.start < end and start < r.end for r in live):
                raise _clash(document, start, end, live)
            else:
                new.append((start, end))
        for start, end in new:
            _add(session, actor, document, start, end, form.kind)
        audit.record(
            session, actor, "coding.redaction_add", document,
            kind=form.kind, how=form.how, every=form.every, added=len(new), already=already,
        )  # fmt: skip
    return Added(len(new), already)


def _add(
    session: Session, actor: User, document: CodingDocument, start: int, end: int, kind: str
) -> None:
    rejected = session.scalar(
        select(Redaction).where(
            Redaction.document_id == document.id, Redaction.start == start, Redaction.end == end
        )
    )
    if rejected is None:  # (a live span there would have counted as already hidden)
        rejected = Redaction(document_id=document.id, start=start, end=end, origin="steward")
        session.add(rejected)
    _stamp(rejected, actor, "accepted", kind)


def _wanted(text: str, form: AddForm) -> list[tuple[int, int]]:
    """Return the spans the form names, or raise Refused saying what is wrong."""
    if form.how == "offsets":
        start, end = NUMBER.fullmatch(form.start), NUMBER.fullmatch(form.end)
        if not (start and end):
            raise Refused("Type the start and the end as whole numbers.", "SPAN_OFFSETS")
        first, last = int(start[1]), int(end[1])
        if first >= last:
            raise Refused("That span is empty: the end must come after the start.", "SPAN_EMPTY")
        if last > len(text):
            raise Refused(
                f"That span is out of range: the text has {len(text)} characters "
                f"(offsets 0 to {len(text)}).",
                "SPAN_OUT_OF_RANGE",
            )
        return [(first, last)]
    words = normalise(form.words).strip()
    if not words:
        raise Refused("Type the words to hide, exactly as they are in the text.", "SPAN_EMPTY")
    found = [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(words)}(?!\w)", text)]
    if not found:
        raise Refused(
            f"“{words}” is not in the text as whole words. Copy them exactly, or give offsets.",
            "WORDS_NOT_FOUND",
        )
    return found if form.every else found[:1]
