"""Findings reports: what an analyst chose to report, and every build that was exported.

A report holds choices, not results: the themes (codes or categories of the
codebook) in order with the analyst's narrative for each and the quotes
(coded segments) chosen for it, the closed questions to chart, and the
respondent attributes to break each theme down by. The numbers and words
are gathered from the data when the report is built (`services.reports`).

Text an analyst types (introduction, narratives) may quote respondents, so
it is sealed with the study's key, like a memo. A theme points at its code
with ON DELETE SET NULL and keeps the code's name, so a theme whose code was
deleted is noticed, named to the analyst and removed; a quote points at its
segment with ON DELETE SET NULL, so a quote whose response was withdrawn (or
whose coding was removed) is noticed in the same way. A build keeps the
snapshot it was built from (sealed: it holds the quotes), so an export can be
rebuilt identically, and the day it was last exported; dates are kept to the day.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db
from survey.models.sealed import SealedText, sealed_columns
from survey.models.studies import today


def _guid() -> str:
    return str(uuid.uuid4())


@sealed_columns
class Report(db.Model):
    """A findings report of one study: its title, introduction and breakdown attributes."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=_guid)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(SealedText("report.introduction"), default="")
    # Closed questions (item ids, JSON list, in order) each theme is broken down by.
    breakdowns_json: Mapped[str] = mapped_column(Text, default="[]")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)
    updated_on: Mapped[dt.date] = mapped_column(Date, default=today)


@sealed_columns
class ReportTheme(db.Model):
    """A theme of a report: a code or a category, its place and the analyst's narrative."""

    __tablename__ = "report_theme"
    __table_args__ = (UniqueConstraint("report_id", "code_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    # The study, so the narrative can be sealed with its key (and struck on withdrawal).
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # NULL once the code is deleted: the theme is then removed and the analyst told.
    code_id: Mapped[int | None] = mapped_column(
        ForeignKey("code.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))  # the code's name when chosen
    narrative: Mapped[str] = mapped_column(SealedText("report_theme.narrative"), default="")


class ReportQuestion(db.Model):
    """A closed question charted in a report, in order."""

    __tablename__ = "report_question"
    __table_args__ = (UniqueConstraint("report_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    item_id: Mapped[str] = mapped_column(String(64))


class ReportQuote(db.Model):
    """A coded segment chosen as a quote for a theme (its words are read when built)."""

    __tablename__ = "report_quote"
    __table_args__ = (UniqueConstraint("report_theme_id", "segment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_theme_id: Mapped[int] = mapped_column(
        ForeignKey("report_theme.id", ondelete="CASCADE"), index=True
    )
    # NULL once the segment is gone (withdrawn response, removed coding): noticed, then removed.
    segment_id: Mapped[int | None] = mapped_column(
        ForeignKey("segment.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


@sealed_columns
class ReportBuild(db.Model):
    """One build of a report: the snapshot it was built from, kept to rebuild it identically."""

    __tablename__ = "report_build"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=_guid)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    built_on: Mapped[dt.date] = mapped_column(Date, default=today)
    built_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the snapshot's JSON
    snapshot: Mapped[str] = mapped_column(SealedText("report_build.snapshot"))
    # The last day it was downloaded (None: never). The next export of the study is compared
    # with the builds already out, so two builds a few responses apart never both leave.
    exported_on: Mapped[dt.date | None] = mapped_column(Date)
