"""The grid: the answers to one question as rows, the codable codes as columns, tick to code.

A cell is ticked when the signed-in person has coded the whole answer or
any part of it with that code ("part"). Saving sends back the ticked cells,
the rows that were shown and the cells that were ticked when the page was
made, so only what the person changed on the page is changed: a newly
ticked cell codes the whole answer; an unticked cell removes all their
codings of that code in that answer; rows not on the page, and cells coded
elsewhere since, are left alone, and sending the same form twice changes
nothing the second time.

Filtering by case attributes follows disclosure control. A filter shows
answers only when every group of cases it tells apart holds none or at
least the study's threshold: every combination of answers to the questions
filtered on, among the cases that answered this question. Checking only
the cases a filter selects is not enough: "arrested = no" showing 11 of
12 answers tells that one person said yes, by subtraction, and so does
showing 10 for one answer and 10 for another of 21. The filter options
carry no counts.

Row texts are the answers' redacted renditions (`redacted`), never raw text.

A coder who chose to see distressing passages collapsed sees every answer
with a passage marked distressing collapsed (`distressing.distressing_spans`).
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Code, CodingCase, CodingDocument, Segment, Study, User
from survey.services.coding import documents as documents_service
from survey.services.coding import redacted, segments
from survey.services.coding.code_view import CodeLine, codebook, my_coder
from survey.services.coding.distressing import distressing_spans
from survey.services.coding.errors import NotFound, Refused
from survey.services.studies import instrument_of

PAGE_SIZE = 100
SORTS = {
    "case": "by case",
    "short": "shortest first",
    "long": "longest first",
    "uncoded": "not coded by you first",
    "coded": "coded by you first",
    "text": "alphabetical",
}


@dataclass(frozen=True)
class Row:
    """One answer: its text, case and attributes, and what I coded in it per code GUID."""

    document: str
    document_id: int
    case: str
    text: str  # the redacted rendition
    length: int  # of the raw text (a coding of 0..length is the whole answer)
    attributes: dict[str, str]
    coded: dict[str, str] = field(default_factory=dict)  # code GUID -> "whole" or "part"
    collapsed: bool = False  # a passage the viewer chose to collapse is in this answer


@dataclass(frozen=True)
class Grid:
    """One page of the grid, or (`suppressed`) the reason it shows no answers."""

    question: documents_service.Question
    codes: list[CodeLine]
    rows: list[Row]
    matching: int  # answers the filter selects (0 when suppressed)
    attributes: dict[str, list[str]]  # {attribute: values present}, to filter on
    labels: dict[str, str]  # {attribute: the question it answers}
    suppressed: bool
    threshold: int
    page: int
    pages: int


@dataclass(frozen=True)
class View:
    """What the person asked to see: filters {attribute: value}, a sort, a page."""

    filters: Mapping[str, str] = field(default_factory=dict)
    sort: str = "case"
    page: int = 1


def question_of(session: Session, study: Study, item_id: str) -> documents_service.Question:
    """Return the question `item_id` if it has answers on `study`, or raise NotFound."""
    for question in documents_service.questions(session, study):
        if question.item_id == item_id:
            return question
    raise NotFound(item_id)


def attribute_labels(study: Study) -> dict[str, str]:
    """Return {attribute: the question whose answer it is} for the study's current instrument."""
    instrument = instrument_of(study.instrument_version)
    language = instrument.default_language
    return {item.id: item.label.get(language) for item in instrument.answerable_items()}


def _answers(session: Session, study: Study, item_id: str) -> list[Row]:
    rows = session.execute(
        select(CodingDocument, CodingCase.public_id, CodingCase.attributes_json)
        .outerjoin(CodingCase, CodingCase.id == CodingDocument.case_id)
        .where(CodingDocument.study_id == study.id, CodingDocument.item_id == item_id)
        .order_by(CodingCase.public_id, CodingDocument.id)
    ).all()
    shown = redacted.renditions(session, [document for document, _, _ in rows])
    return [
        Row(
            document.public_id,
            document.id,
            case or "",
            shown[document.id].text,
            document.length,
            json.loads(attributes or "{}"),
        )
        for document, case, attributes in rows
    ]


def _mine(session: Session, study: Study, user: User, guids: Sequence[str]):
    """Return {(document GUID, code GUID): [segment]} of `user`'s codings in those documents."""
    coder = my_coder(session, study, user)
    found: dict[tuple[str, str], list[Segment]] = defaultdict(list)
    if coder is None or not guids:
        return found
    for segment, document, code in session.execute(
        select(Segment, CodingDocument.public_id, Code.public_id)
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .join(Code, Code.id == Segment.code_id)
        .where(
            Segment.coder_id == coder.id,
            CodingDocument.study_id == study.id,
            CodingDocument.public_id.in_(set(guids)),
        )
    ):
        found[(document, code)].append(segment)
    return found


def _state(row: Row, segments_here: list[Segment]) -> str:
    whole = any(s.start == 0 and s.end >= row.length for s in segments_here)
    return "whole" if whole else "part"


def _with_mine(session, study, user, rows: list[Row], codes: list[CodeLine]) -> list[Row]:
    """Return the rows with what `user` coded in each, per code."""
    mine = _mine(session, study, user, [r.document for r in rows])
    return [
        replace(
            row,
            coded={
                c.guid: _state(row, mine[(row.document, c.guid)])
                for c in codes
                if mine.get((row.document, c.guid))
            },
        )
        for row in rows
    ]


def _sorted(rows: list[Row], sort: str) -> list[Row]:
    keys = {
        "case": lambda r: (r.case, r.document),
        "short": lambda r: (r.length, r.case),
        "long": lambda r: (-r.length, r.case),
        "uncoded": lambda r: (bool(r.coded), r.case),
        "coded": lambda r: (not r.coded, r.case),
        "text": lambda r: (r.text.casefold(), r.case),
    }
    return sorted(rows, key=keys.get(sort, keys["case"]))


def _options(rows: list[Row]) -> dict[str, list[str]]:
    values: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for name, value in row.attributes.items():
            values[name].add(value)
    return {name: sorted(found, key=str.casefold) for name, found in sorted(values.items())}


def disclosive(rows: Sequence[Row], names: Sequence[str], threshold: int) -> bool:
    """Return True when filtering `rows` on attributes `names` could reveal a small group.

    Every combination of values of `names` present among the cases must hold
    at least `threshold` cases; otherwise some filter, or the difference
    between two filtered pages, would show fewer.
    """
    cases = {row.case: row.attributes for row in rows}.values()
    groups = Counter(tuple(attributes.get(name) for name in names) for attributes in cases)
    return any(count < threshold for count in groups.values())


def _collapsed(session: Session, study: Study, user: User, rows: list[Row]) -> list[Row]:
    """Return the rows, marked collapsed where `user` collapses a distressing passage in them."""
    hidden = distressing_spans(session, study, user, {row.document_id for row in rows})
    return [replace(row, collapsed=row.document_id in hidden) for row in rows]


def grid(session: Session, study: Study, user: User, item_id: str, view: View) -> Grid:
    """Return one page of the grid of question `item_id` as `user` sees it."""
    question = question_of(session, study, item_id)
    codes = [line for line in codebook(session, study) if line.codable]
    rows = _answers(session, study, item_id)
    options = _options(rows)
    wanted = {k: v for k, v in view.filters.items() if v}
    if any(name not in options or value not in options[name] for name, value in wanted.items()):
        selected: list[Row] = []
    else:
        selected = [r for r in rows if all(r.attributes.get(k) == v for k, v in wanted.items())]
    labels = attribute_labels(study)
    threshold = study.disclosure_threshold
    if wanted and (not selected or disclosive(rows, sorted(wanted), threshold)):
        return Grid(question, codes, [], 0, options, labels, True, threshold, 1, 1)
    selected = _with_mine(session, study, user, selected, codes)
    pages = max(1, math.ceil(len(selected) / PAGE_SIZE))
    page = min(max(1, view.page), pages)
    shown = _sorted(selected, view.sort)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    shown = _collapsed(session, study, user, shown)
    return Grid(
        question, codes, shown, len(selected), options, labels, False, threshold, page, pages
    )


@dataclass(frozen=True)
class Saved:
    """What a save changed: cells newly coded and cells uncoded (one action in the log)."""

    added: int
    removed: int


Cell = tuple[str, str]  # (document GUID, code GUID)


class GridChanged(Refused):
    """Someone (perhaps the same person in another tab) changed these codings since the page."""

    def __init__(self) -> None:
        super().__init__(
            "The grid changed since you opened it: check and save again.", "GRID_CHANGED"
        )


def _lengths(session, study, item_id: str, rows: set[str], cells: set[Cell]) -> dict[str, int]:
    """Return {document GUID: length} of the rows; NotFound for a row or cell not on this grid."""
    lengths = dict(
        session.execute(
            select(CodingDocument.public_id, CodingDocument.length).where(
                CodingDocument.study_id == study.id,
                CodingDocument.item_id == item_id,
                CodingDocument.public_id.in_(rows),
            )
        ).all()
    )
    codable = {line.guid for line in codebook(session, study) if line.codable}
    if set(lengths) != rows or any(d not in rows or c not in codable for d, c in cells):
        raise NotFound("cell")
    return lengths


def _additions(ticked: set[Cell], was: set[Cell], mine) -> dict[tuple[str, ...], list[str]]:
    """Return {documents: codes} to code whole; codes ticked on the same answers go together."""
    documents: dict[str, list[str]] = defaultdict(list)  # code GUID -> documents
    for document, code in sorted(ticked - was):
        if not mine.get((document, code)):
            documents[code].append(document)
    together: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for code, found in documents.items():
        together[tuple(found)].append(code)
    return together


def save(
    session: Session,
    actor: User,
    study: Study,
    item_id: str,
    rows: set[str],
    ticked: set[Cell],
    was: set[Cell],
) -> Saved:
    """Apply what the person changed on a page of the grid; return what changed.

    `rows` are the documents the page showed, `ticked` the cells ticked now,
    `was` the cells ticked when the page was made. Raises GridChanged, having
    changed nothing, when codings read here went before the write.
    """
    question_of(session, study, item_id)
    lengths = _lengths(session, study, item_id, rows, ticked | was)
    if not rows:
        raise Refused("There were no answers on the page to save.")
    mine = _mine(session, study, actor, sorted(rows))
    add = _additions(ticked, was, mine)
    drop = [s.public_id for cell in sorted(was - ticked) for s in mine.get(cell, ())]
    pairs = [
        (segments.Target(d, 0, lengths[d]), code)
        for documents, codes in add.items()
        for d in documents
        for code in codes
    ]
    # One transaction and one entry in the coding log: Undo takes back the whole save.
    try:
        segments.change_codes(session, actor, study, add=pairs, remove=drop, action="grid")
    except NotFound as error:
        # A segment, answer or code read above went before the write (another tab removed,
        # merged or withdrew it): the transaction changed nothing, so show the grid as it is.
        raise GridChanged() from error
    removed = len({cell for cell in was - ticked if mine.get(cell)})
    return Saved(len(pairs), removed)
