"""The builder's edits of a report's themes: add, remove, move, narrative, quotes.

Each edit is one write transaction and one audit event naming the report and
the theme's code (its GUID) and counts, never any text (see `store`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.extensions import write_transaction
from survey.models import CodingDocument, Report, ReportQuote, ReportTheme, Segment, Study, User
from survey.services import audit
from survey.services.reports.choices import MAX_QUOTES, MAX_THEMES
from survey.services.reports.errors import ChoicesInvalid, SegmentNotFound
from survey.services.reports.options import offered_guids
from survey.services.reports.store import (
    chosen_quotes,
    chosen_theme,
    code_in_study,
    long_text,
    move,
    renumber,
    themes_of,
    touch,
)
from survey.services.reports.themes import Tree, nested_refusal

__all__ = [
    "add_theme",
    "choose_quotes",
    "move_theme",
    "remove_theme",
    "save_theme",
    "set_narrative",
]


def add_theme(session: Session, study: Study, user: User, report: Report, guid: str) -> None:
    """Add the code or category `guid` as the report's last theme.

    Refused (`ChoicesInvalid`) when a theme of the report sits under it or
    above it in the codebook (`themes.nested_refusal`).
    """
    code = code_in_study(session, study, guid)
    themes = themes_of(session, report)
    if any(t.code_id == code.id for t in themes):
        raise ChoicesInvalid(f"“{code.name}” is already a theme of this report.")
    tree = Tree.of(session, study)
    nested = [t for t in themes if t.code_id is not None and tree.nested(t.code_id, code.id)]
    if nested:
        raise ChoicesInvalid(nested_refusal(tree.by_id[nested[0].code_id].name))
    if len(themes) >= MAX_THEMES:
        raise ChoicesInvalid(f"A report can have at most {MAX_THEMES} themes.")
    try:
        with write_transaction(session):
            session.add(
                ReportTheme(
                    report_id=report.id,
                    study_id=study.id,
                    code_id=code.id,
                    name=code.name,
                    position=len(themes),
                )
            )
            touch(report)
            audit.record(session, user, "report.theme_add", report, theme=guid)
    except IntegrityError:  # added at the same moment in another tab
        raise ChoicesInvalid(f"“{code.name}” is already a theme of this report.") from None


def remove_theme(session: Session, study: Study, user: User, report: Report, guid: str) -> None:
    """Remove the theme `guid` (its narrative and chosen quotes go with it)."""
    theme = chosen_theme(session, study, report, guid)
    with write_transaction(session):
        session.execute(delete(ReportTheme).where(ReportTheme.id == theme.id))
        session.expunge(theme)
        renumber(themes_of(session, report))
        touch(report)
        audit.record(session, user, "report.theme_remove", report, theme=guid)


def move_theme(
    session: Session, study: Study, user: User, report: Report, guid: str, direction: str
) -> None:
    """Move the theme `guid` one place up or down."""
    theme = chosen_theme(session, study, report, guid)
    with write_transaction(session):
        themes = themes_of(session, report)
        if move(themes, [t.id for t in themes].index(theme.id), direction):
            touch(report)
            audit.record(session, user, "report.theme_move", report, theme=guid, to=direction)


def set_narrative(
    session: Session, study: Study, user: User, report: Report, guid: str, text: str
) -> None:
    """Set the analyst's narrative of theme `guid` (shown as typed, escaped)."""
    theme = chosen_theme(session, study, report, guid)
    narrative = long_text(text, "text of this theme")
    with write_transaction(session):
        theme.narrative = narrative
        touch(report)
        audit.record(session, user, "report.narrative", report, theme=guid)


def _segment_ids(session: Session, study: Study, guids: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(guids))
    if not wanted:
        return {}
    rows = session.execute(
        select(Segment.public_id, Segment.id)
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .where(Segment.public_id.in_(wanted), CodingDocument.study_id == study.id)
    ).all()
    return dict(rows)


def _plan_quotes(
    session: Session,
    study: Study,
    user: User,
    theme: ReportTheme,
    guid: str,
    chosen: Sequence[str],
    shown: Sequence[str],
) -> tuple[list[ReportQuote], list[ReportQuote]]:
    """Return the theme's quote rows now and as they will be (checked, not yet written)."""
    if set(chosen) - set(offered_guids(session, study, user, guid)):
        raise SegmentNotFound(
            "A quote you chose can no longer be quoted for this theme: look at the list again."
        )
    ids = _segment_ids(session, study, [*chosen, *shown])
    shown_ids = {ids[g] for g in shown if g in ids}
    chosen_ids = [ids[g] for g in dict.fromkeys(chosen) if g in ids]
    rows = chosen_quotes(session, theme)
    keep = [r for r in rows if r.segment_id not in shown_ids or r.segment_id in chosen_ids]
    have = {r.segment_id for r in keep}
    keep += [
        ReportQuote(report_theme_id=theme.id, segment_id=s) for s in chosen_ids if s not in have
    ]
    if sum(r.segment_id is not None for r in keep) > MAX_QUOTES:
        raise ChoicesInvalid(f"Choose at most {MAX_QUOTES} quotes for each theme.")
    return rows, keep


def _write_quotes(session: Session, rows: list[ReportQuote], keep: list[ReportQuote]) -> None:
    for row in rows:
        if row not in keep:
            session.delete(row)
    session.add_all(keep)
    renumber(keep)


def choose_quotes(
    session: Session,
    study: Study,
    user: User,
    report: Report,
    guid: str,
    chosen: Sequence[str],
    shown: Sequence[str],
) -> None:
    """Choose the quotes of theme `guid` among those `shown` on the form.

    `chosen` are the ticked segment GUIDs and `shown` every one the form
    listed: a list filtered by an attribute leaves the others as they were.
    Only passages that may be quoted for the theme now can be chosen.
    """
    theme = chosen_theme(session, study, report, guid)
    rows, keep = _plan_quotes(session, study, user, theme, guid, chosen, shown)
    with write_transaction(session):
        _write_quotes(session, rows, keep)
        touch(report)
        audit.record(session, user, "report.quotes", report, theme=guid, quotes=len(keep))


def save_theme(
    session: Session,
    study: Study,
    user: User,
    report: Report,
    guid: str,
    narrative: str,
    chosen: Sequence[str],
    shown: Sequence[str],
) -> None:
    """Set theme `guid`'s narrative and choose its quotes together (the theme page's form)."""
    theme = chosen_theme(session, study, report, guid)
    text = long_text(narrative, "text of this theme")
    rows, keep = _plan_quotes(session, study, user, theme, guid, chosen, shown)
    with write_transaction(session):
        theme.narrative = text
        _write_quotes(session, rows, keep)
        touch(report)
        audit.record(session, user, "report.theme_save", report, theme=guid, quotes=len(keep))
