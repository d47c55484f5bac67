"""The passages an analyst may choose as a theme's quotes, a page at a time.

Only passages that may be quoted are listed (`passages`: the viewer's coders,
respondents who did not decline, the redacted rendition). None at all are
listed when the study withholds free text or has fewer respondents than its
threshold, or when a filter on closed answers selects a group smaller than
the threshold (or leaves a small group beside it: `corpus.quotes_withheld`);
the reason is given instead. Respondents are labelled "Respondent 1", "2"...
in the order of the random ids of every case of the study, so a label says
nothing about them, and the highest label shown nothing about how many
respondents a theme or a filtered group holds.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.segments import context
from survey.models import CodingCase, CodingDocument, Study, User
from survey.services.analysis.codes_view import NO_ANSWER
from survey.services.analysis.corpus import closed_items, quotes_withheld
from survey.services.coding.distressing import distressing_spans
from survey.services.coding.redacted import shown as shown_span
from survey.services.coding.redaction import renditions
from survey.services.reports.errors import ItemNotFound, ThemeNotFound
from survey.services.reports.passages import (
    Passage,
    passages,
    question_labels,
    quote_text,
    quotes_refused,
)
from survey.services.reports.themes import Tree

__all__ = ["PAGE_SIZE", "QuoteOption", "QuoteOptions", "offered_guids", "quote_options"]

PAGE_SIZE = 25
CONTEXT = 60


@dataclass(frozen=True)
class QuoteOption:
    """A passage that may be chosen: its words over the redacted rendition, with some context."""

    guid: str
    before: str
    text: str
    after: str
    question: str
    case: str  # "Respondent 3": numbered across the whole study, never an id
    distressing: bool


@dataclass(frozen=True)
class QuoteOptions:
    """One page of a theme's quotable passages, or the reason none are offered."""

    theme: str
    name: str
    options: tuple[QuoteOption, ...]
    total: int
    page: int
    pages: int
    withheld: str | None = None


def _selected_cases(
    session: Session, study: Study, where: Mapping[str, str]
) -> tuple[set[int], str | None]:
    """Return the cases the filter selects, and why quotes are withheld for it (or None)."""
    known = {item for item, _ in closed_items(study)}
    for item, value in where.items():
        if item not in known or not isinstance(value, str):
            raise ItemNotFound(str(item))
    items = sorted(where)
    wanted = tuple(where[item] for item in items)
    values: dict[str, tuple[str, ...]] = {}
    ids: dict[str, int] = {}
    for case_id, guid, attributes in session.execute(
        select(CodingCase.id, CodingCase.public_id, CodingCase.attributes_json).where(
            CodingCase.study_id == study.id
        )
    ):
        answers = json.loads(attributes or "{}")
        values[guid] = tuple(str(answers.get(item, NO_ANSWER)) for item in items)
        ids[guid] = case_id
    reason = quotes_withheld(values, wanted, study.disclosure_threshold)  # type: ignore[arg-type]
    return {ids[guid] for guid, got in values.items() if got == wanted}, reason


def _offered(
    session: Session, study: Study, viewer: User, theme_guid: str, where: Mapping[str, str] | None
) -> tuple[str, list[Passage], str | None]:
    """Return the theme's name, its quotable passages in listing order, and any reason for none."""
    tree = Tree.of(session, study)
    node = tree.by_guid.get(theme_guid)
    if node is None:
        raise ThemeNotFound(theme_guid)
    cases, reason = None, None
    if where:
        cases, reason = _selected_cases(session, study, where)
    reason = quotes_refused(session, study) or reason
    if reason:
        return node.name, [], reason
    found: dict[tuple[int, int, int], Passage] = {}
    for passage in passages(session, study, viewer, tree.covered(node.id)):
        if not passage.quotable or (cases is not None and passage.case_id not in cases):
            continue
        key = (passage.document_id, passage.start, passage.end)  # two coders, one passage
        if key not in found or passage.guid < found[key].guid:
            found[key] = passage
    ordered = sorted(
        found.values(), key=lambda p: (p.item_id or "", p.case_guid, p.start, p.end, p.guid)
    )
    return node.name, ordered, None


def offered_guids(
    session: Session,
    study: Study,
    viewer: User,
    theme_guid: str,
    *,
    where: Mapping[str, str] | None = None,
) -> set[str]:
    """Return the ids of every passage of the theme the analyst may choose now (all pages)."""
    _, offered, _ = _offered(session, study, viewer, theme_guid, where)
    return {p.guid for p in offered}


def quote_options(
    session: Session,
    study: Study,
    viewer: User,
    theme_guid: str,
    *,
    where: Mapping[str, str] | None = None,
    page: int = 1,
) -> QuoteOptions:
    """Return a page of the theme's passages that may be quoted, or the reason none are."""
    name, offered, reason = _offered(session, study, viewer, theme_guid, where)
    if reason:
        return QuoteOptions(theme_guid, name, (), 0, 1, 1, reason)
    pages = max(1, math.ceil(len(offered) / PAGE_SIZE))
    page = min(max(1, page), pages)
    shown = offered[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    numbers = _numbers(session, study)
    documents = session.scalars(
        select(CodingDocument).where(CodingDocument.id.in_({p.document_id for p in shown}))
    ).all()
    views = renditions(session, documents)
    hidden = distressing_spans(session, study, viewer, views)
    labels = question_labels(study)
    options = []
    for passage in shown:
        view = views[passage.document_id]
        before, _, after = context(
            view.text, *shown_span(view, passage.start, passage.end), width=CONTEXT
        )
        marked = hidden.get(passage.document_id, ())
        options.append(
            QuoteOption(
                guid=passage.guid,
                before=before,
                text=quote_text(view, passage),
                after=after,
                question=passage.question(labels),
                case=f"Respondent {numbers[passage.case_guid]}"
                if passage.case_guid
                else "Transcript",
                distressing=passage.distressing or _overlaps(marked, passage),
            )
        )
    return QuoteOptions(theme_guid, name, tuple(options), len(offered), page, pages)


def _numbers(session: Session, study: Study) -> dict[str, int]:
    """Return {case id: its number}, every case of the study in the order of their random ids.

    Numbered across the whole study, not within a theme or a filtered group,
    so the highest number shown says nothing about how many respondents a
    theme or a group holds.
    """
    guids = session.scalars(select(CodingCase.public_id).where(CodingCase.study_id == study.id))
    return {guid: number for number, guid in enumerate(sorted(guids), 1)}


def _overlaps(marked, passage: Passage) -> bool:
    """Say whether the passage overlaps a passage the viewer marked to collapse as distressing."""
    return any(s < passage.end and passage.start < e for s, e in marked)
