"""What the document list and the codebook pages show (reading only; nothing here writes).

Counts follow blind mode: a coder who may see only their own codings counts
only those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coding import codebook as rules
from coding import segments as spans
from survey.models import Code, Coder, CodingDocument, Segment, Study, User
from survey.services.coding import codebook, documents, redacted
from survey.services.coding.coders import visible_coder_ids

PAGE_SIZE = 50
COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class DocumentRow:
    """One line of the documents list: which case, how long, how many codings I can see."""

    guid: str
    case: str
    length: int
    codings: int


@dataclass(frozen=True)
class DocumentList:
    """One page of a question's documents."""

    question: documents.Question | None
    questions: list[documents.Question]
    rows: list[DocumentRow]
    page: int
    pages: int

    @property
    def first(self) -> int:
        """Return the number of the first answer on this page, counting from 1."""
        return (self.page - 1) * PAGE_SIZE + 1


def document_list(
    session: Session, study: Study, user: User, item_id: str | None, page: int = 1
) -> DocumentList:
    """Return one page (PAGE_SIZE) of a question's documents with the codings `user` sees."""
    questions = documents.questions(session, study)
    question = next((q for q in questions if q.item_id == item_id), None)
    if question is None:
        question = questions[0] if questions else None
    if question is None:
        return DocumentList(None, questions, [], 1, 1)
    pages = max(1, -(-question.documents // PAGE_SIZE))
    page = min(max(1, page), pages)
    visible = visible_coder_ids(session, study, user)
    counted = select(func.count(Segment.id)).where(Segment.document_id == CodingDocument.id)
    if visible is not None:
        counted = counted.where(Segment.coder_id.in_(visible))
    query = (
        select(CodingDocument, counted.scalar_subquery())
        .where(CodingDocument.study_id == study.id, CodingDocument.item_id == question.item_id)
        .order_by(CodingDocument.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = [
        DocumentRow(d.public_id, d.case.public_id if d.case else "", d.length, count)
        for d, count in session.execute(query).all()
    ]
    return DocumentList(question, questions, rows, page, pages)


@dataclass
class Node:
    """A code of the tree as the codebook page shows it."""

    code: Code
    path: str
    segments: int
    children: list[Node] = field(default_factory=list)


def segment_counts(session: Session, study: Study, user: User) -> dict[int, int]:
    """Return {code id: number of segments `user` may see}."""
    visible = visible_coder_ids(session, study, user)
    query = (
        select(Segment.code_id, func.count())
        .join(Code, Code.id == Segment.code_id)
        .where(Code.study_id == study.id)
        .group_by(Segment.code_id)
    )
    if visible is not None:
        query = query.where(Segment.coder_id.in_(visible))
    return dict(session.execute(query).all())


def tree(session: Session, study: Study, user: User) -> list[Node]:
    """Return the codebook as nested nodes with the segment counts `user` may see."""
    codes = codebook.rows(session, study)
    found = rules.code_paths(codebook.as_codebook(codes))
    counts = segment_counts(session, study, user)
    nodes = {c.id: Node(c, found[c.public_id], counts.get(c.id, 0)) for c in codes}
    top: list[Node] = []
    for code in codes:
        siblings = nodes[code.parent_id].children if code.parent_id else top
        siblings.append(nodes[code.id])
    return top


@dataclass(frozen=True)
class Choice:
    """A code offered in a form (a parent, a code to merge into), by path."""

    guid: str
    path: str
    codable: bool


def choices(session: Session, study: Study, without: str | None = None) -> list[Choice]:
    """Return every code in tree order, leaving out `without` and everything under it."""
    codes = codebook.rows(session, study)
    found = rules.code_paths(codebook.as_codebook(codes))
    skipped: set[int] = set()
    offered = []
    for code in codes:
        if code.public_id == without or code.parent_id in skipped:
            skipped.add(code.id)
            continue
        offered.append(Choice(code.public_id, found[code.public_id], code.codable))
    return offered


@dataclass(frozen=True)
class CodedText:
    """A segment of a code with a little context, for choosing where it goes in a split."""

    guid: str
    document: str
    case: str
    coder: str
    before: str
    span: str
    after: str
    distressing: bool


def coded_texts(session: Session, study: Study, user: User, code: Code) -> list[CodedText]:
    """Return the segments of `code` that `user` may see, in context over the redacted text."""
    visible = visible_coder_ids(session, study, user)
    query = (
        select(Segment, CodingDocument, Coder)
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .join(Coder, Coder.id == Segment.coder_id)
        .where(Segment.code_id == code.id)
        .order_by(CodingDocument.id, Segment.start, Segment.id)
    )
    if visible is not None:
        query = query.where(Segment.coder_id.in_(visible))
    rows = session.execute(query).all()
    views = redacted.renditions(session, {document for _, document, _ in rows})
    found = []
    for segment, document, coder in rows:
        view = views[document.id]
        start, end = redacted.shown(view, segment.start, segment.end)
        before, span, after = spans.context(view.text, start, end, width=60)
        case = document.case.public_id[:8] if document.case else ""
        found.append(
            CodedText(
                segment.public_id,
                document.public_id,
                case,
                coder.name,
                before,
                span,
                after,
                segment.distressing,
            )
        )
    return found


def colour_rules(session: Session, study: Study) -> str:
    """Return a stylesheet colouring each code's marks and swatch (CSP forbids inline style)."""
    lines = []
    for code in codebook.rows(session, study):
        if not GUID.fullmatch(code.public_id):
            continue
        colour = code.colour if COLOUR.fullmatch(code.colour or "") else "#5B6770"
        guid = code.public_id
        lines.append(f".cc-{guid}{{background:{colour}33;border-bottom-color:{colour}}}")
        lines.append(f".sw-{guid}{{background:{colour}}}")
    return "\n".join(lines) + "\n"


def has_children(session: Session, code: Code) -> bool:
    """Return True when codes or categories sit under `code`."""
    return session.scalar(select(Code.id).where(Code.parent_id == code.id).limit(1)) is not None
