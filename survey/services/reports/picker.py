"""What a theme's page of the builder shows: its narrative and the quotes that may be chosen.

The passages offered come from `options.quote_options` (quotable passages
only, redacted, a page at a time, optionally filtered by the answer to one
closed question, none when the filter's group is small; only answers at least
the threshold of respondents gave are offered as filters, and the number of
passages is not shown when under the threshold). A chosen quote that
can no longer be offered (its respondent withdrew, its coding moved, the
study now withholds free text) is named in a note and left out of the report.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Code, CodingCase, Report, Response, Segment, Study, User
from survey.services.analysis.codes_view import NO_ANSWER
from survey.services.analysis.corpus import closed_items
from survey.services.coding.code_view import path_of
from survey.services.reports import options, store
from survey.services.reports.choices import MAX_NARRATIVE, MAX_QUOTES
from survey.services.reports.facts import completed

__all__ = ["Pick", "ThemePage", "filter_choices", "offered_guids", "read_filter", "theme_page"]


@dataclass(frozen=True)
class Pick:
    """A passage offered as a quote, and whether it is chosen."""

    guid: str
    before: str
    text: str
    after: str
    question: str
    case: str
    distressing: bool
    chosen: bool


@dataclass(frozen=True)
class ThemePage:
    """Everything a theme's page shows."""

    guid: str
    name: str
    path: str
    category: bool
    narrative: str
    options: list[Pick]
    filters: list[tuple[str, str, list[str]]]
    where: tuple[str, str] | None
    refused: str | None
    notes: list[str]
    chosen: int
    page: int
    pages: int
    total: int | None  # passages offered (all pages); None when under the threshold
    max_quotes: int = MAX_QUOTES
    max_narrative: int = MAX_NARRATIVE


def offered_guids(session: Session, study: Study, user: User, guid: str) -> set[str]:
    """Return every passage of theme `guid` that `user` may choose as a quote now."""
    return options.offered_guids(session, study, user, guid)


def filter_choices(session: Session, study: Study) -> list[tuple[str, str, list[str]]]:
    """Return (item id, label, answers) of each closed question, to filter quotes by.

    Only answers given by at least the study's threshold of respondents
    (completed responses, the report's base) are offered, so the list says
    nothing about an answer few gave; a question with no such answer is left
    out.
    """
    cases = [
        json.loads(a or "{}")
        for a in session.scalars(
            select(CodingCase.attributes_json)
            .join(Response, Response.id == CodingCase.response_id)
            .where(CodingCase.study_id == study.id, *completed(study))
        )
    ]
    k = study.disclosure_threshold
    found = []
    for item, label in closed_items(study):
        held = Counter(str(a.get(item, NO_ANSWER)) for a in cases)
        values = [value for value, n in held.items() if n >= k]
        if values:
            values.sort(key=lambda v: (v == NO_ANSWER, v.casefold()))
            found.append((item, label, values))
    return found


def read_filter(text: str, choices: list[tuple[str, str, list[str]]]) -> tuple[str, str] | None:
    """Return the (item id, answer) of a filter written "item:answer", or None if not a choice."""
    item, _, wanted = (text or "").partition(":")
    for known, _label, values in choices:
        if known == item and wanted in values:
            return item, wanted
    return None


def _chosen_guids(session: Session, theme_id: int) -> list[str]:
    from survey.models import ReportQuote

    return list(
        session.scalars(
            select(Segment.public_id)
            .join(ReportQuote, ReportQuote.segment_id == Segment.id)
            .where(ReportQuote.report_theme_id == theme_id)
            .order_by(ReportQuote.position, ReportQuote.id)
        )
    )


def theme_page(
    session: Session,
    study: Study,
    user: User,
    report: Report,
    guid: str,
    where: str = "",
    page: int = 1,
) -> ThemePage:
    """Return the page of theme `guid` (ReportNotFound if it is not one of the report's)."""
    notes = store.vanished(session, report)  # a GET changes nothing: the next form tidies
    theme = store.theme_of(session, study, report, guid)
    code = session.get(Code, theme.code_id)
    filters = filter_choices(session, study)
    chosen_filter = read_filter(where, filters)
    got = options.quote_options(
        session, study, user, guid,
        where=dict([chosen_filter]) if chosen_filter else None, page=page,
    )  # fmt: skip
    chosen = _chosen_guids(session, theme.id)
    gone = len(set(chosen) - offered_guids(session, study, user, guid)) if chosen else 0
    if gone:
        notes.append(
            f"{gone} chosen {'quote' if gone == 1 else 'quotes'} can no longer be quoted"
            " (a respondent withdrew or asked not to be quoted, the passage was coded"
            " differently, or the study now withholds free text): the report leaves"
            f" {'it' if gone == 1 else 'them'} out."
        )
    picks = [
        Pick(o.guid, o.before, o.text, o.after, o.question, o.case, o.distressing,
             o.guid in chosen)
        for o in got.options
    ]  # fmt: skip
    return ThemePage(
        guid=guid,
        name=code.name,
        path=path_of(session, study, code).replace("/", " › "),
        category=not code.codable,
        narrative=theme.narrative or "",
        options=picks,
        filters=filters,
        where=chosen_filter,
        refused=got.withheld,
        notes=notes,
        chosen=len(chosen) - gone,
        page=got.page,
        pages=got.pages,
        total=got.total if got.total >= study.disclosure_threshold else None,
    )
