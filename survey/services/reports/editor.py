"""What the report builder page shows: the choices so far and what else may be chosen.

`editor` only reads (a GET changes nothing): what vanished since the analyst
last looked (themes whose code was deleted, quotes whose passage is gone) is
named in notes (`store.vanished`) and removed by the report's next form
(`store.tidy`), with a note for each theme that has no coded passage at all.
The codes offered as new themes leave out those a report may not hold beside
a chosen theme: the codes under it and the categories above it
(`themes.nested_refusal`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import Report, ReportBuild, ReportQuote, Segment, Study, User
from survey.services.analysis.codes_view import attribute_questions
from survey.services.analysis.describe_view import closed_questions
from survey.services.coding.code_view import CodeLine, codebook
from survey.services.reports import store

__all__ = ["BuildLine", "Editor", "Option", "ThemeLine", "descendants", "editor"]

RECENT_BUILDS = 10


@dataclass(frozen=True)
class ThemeLine:
    """A chosen theme as the builder lists it."""

    guid: str
    name: str
    path: str
    category: bool
    narrative: str
    quotes: int  # chosen quotes
    segments: int  # coded passages of the theme (its codes, for a category)
    first: bool
    last: bool


@dataclass(frozen=True)
class Option:
    """Something that may be chosen: a code, a question; `depth` indents codebook lines."""

    value: str
    label: str
    chosen: bool = False
    depth: int = 0
    first: bool = False
    last: bool = False
    nested: bool = False  # a code under a chosen theme, or a category above one: not addable


@dataclass(frozen=True)
class BuildLine:
    """A stored build: when, by whom, and its fingerprint's start."""

    guid: str
    built_on: dt.date
    by: str
    fingerprint: str


@dataclass(frozen=True)
class Editor:
    """Everything the builder page shows."""

    guid: str
    title: str
    introduction: str
    themes: list[ThemeLine]
    codes: list[Option]  # the codebook in tree order; `chosen` when already a theme
    questions: list[Option]  # chosen closed questions, in report order
    more_questions: list[Option]  # closed questions not chosen, in the study's order
    breakdowns: list[Option]  # single-answer questions; `chosen` when themes are split by it
    builds: list[BuildLine]
    notes: list[str]


def descendants(lines: list[CodeLine], code_id: int) -> set[int]:
    """Return the ids of a code and every code under it (tree order makes them contiguous)."""
    found: set[int] = set()
    depth = None
    for line in lines:
        if depth is not None:
            if line.depth <= depth:
                break
            found.add(line.id)
        elif line.id == code_id:
            depth = line.depth
            found.add(line.id)
    return found


def _nested(lines: list[CodeLine], chosen: set[str]) -> set[int]:
    """Return the codes a theme cannot be made of: under a chosen theme, or above one.

    `lines` are in tree order, so a line's ancestors are the lines on the
    stack of shallower lines before it.
    """
    found: set[int] = set()
    above: list[CodeLine] = []
    for line in lines:
        while above and above[-1].depth >= line.depth:
            above.pop()
        if any(a.guid in chosen for a in above):
            found.add(line.id)
        if line.guid in chosen:
            found.update(a.id for a in above)
        above.append(line)
    return found - {line.id for line in lines if line.guid in chosen}


def _segments(session: Session, codes: set[int]) -> int:
    return session.scalar(
        select(func.count()).select_from(Segment).where(Segment.code_id.in_(sorted(codes) or [-1]))
    )


def _themes(session: Session, report: Report, lines: list[CodeLine]) -> list[ThemeLine]:
    by_id = {line.id: line for line in lines}
    themes = [t for t in store.themes_of(session, report) if t.code_id in by_id]
    found = []
    for index, theme in enumerate(themes):
        line = by_id[theme.code_id]
        quotes = session.scalar(
            select(func.count())
            .select_from(ReportQuote)
            .where(ReportQuote.report_theme_id == theme.id, ReportQuote.segment_id.is_not(None))
        )
        found.append(
            ThemeLine(
                line.guid,
                line.name,
                line.path.replace("/", " › "),
                not line.codable,
                theme.narrative or "",
                quotes,
                _segments(session, descendants(lines, line.id)),
                index == 0,
                index == len(themes) - 1,
            )
        )
    return found


def _builds(session: Session, report: Report) -> list[BuildLine]:
    rows = session.execute(
        select(ReportBuild.public_id, ReportBuild.built_on, User.email, ReportBuild.fingerprint)
        .outerjoin(User, User.id == ReportBuild.built_by)
        .where(ReportBuild.report_id == report.id)
        .order_by(ReportBuild.id.desc())
        .limit(RECENT_BUILDS)
    ).all()
    return [BuildLine(g, on, by or "a former member of staff", fp[:12]) for g, on, by, fp in rows]


def _questions(session: Session, study: Study, report: Report) -> tuple[list[Option], list[Option]]:
    labels = {q.item_id: q.label for q in closed_questions(study)}
    chosen = [i for i in store.question_ids(session, report) if i in labels]
    ordered = [
        Option(item, labels[item], True, 0, n == 0, n == len(chosen) - 1)
        for n, item in enumerate(chosen)
    ]
    more = [Option(item, label) for item, label in labels.items() if item not in chosen]
    return ordered, more


def editor(session: Session, study: Study, user: User, report: Report) -> Editor:
    """Return the builder page's view of `report` (reading only: a GET changes nothing)."""
    notes = store.vanished(session, report)
    lines = codebook(session, study)
    themes = _themes(session, report, lines)
    chosen = {t.guid for t in themes}
    nested = _nested(lines, chosen)
    notes += [
        f"“{t.name}” has no coded passages yet: the report will say that no respondent"
        " was coded with it."
        for t in themes
        if not t.segments
    ]
    questions, more = _questions(session, study, report)
    split = set(store.breakdowns_of(report))
    return Editor(
        guid=report.public_id,
        title=report.title,
        introduction=report.introduction or "",
        themes=themes,
        codes=[
            Option(
                line.guid,
                line.name if line.codable else f"{line.name} (category)",
                line.guid in chosen,
                line.depth,
                nested=line.id in nested,
            )
            for line in lines
        ],
        questions=questions,
        more_questions=more,
        breakdowns=[
            Option(q.item_id, q.label, q.item_id in split) for q in attribute_questions(study)
        ],
        builds=_builds(session, report),
        notes=notes,
    )
