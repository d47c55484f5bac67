"""What a withdrawal and a retention purge must do to findings reports.

Chosen quotes need nothing here: a quote points at its segment with ON
DELETE SET NULL, so when the response goes its quote is noticed as gone,
the analyst is told and the row removed (`store.tidy`). Three things do not
hang off the response by a foreign key and are handled by these functions,
called by `services.withdrawal` and `services.retention` in their own
transaction:

- `strike_reports`: a report's title and introduction and its themes' names
  and narratives are analyst text that may quote the withdrawn answers;
  quoted passages become "[withdrawn]" (`coding.passages`), like memos and
  code definitions.
- `forget_builds`: a stored build holds a snapshot of the data as it was,
  with the quotes chosen and counts that include the respondent. Every build
  of the study made on or after the day the response was completed is
  deleted (its audit events keep the fingerprint's start); the next export
  builds again from what remains.
- `purge_reports`: a purge deletes the study's key, so sealed text can no
  longer be read; reports (with their themes, quotes and builds) go with it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coding.passages import PassageFinder
from survey.models import Report, ReportBuild, ReportTheme

__all__ = ["forget_builds", "purge_reports", "strike_reports"]

MAX_NAME = 200  # the columns of a report's title and a theme's name


def _strike(finder: PassageFinder, row: object, name: str, most: int | None = None) -> int:
    text = getattr(row, name) or ""
    changed = finder.strike(text)
    if changed == text:
        return 0
    setattr(row, name, changed[:most] if most else changed)
    return 1


def strike_reports(session: Session, study_id: int, finder: PassageFinder) -> int:
    """Strike passages `finder` knows from the study's report texts; count the texts changed.

    The texts are every report's title and introduction and every theme's
    name (the code's name as it was chosen) and narrative.
    """
    if not finder:
        return 0
    struck = 0
    for report in session.scalars(select(Report).where(Report.study_id == study_id)):
        struck += _strike(finder, report, "title", MAX_NAME)
        struck += _strike(finder, report, "introduction")
    for theme in session.scalars(select(ReportTheme).where(ReportTheme.study_id == study_id)):
        struck += _strike(finder, theme, "name", MAX_NAME)
        struck += _strike(finder, theme, "narrative")
    return struck


def forget_builds(session: Session, study_id: int, since: dt.date | None) -> int:
    """Delete the study's builds made on or after `since` (all of them if None); count them."""
    query = delete(ReportBuild).where(ReportBuild.study_id == study_id)
    if since is not None:
        query = query.where(ReportBuild.built_on >= since)
    return session.execute(query.execution_options(synchronize_session=False)).rowcount


def purge_reports(session: Session, study_id: int) -> int:
    """Delete the study's reports with their themes, quotes and builds; count the reports."""
    query = delete(Report).where(Report.study_id == study_id)
    return session.execute(query.execution_options(synchronize_session=False)).rowcount
