"""Findings reports as stored: list, create, find, and one function per edit of the builder.

Every edit is one write transaction and one audit event (``report.*``) that
names the report, the theme or question touched and counts, never any text.
The edits of themes and quotes are in `theme_edits`, those of closed
questions and breakdowns in `question_edits`. Themes are named by their
code's GUID, questions by their item id; what a
form names that is not (or no longer) there is refused with a message
(`ChoicesInvalid`, `ThemeNotFound`, `ItemNotFound`, `SegmentNotFound`), and a
report or theme named in an address that is not this study's is `NotFound`.
Limits (title, narrative length, how many themes, quotes, questions) are
those of `choices`, so nothing stored can fail to make a report.

`tidy` removes the themes whose code was deleted and the quotes whose
passage is gone (a withdrawn response, a removed coding) and returns what it
removed in words for the analyst: every form of the report and every build
run it first. A page that only shows the report (GET) changes nothing: it
says the same in words with `vanished`, and `choices_of` already leaves out
what is gone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from survey.extensions import write_transaction
from survey.models import (
    Code,
    Report,
    ReportQuestion,
    ReportQuote,
    ReportTheme,
    Segment,
    Study,
    User,
)
from survey.models.studies import today
from survey.services import audit
from survey.services.coding.errors import NotFound
from survey.services.reports.choices import (
    MAX_NARRATIVE,
    MAX_TITLE,
    Choices,
)
from survey.services.reports.errors import (
    ChoicesInvalid,
    ThemeNotFound,
)

__all__ = [
    "ReportLine",
    "ReportNotFound",
    "breakdowns_of",
    "choices_of",
    "chosen_quotes",
    "chosen_theme",
    "create_report",
    "delete_report",
    "list_reports",
    "question_ids",
    "report_of",
    "set_details",
    "theme_of",
    "themes_of",
    "tidy",
    "vanished",
]


class ReportNotFound(NotFound):
    """No report (or theme of it) with that id on this study."""


@dataclass(frozen=True)
class ReportLine:
    """A report as the list shows it."""

    guid: str
    title: str
    themes: int
    updated_on: object


def _clean(text: str) -> str:
    """Return `text` with Windows line endings made `\\n` and outer blanks removed."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _title(text: str) -> str:
    title = " ".join(_clean(text).split())
    if not title:
        raise ChoicesInvalid("Give the report a title.")
    if len(title) > MAX_TITLE:
        raise ChoicesInvalid(f"Keep the title under {MAX_TITLE} characters.")
    return title


def long_text(text: str, what: str) -> str:
    cleaned = _clean(text)
    if len(cleaned) > MAX_NARRATIVE:
        raise ChoicesInvalid(
            f"The {what} is {len(cleaned):,} characters long: keep it under {MAX_NARRATIVE:,}."
            " Longer text belongs in the full write-up."
        )
    return cleaned


def list_reports(session: Session, study: Study) -> list[ReportLine]:
    """Return the study's reports, most recently changed first."""
    themes = (
        select(ReportTheme.report_id, func.count().label("n"))
        .group_by(ReportTheme.report_id)
        .subquery()
    )
    rows = session.execute(
        select(Report, func.coalesce(themes.c.n, 0))
        .outerjoin(themes, themes.c.report_id == Report.id)
        .where(Report.study_id == study.id)
        .order_by(Report.updated_on.desc(), Report.id.desc())
    ).all()
    return [ReportLine(r.public_id, r.title, n, r.updated_on) for r, n in rows]


def create_report(session: Session, study: Study, user: User, title: str) -> Report:
    """Start an empty report called `title`."""
    report = Report(study_id=study.id, title=_title(title), created_by=user.id)
    with write_transaction(session):
        session.add(report)
        session.flush()
        audit.record(session, user, "report.create", report)
    return report


def report_of(session: Session, study: Study, guid: str) -> Report:
    """Return the report `guid` of `study`, or raise ReportNotFound."""
    report = session.scalar(
        select(Report).where(Report.public_id == guid, Report.study_id == study.id)
    )
    if report is None:
        raise ReportNotFound(guid)
    return report


R = TypeVar("R", ReportTheme, ReportQuestion, ReportQuote)


def _in_order(
    session: Session, model: type[R], owner: InstrumentedAttribute[Any], owner_id: int
) -> list[R]:
    """Return the rows of `model` whose `owner` column is `owner_id`, by position."""
    query = select(model).where(owner == owner_id).order_by(model.position, model.id)
    return list(session.scalars(query))


def themes_of(session: Session, report: Report) -> list[ReportTheme]:
    """Return the report's themes in order."""
    return _in_order(session, ReportTheme, ReportTheme.report_id, report.id)


def questions_of(session: Session, report: Report) -> list[ReportQuestion]:
    """Return the report's closed questions in order."""
    return _in_order(session, ReportQuestion, ReportQuestion.report_id, report.id)


def question_ids(session: Session, report: Report) -> list[str]:
    """Return the item ids of the report's closed questions, in order."""
    return [q.item_id for q in questions_of(session, report)]


def breakdowns_of(report: Report) -> list[str]:
    """Return the item ids each theme is broken down by."""
    try:
        found = json.loads(report.breakdowns_json or "[]")
    except ValueError:
        return []
    return [value for value in found if isinstance(value, str)]


def code_in_study(session: Session, study: Study, guid: str) -> Code:
    code = session.scalar(select(Code).where(Code.public_id == guid, Code.study_id == study.id))
    if code is None:
        raise ThemeNotFound("That code is not in this study's codebook: choose another.")
    return code


def theme_of(session: Session, study: Study, report: Report, guid: str) -> ReportTheme:
    """Return the report's theme for code `guid`, or raise ReportNotFound."""
    theme = session.scalar(
        select(ReportTheme)
        .join(Code, Code.id == ReportTheme.code_id)
        .where(
            ReportTheme.report_id == report.id,
            Code.public_id == guid,
            Code.study_id == study.id,
        )
    )
    if theme is None:
        raise ReportNotFound(guid)
    return theme


def chosen_theme(session: Session, study: Study, report: Report, guid: str) -> ReportTheme:
    try:
        return theme_of(session, study, report, guid)
    except ReportNotFound:
        raise ThemeNotFound("That theme is not in this report (any more).") from None


def touch(report: Report) -> None:
    report.updated_on = today()


def renumber(rows: Iterable) -> None:
    for position, row in enumerate(rows):
        row.position = position


def move(rows: list, index: int, direction: str) -> bool:
    """Swap rows[index] with its neighbour `direction` ("up" or "down"); False at an end."""
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    renumber(rows)
    return True


def set_details(
    session: Session, study: Study, user: User, report: Report, title: str, introduction: str
) -> None:
    """Set the report's title and introduction."""
    title, introduction = _title(title), long_text(introduction, "introduction")
    with write_transaction(session):
        report.title, report.introduction = title, introduction
        touch(report)
        audit.record(session, user, "report.details", report)


def chosen_quotes(session: Session, theme: ReportTheme) -> list[ReportQuote]:
    """Return the theme's chosen quotes in order (those whose passage is gone included)."""
    return _in_order(session, ReportQuote, ReportQuote.report_theme_id, theme.id)


def delete_report(session: Session, study: Study, user: User, report: Report) -> None:
    """Delete the report with its themes, quotes and builds."""
    with write_transaction(session):
        audit.record(session, user, "report.delete", report)
        session.execute(delete(Report).where(Report.id == report.id))
    session.expunge(report)


def _vanished(session: Session, report: Report) -> tuple[list[str], list[tuple[str, int]]]:
    """Return the names of themes whose code is gone, and (theme name, count) of gone quotes."""
    gone_themes = session.scalars(
        select(ReportTheme.name)
        .where(ReportTheme.report_id == report.id, ReportTheme.code_id.is_(None))
        .order_by(ReportTheme.position, ReportTheme.id)
    ).all()
    gone_quotes = session.execute(
        select(ReportTheme.name, func.count())
        .join(ReportQuote, ReportQuote.report_theme_id == ReportTheme.id)
        .where(
            ReportTheme.report_id == report.id,
            ReportTheme.code_id.is_not(None),
            ReportQuote.segment_id.is_(None),
        )
        .group_by(ReportTheme.id, ReportTheme.name, ReportTheme.position)
        .order_by(ReportTheme.position, ReportTheme.id)
    ).all()
    return list(gone_themes), [(name, n) for name, n in gone_quotes]


def vanished(session: Session, report: Report) -> list[str]:
    """Say which themes and quotes of the report are gone, changing nothing (for GET pages).

    What is gone is already left out of every build (`choices_of`); the rows
    go on the next change of the report (`tidy`, run by its forms).
    """
    return _tidy_notes(*_vanished(session, report))


def tidy(session: Session, study: Study, user: User | None, report: Report) -> list[str]:
    """Remove themes whose code was deleted and quotes whose passage is gone; say what went.

    Only a removed theme is audited (``report.tidy`` with how many): a quote
    goes when its respondent withdraws, and the log keeps no trace of that.
    """
    gone_themes, gone_quotes = _vanished(session, report)
    if not gone_themes and not gone_quotes:
        return []
    with write_transaction(session):
        theme_ids = select(ReportTheme.id).where(ReportTheme.report_id == report.id)
        session.execute(
            delete(ReportQuote).where(
                ReportQuote.report_theme_id.in_(theme_ids), ReportQuote.segment_id.is_(None)
            )
        )
        session.execute(
            delete(ReportTheme).where(
                ReportTheme.report_id == report.id, ReportTheme.code_id.is_(None)
            )
        )
        renumber(themes_of(session, report))
        for theme in themes_of(session, report):
            renumber(chosen_quotes(session, theme))
        if gone_themes:
            audit.record(session, user, "report.tidy", report, themes=len(gone_themes))
    return _tidy_notes(gone_themes, gone_quotes)


def _tidy_notes(themes: Sequence[str], quotes: Sequence[tuple[str, int]]) -> list[str]:
    notes = [
        f"The theme “{name}” was removed from the report: its code was deleted from the codebook."
        for name in themes
    ]
    for name, count in quotes:
        what = "A quote" if count == 1 else f"{count} quotes"
        notes.append(
            f"{what} chosen for “{name}” {'was' if count == 1 else 'were'} removed: the passage"
            " is no longer coded, or a respondent withdrew from the study."
        )
    return notes


def choices_of(session: Session, report: Report) -> Choices:
    """Return what the analyst chose, as `gather` takes it (vanished quotes left out)."""
    themes = [t for t in themes_of(session, report) if t.code_id is not None]
    codes = dict(
        session.execute(
            select(Code.id, Code.public_id).where(Code.id.in_([t.code_id for t in themes]))
        ).all()
    )
    quotes = {}
    for theme in themes:
        rows = session.execute(
            select(Segment.public_id)
            .join(ReportQuote, ReportQuote.segment_id == Segment.id)
            .where(ReportQuote.report_theme_id == theme.id)
            .order_by(ReportQuote.position, ReportQuote.id)
        )
        chosen = tuple(rows.scalars())
        if chosen:
            quotes[codes[theme.code_id]] = chosen
    return Choices(
        title=report.title,
        introduction=report.introduction or "",
        theme_ids=tuple(codes[t.code_id] for t in themes),
        narratives={codes[t.code_id]: t.narrative for t in themes if t.narrative},
        quotes=quotes,
        item_ids=tuple(question_ids(session, report)),
        breakdown_item_ids=tuple(breakdowns_of(report)),
    )
