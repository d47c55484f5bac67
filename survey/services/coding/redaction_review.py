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

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.redaction import KINDS
from coding.text import normalise
from survey.extensions import write_transaction
from survey.models import CodingDocument, Redaction, Study, User
from survey.models.staff import now
from survey.services import audit
from survey.services.coding import redaction, redaction_pages
from survey.services.coding.errors import NotFound, Refused

ACTIONS = ("accept", "reject", "kind")
UNSTORED = re.compile(r"at-(\d{1,9})-(\d{1,9})")
NUMBER = re.compile(r"\s*(\d{1,9})\s*")

# The pages' reading lives in redaction_pages; the views use both through this module.
review_list = redaction_pages.review_list
review_page = redaction_pages.review_page


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
