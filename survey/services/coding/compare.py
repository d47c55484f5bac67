"""Compare coders per code and document: each coder's spans and where they differ.

A coder counts for a document once they have applied any code to it (they
have read it); a coder who has not is listed as "has not coded this answer"
and is left out of the comparison, as `coding.agreement` does with
``seen="coded"``. The consensus coder is shown beside the people, never
compared with them.

Spans stay raw here (the consensus is written with raw offsets); the pages
draw them over the document's redacted rendition (`DocumentComparison.marked`,
`text`, `at`), never the raw text.

The span arithmetic (how many coders cover each stretch of text, where all
agree, where some but not all do, the union) is pure and lives in the
library, `coding.spans`; this module loads the spans and writes the consensus.

A viewer who chose to see distressing passages collapsed gets, with each
comparison, the passages to collapse (`distressing.distressing_spans`); the
pages then collapse the answer's lines, its spans and the reconcile choices.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.redaction import Rendition
from coding.spans import (
    Span,
    disagreement_spans,
    excerpt,
    intersect_spans,
    merge_spans,
    pieces,
)
from survey.extensions import write_transaction
from survey.models import Code, Coder, CodingDocument, Segment, Study, User
from survey.services.coding import log, redacted
from survey.services.coding.blind import compared_coders
from survey.services.coding.coders import consensus_coder
from survey.services.coding.distressing import distressing_spans
from survey.services.coding.documents import document as document_of
from survey.services.coding.errors import NotFound, Refused

TAKE = ("union", "intersection", "none")  # or a coder's GUID


@dataclass(frozen=True)
class CoderSpans:
    """One coder's spans of one code in one document."""

    coder: Coder
    spans: tuple[Span, ...]

    @property
    def applied(self) -> bool:
        """Return True when the coder applied the code anywhere in the document."""
        return bool(self.spans)


@dataclass(frozen=True)
class DocumentComparison:
    """How the coders who coded a document applied one code to it."""

    document: CodingDocument
    code: Code
    coders: tuple[CoderSpans, ...]  # the compared coders who coded this document
    absent: tuple[Coder, ...]  # compared coders who have not coded this document
    consensus: tuple[Span, ...]  # the consensus coder's spans of the code here
    disagreement: tuple[Span, ...] = field(default=())
    distressing: tuple[Span, ...] = field(default=())  # spans of this code flagged distressing
    hidden: tuple[Span, ...] = field(default=())  # passages (any code) the viewer collapses
    view: Rendition | None = field(default=None, compare=False)  # what the pages show

    @property
    def shown_text(self) -> str:
        """Return the text the pages show: the document's redacted rendition."""
        return self.view.text if self.view is not None else ""

    @property
    def flagged(self) -> bool:
        """Return True when the document has a distressing passage the viewer collapses."""
        return bool(self.hidden)

    @property
    def differs(self) -> bool:
        """Return True when some but not all coders applied the code to some text."""
        return bool(self.disagreement)

    @property
    def agreed(self) -> tuple[Span, ...] | None:
        """Return the spans every coder gave, when there are two coders or more and all agree."""
        if len(self.coders) < 2 or self.differs or not self.coders[0].spans:
            return None
        return self.coders[0].spans

    def shown(self, span: Span) -> Span:
        """Return raw `span` drawn over the rendition."""
        return redacted.shown(self.view, *span) if self.view is not None else (0, 0)

    def text(self, span: Span) -> str:
        """Return the (shortened) redacted text of raw `span`."""
        return excerpt(self.shown_text, self.shown(span))

    def at(self, span: Span) -> str:
        """Return where raw `span` is in the rendition, as the pages count: "12–20"."""
        start, end = self.shown(span)
        return f"{start}–{end}"

    def marked(self, spans: Sequence[Span]) -> list[tuple[str, bool]]:
        """Return the rendition cut into (piece, marked) runs, marked inside raw `spans`."""
        return pieces(self.shown_text, [self.shown(span) for span in spans])


@dataclass(frozen=True)
class CodeSummary:
    """For one code: documents it was applied to and those where the coders differ."""

    code: Code
    documents: int
    differing: int


@dataclass
class _Loaded:
    """Segments of a study grouped for comparison."""

    spans: dict[tuple[int, int, int], list[Span]]  # (document, code, coder) -> spans
    read: dict[int, set[int]]  # document -> coders who coded anything in it
    documents: dict[int, CodingDocument]
    distressing: dict[tuple[int, int], list[Span]] = field(default_factory=dict)


def _load(session: Session, study: Study, coder_ids: set[int], *where) -> _Loaded:
    query = (
        select(Segment, CodingDocument)
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .where(CodingDocument.study_id == study.id, Segment.coder_id.in_(coder_ids), *where)
    )
    loaded = _Loaded(defaultdict(list), defaultdict(set), {}, defaultdict(list))
    for segment, document in session.execute(query):
        key = (segment.document_id, segment.code_id, segment.coder_id)
        loaded.spans[key].append((segment.start, segment.end))
        if segment.distressing:
            loaded.distressing[key[:2]].append((segment.start, segment.end))
        loaded.read[segment.document_id].add(segment.coder_id)
        loaded.documents[document.id] = document
    return loaded


def _compare(
    loaded: _Loaded,
    document: CodingDocument,
    code: Code,
    coders: list[Coder],
    consensus: Coder | None,
    hidden: dict[int, list[Span]],
    view: Rendition | None = None,
) -> DocumentComparison:
    read = loaded.read.get(document.id, set())
    rows = tuple(
        CoderSpans(c, tuple(merge_spans(loaded.spans.get((document.id, code.id, c.id), []))))
        for c in coders
        if c.id in read
    )
    agreed: list[Span] = []
    if consensus is not None:
        agreed = merge_spans(loaded.spans.get((document.id, code.id, consensus.id), []))
    return DocumentComparison(
        document=document,
        code=code,
        coders=rows,
        absent=tuple(c for c in coders if c.id not in read),
        consensus=tuple(agreed),
        disagreement=tuple(disagreement_spans([r.spans for r in rows])),
        distressing=tuple(merge_spans(loaded.distressing.get((document.id, code.id), []))),
        hidden=tuple(hidden.get(document.id, ())),
        view=view,
    )


def _who(session: Session, study: Study, viewer: User) -> tuple[list[Coder], Coder | None]:
    """Return the coders `viewer` may compare, and the consensus coder if there is one."""
    consensus = session.scalar(
        select(Coder).where(Coder.study_id == study.id, Coder.kind == "consensus")
    )
    return compared_coders(session, study, viewer), consensus


def _ids(coders: list[Coder], consensus: Coder | None) -> set[int]:
    return {c.id for c in coders} | ({consensus.id} if consensus is not None else set())


def code_of(session: Session, study: Study, public_id: str) -> Code:
    """Return the code `public_id` of `study`, or raise NotFound."""
    code = session.scalar(
        select(Code).where(Code.study_id == study.id, Code.public_id == public_id)
    )
    if code is None:
        raise NotFound(public_id)
    return code


def codable(session: Session, study: Study) -> list[Code]:
    """Return the study's codable codes in codebook order."""
    return list(
        session.scalars(
            select(Code)
            .where(Code.study_id == study.id, Code.codable.is_(True))
            .order_by(Code.position, Code.id)
        )
    )


def comparisons(
    session: Session,
    study: Study,
    viewer: User,
    codes: Sequence[Code],
    question: str | None = None,
) -> list[DocumentComparison]:
    """Return, for each of `codes`, every document someone applied it to, compared across coders."""
    coders, consensus = _who(session, study, viewer)
    where = [CodingDocument.item_id == question] if question else []
    loaded = _load(session, study, _ids(coders, consensus), *where)
    people = {c.id for c in coders}
    hidden = distressing_spans(session, study, viewer, loaded.documents)
    views = redacted.renditions(session, loaded.documents.values())
    found = []
    for code in codes:
        applied = {d for d, k, c in loaded.spans if k == code.id and c in people}
        for doc_id in sorted(applied, key=lambda d: loaded.documents[d].name):
            document = loaded.documents[doc_id]
            found.append(_compare(loaded, document, code, coders, consensus, hidden, views[doc_id]))
    return found


def compare_code(
    session: Session,
    study: Study,
    viewer: User,
    code: Code,
    question: str | None = None,
    only_disagreements: bool = False,
) -> list[DocumentComparison]:
    """Return every document a compared coder applied `code` to (or only where they differ)."""
    found = comparisons(session, study, viewer, [code], question)
    return [c for c in found if c.differs] if only_disagreements else found


def summary(
    session: Session, study: Study, viewer: User, question: str | None = None
) -> list[CodeSummary]:
    """Return, per codable code, how many documents it was applied to and how many differ."""
    codes = codable(session, study)
    found = comparisons(session, study, viewer, codes, question)
    per_code: dict[int, list[DocumentComparison]] = defaultdict(list)
    for comparison in found:
        per_code[comparison.code.id].append(comparison)
    return [
        CodeSummary(code, len(per_code[code.id]), sum(c.differs for c in per_code[code.id]))
        for code in codes
    ]


def compare_document(
    session: Session, study: Study, viewer: User, document: CodingDocument, code: Code
) -> DocumentComparison:
    """Return how the coders applied `code` to `document` (even if nobody did)."""
    coders, consensus = _who(session, study, viewer)
    loaded = _load(session, study, _ids(coders, consensus), Segment.document_id == document.id)
    hidden = distressing_spans(session, study, viewer, {document.id})
    view = redacted.rendition(session, document)
    return _compare(loaded, document, code, coders, consensus, hidden, view)


def codes_in_document(
    session: Session, study: Study, viewer: User, document: CodingDocument
) -> list[Code]:
    """Return the codes the compared coders (and the consensus) applied to `document`."""
    ids = _ids(*_who(session, study, viewer))
    return list(
        session.scalars(
            select(Code)
            .join(Segment, Segment.code_id == Code.id)
            .where(Segment.document_id == document.id, Segment.coder_id.in_(ids))
            .distinct()
            .order_by(Code.position, Code.id)
        )
    )


def _result(comparison: DocumentComparison, take: str) -> list[Span]:
    """Return the consensus spans that choice `take` gives for one comparison."""
    if take == "union":
        return merge_spans(span for c in comparison.coders for span in c.spans)
    if take == "intersection":
        return intersect_spans([c.spans for c in comparison.coders])
    if take == "none":
        return []
    for row in comparison.coders:
        if row.coder.public_id == take:
            return list(row.spans)
    raise Refused(
        "Choose one of the coders who coded this answer, all of their spans (union), "
        "where they all agree (intersection) or “not this code”.",
        "RECONCILE_CHOICE",
    )


def choices(comparison: DocumentComparison) -> list[tuple[str, str, list[Span]]]:
    """Return each way to reconcile one comparison: (take, label, the spans it gives)."""
    found = [
        (row.coder.public_id, f"Take {row.coder.name}’s coding", list(row.spans))
        for row in comparison.coders
    ]
    if len(comparison.coders) > 1:
        found.append(("union", "Everything any coder marked (union)", _result(comparison, "union")))
        both = _result(comparison, "intersection")
        found.append(("intersection", "Only where all coders agree (intersection)", both))
    return [*found, ("none", "Not this code: the consensus does not apply it here", [])]


def _replace_consensus(
    session: Session, comparison: DocumentComparison, consensus: Coder, spans: list[Span]
) -> tuple[list[log.SegmentState], list[log.SegmentState]]:
    """Make the consensus's codings of the comparison's code and document equal `spans`."""
    document, code = comparison.document, comparison.code
    rows = session.scalars(
        select(Segment).where(
            Segment.document_id == document.id,
            Segment.code_id == code.id,
            Segment.coder_id == consensus.id,
        )
    ).all()
    wanted = set(spans)
    if {(r.start, r.end) for r in rows} == wanted and len(rows) == len(wanted):
        return [], []  # already so: a second click changes nothing
    before = [log.state_of(r) for r in rows]
    kept: dict[Span, Segment] = {}
    for row in rows:
        if (row.start, row.end) in wanted and (row.start, row.end) not in kept:
            kept[(row.start, row.end)] = row
        else:
            session.delete(row)
    session.flush()
    after = []
    for start, end in sorted(wanted):
        row = kept.get((start, end))
        if row is None:
            row = Segment(document_id=document.id, code_id=code.id, coder_id=consensus.id)
            row.start, row.end, row.memo, row.distressing = start, end, "", False
            session.add(row)
        row.distressing = row.distressing or any(
            a < end and start < b for a, b in comparison.distressing
        )
        after.append(row)
    session.flush()
    return before, [log.state_of(r) for r in after]


def _locked_consensus(session: Session, study: Study) -> Coder:
    """Return the consensus coder, locked so that two reconciles at once take turns."""
    consensus = consensus_coder(session, study)
    session.execute(select(Coder.id).where(Coder.id == consensus.id).with_for_update())
    return consensus


def reconcile(
    session: Session, actor: User, study: Study, document_guid: str, code_guid: str, take: str
) -> bool:
    """Replace the consensus's coding of one code in one document by choice `take`.

    `take` is "union", "intersection", "none" or the GUID of a coder who
    coded the document. One transaction and one "reconcile" log entry, so
    Undo takes it back; returns False when the consensus was already so.
    """
    with write_transaction(session):
        document = document_of(session, study, document_guid)
        code = code_of(session, study, code_guid)
        if not code.codable:
            raise Refused(f"“{code.name}” is a category: it is never applied.", "CODE_NOT_CODABLE")
        consensus = _locked_consensus(session, study)
        comparison = compare_document(session, study, actor, document, code)
        spans = _result(comparison, take)
        before, after = _replace_consensus(session, comparison, consensus, spans)
        if not before and not after:
            return False
        detail = {"code": code.public_id, "document": document.public_id, "take": take}
        log.record(session, study, actor, "reconcile", before, after, **detail)
    return True


def accept_agreed(
    session: Session, actor: User, study: Study, code_guid: str, question: str | None = None
) -> int:
    """Copy the code into the consensus wherever every coder (two or more) gave the same spans.

    Returns how many documents changed; one log entry for them all.
    """
    with write_transaction(session):
        code = code_of(session, study, code_guid)
        consensus = _locked_consensus(session, study)
        before, after, changed = [], [], 0
        for comparison in comparisons(session, study, actor, [code], question):
            if comparison.agreed is None:
                continue
            b, a = _replace_consensus(session, comparison, consensus, list(comparison.agreed))
            before, after, changed = before + b, after + a, changed + bool(b or a)
        if changed:
            detail = {"code": code.public_id, "take": "agreed", "documents": changed}
            log.record(session, study, actor, "reconcile", before, after, **detail)
    return changed
