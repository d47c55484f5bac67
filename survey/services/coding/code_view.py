"""The codes with their counts, and every segment of one code in context, as a person may see them.

Blind mode holds here as everywhere: only the codings of the coders
`coders.visible_coder_ids` allows are counted or shown. Reading pages never
write: the signed-in person's coder is looked up, not made. Context lines
are cut from the redacted rendition (`redacted`), never the raw text.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coding.segments import context
from survey.models import Code, Coder, CodingCase, CodingDocument, Segment, Study, User
from survey.services.coding import coders as coders_service
from survey.services.coding import redacted
from survey.services.coding.distressing import distressing_spans, overlaps
from survey.services.coding.errors import NotFound

PAGE_SIZE = 50
CONTEXT = 80


@dataclass(frozen=True)
class CodeLine:
    """A code (or category) of the codebook as lists show it: tree order, with its path."""

    id: int
    guid: str
    name: str
    path: str
    depth: int
    codable: bool
    colour: str


def codebook(session: Session, study: Study) -> list[CodeLine]:
    """Return the study's codes in tree order (a parent, then its children by position)."""
    rows = session.scalars(
        select(Code).where(Code.study_id == study.id).order_by(Code.position, Code.id)
    ).all()
    children: dict[int | None, list[Code]] = defaultdict(list)
    known = {row.id for row in rows}
    for row in rows:
        children[row.parent_id if row.parent_id in known else None].append(row)
    lines: list[CodeLine] = []

    def walk(parent: int | None, path: tuple[str, ...]) -> None:
        for row in children.get(parent, ()):
            here = (*path, row.name)
            lines.append(
                CodeLine(
                    row.id,
                    row.public_id,
                    row.name,
                    "/".join(here),
                    len(path),
                    row.codable,
                    row.colour,
                )
            )
            walk(row.id, here)

    walk(None, ())
    return lines


def code_of(session: Session, study: Study, guid: str) -> Code:
    """Return the code `guid` of `study`, or raise NotFound."""
    code = session.scalar(select(Code).where(Code.public_id == guid, Code.study_id == study.id))
    if code is None:
        raise NotFound(guid)
    return code


def path_of(session: Session, study: Study, code: Code) -> str:
    """Return the code's path from the top of the codebook, names joined by "/"."""
    return next((line.path for line in codebook(session, study) if line.id == code.id), code.name)


def my_coder(session: Session, study: Study, user: User) -> Coder | None:
    """Return `user`'s coder on `study` if they have coded there (never makes one)."""
    return session.scalar(select(Coder).where(Coder.study_id == study.id, Coder.user_id == user.id))


def visible_coders(session: Session, study: Study, user: User) -> list[Coder]:
    """Return the coders whose codings `user` may see on `study`, people first."""
    visible = coders_service.visible_coder_ids(session, study, user)
    return [
        c for c in coders_service.coders_of(session, study) if visible is None or c.id in visible
    ]


@dataclass(frozen=True)
class CodeCount:
    """A code with how often it is applied: segments, documents, cases, segments per coder."""

    code: CodeLine
    segments: int = 0
    documents: int = 0
    cases: int = 0
    by_coder: dict[int, int] = field(default_factory=dict)


def _segments_of_study(study: Study, coder_ids: Sequence[int]):
    return (
        select()
        .select_from(Segment)
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .where(CodingDocument.study_id == study.id, Segment.coder_id.in_(coder_ids))
    )


def code_counts(session: Session, study: Study, user: User) -> tuple[list[CodeCount], list[Coder]]:
    """Return every code in tree order with its counts, and the coders counted (visible ones)."""
    coders = visible_coders(session, study, user)
    ids = [c.id for c in coders]
    totals = {
        row.code_id: row
        for row in session.execute(
            _segments_of_study(study, ids)
            .add_columns(
                Segment.code_id,
                func.count(Segment.id).label("segments"),
                func.count(func.distinct(Segment.document_id)).label("documents"),
                func.count(func.distinct(CodingDocument.case_id)).label("cases"),
            )
            .group_by(Segment.code_id)
        )
    }
    by_coder: dict[int, dict[int, int]] = defaultdict(dict)
    for code_id, coder_id, count in session.execute(
        _segments_of_study(study, ids)
        .add_columns(Segment.code_id, Segment.coder_id, func.count(Segment.id))
        .group_by(Segment.code_id, Segment.coder_id)
    ):
        by_coder[code_id][coder_id] = count
    counts = []
    for line in codebook(session, study):
        total = totals.get(line.id)
        counts.append(
            CodeCount(
                line,
                total.segments if total else 0,
                total.documents if total else 0,
                total.cases if total else 0,
                by_coder.get(line.id, {}),
            )
        )
    return counts, coders


@dataclass(frozen=True)
class SegmentLine:
    """One segment of a code in its context, as the code view lists it."""

    guid: str
    document: str
    question: str | None
    case: str | None
    coder: str
    start: int
    end: int
    before: str
    span: str
    after: str
    memo: str
    distressing: bool
    collapsed: bool  # the words shown overlap a passage the viewer collapses
    cut_before: bool  # the context starts after the start of the text
    cut_after: bool


@dataclass(frozen=True)
class SegmentPage:
    """One page of a code's segments, with the counts of everything the filter selects."""

    lines: list[SegmentLine]
    segments: int
    documents: int
    cases: int
    page: int
    pages: int


@dataclass(frozen=True)
class SegmentFilter:
    """Which of a code's segments to list: one coder's (a GUID), one question's, which page."""

    coder: str | None = None
    question: str | None = None
    page: int = 1


def _chosen_coders(coders: list[Coder], wanted: str | None) -> list[int]:
    if not wanted:
        return [c.id for c in coders]
    chosen = [c.id for c in coders if c.public_id == wanted]
    if not chosen:
        raise NotFound(wanted)
    return chosen


def _check_question(session: Session, study: Study, item_id: str) -> None:
    """Raise NotFound unless some document of `study` answers question `item_id`."""
    found = session.scalar(
        select(CodingDocument.id)
        .where(CodingDocument.study_id == study.id, CodingDocument.item_id == item_id)
        .limit(1)
    )
    if found is None:
        raise NotFound(item_id)


def _line(
    segment: Segment, case: str | None, hidden: Sequence[tuple[int, int]], view: redacted.Rendition
) -> SegmentLine:
    """Return the segment in context over the rendition, collapsed when the words shown overlap
    `hidden` (raw distressing spans, drawn over the rendition here)."""
    document = segment.document
    start, end = redacted.shown(view, segment.start, segment.end)
    before, span, after = context(view.text, start, end, width=CONTEXT)
    shown = (start - len(before), end + len(after))
    return SegmentLine(
        guid=segment.public_id,
        document=document.public_id,
        question=document.item_id,
        case=case[:8] if case else None,
        coder=segment.coder.name,
        start=start,
        end=end,
        before=before,
        span=span,
        after=after,
        memo=segment.memo,
        distressing=segment.distressing,
        collapsed=overlaps(redacted.shown_all(view, hidden), *shown),
        cut_before=shown[0] > 0,
        cut_after=shown[1] < len(view.text),
    )


def code_segments(
    session: Session, study: Study, user: User, code: Code, chosen: SegmentFilter
) -> SegmentPage:
    """Return a page of `code`'s segments that `user` may see, in context, with counts."""
    ids = _chosen_coders(visible_coders(session, study, user), chosen.coder)
    query = _segments_of_study(study, ids).where(Segment.code_id == code.id)
    if chosen.question:
        _check_question(session, study, chosen.question)
        query = query.where(CodingDocument.item_id == chosen.question)
    segments, documents, cases = session.execute(
        query.add_columns(
            func.count(Segment.id),
            func.count(func.distinct(Segment.document_id)),
            func.count(func.distinct(CodingDocument.case_id)),
        )
    ).one()
    pages = max(1, math.ceil(segments / PAGE_SIZE))
    page = min(max(1, chosen.page), pages)
    rows = session.execute(
        query.add_columns(Segment, CodingCase.public_id)
        .outerjoin(CodingCase, CodingCase.id == CodingDocument.case_id)
        .order_by(CodingDocument.item_id, CodingDocument.id, Segment.start, Segment.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    hidden = distressing_spans(session, study, user, {segment.document_id for segment, _ in rows})
    views = redacted.renditions(session, {segment.document for segment, _ in rows})
    lines = [
        _line(segment, case, hidden.get(segment.document_id, ()), views[segment.document_id])
        for segment, case in rows
    ]
    return SegmentPage(lines, segments, documents, cases, page, pages)
