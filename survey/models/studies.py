"""Studies and the immutable instrument versions they field."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db

STUDY_STATUSES = ("draft", "open", "closed")


def today() -> dt.date:
    """Return today's date in UTC: the only precision Heard keeps for respondents."""
    return dt.datetime.now(dt.UTC).date()


class InstrumentVersion(db.Model):
    """One published version of an instrument, frozen by its content hash."""

    __tablename__ = "instrument_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_key: Mapped[str] = mapped_column(String(64), index=True)
    version_label: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Read only when a process parses this version for the first time (services.studies).
    source: Mapped[str] = mapped_column(Text, deferred=True)
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)


class Study(db.Model):
    """A study fields one instrument version to respondents at /s/<slug>."""

    __tablename__ = "study"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),
        CheckConstraint("disclosure_threshold >= 5", name="disclosure_threshold"),
        CheckConstraint("draft_lifetime_hours >= 1", name="draft_lifetime_hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    instrument_version_id: Mapped[int] = mapped_column(
        ForeignKey("instrument_version.id", ondelete="RESTRICT"), index=True
    )
    exit_url: Mapped[str | None] = mapped_column(String(500))
    resume_enabled: Mapped[bool] = mapped_column(default=True)
    draft_lifetime_hours: Mapped[int] = mapped_column(Integer, default=24)
    disclosure_threshold: Mapped[int] = mapped_column(Integer, default=10)
    # A count, not a list: who withdrew is exactly what must not be kept.
    withdrawn_count: Mapped[int] = mapped_column(Integer, default=0)
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)
    opens_on: Mapped[dt.date | None] = mapped_column(Date)
    closes_on: Mapped[dt.date | None] = mapped_column(Date)
    retention_days: Mapped[int] = mapped_column(Integer, default=730, server_default="730")
    # The day after which `heard purge` deletes the study's data (null: closes_on + retention_days).
    retain_until: Mapped[dt.date | None] = mapped_column(Date)
    # The day `heard purge` deleted the study's data; the study row stays as a tombstone.
    purged_on: Mapped[dt.date | None] = mapped_column(Date)
    # JSON: how the de-identified export treats quasi-identifiers (docs/exports.md).
    export_settings_json: Mapped[str | None] = mapped_column(Text)
    # JSON: the languages offered (a subset of the instrument's), or null for all.
    languages_json: Mapped[str | None] = mapped_column(Text)
    # JSON: {language: [{name, phone, url, description}]} replacing the instrument's lists.
    support_json: Mapped[str | None] = mapped_column(Text)
    # The instrument being edited, as YAML; publishing it makes a new version.
    draft_source: Mapped[str | None] = mapped_column(Text)

    instrument_version: Mapped[InstrumentVersion] = relationship(lazy="joined")

    @property
    def is_open(self) -> bool:
        """Return True when respondents may start or continue today."""
        if self.status != "open":
            return False
        day = today()
        if self.opens_on is not None and day < self.opens_on:
            return False
        return self.closes_on is None or day <= self.closes_on

    @property
    def languages(self) -> list[str] | None:
        """Return the languages offered, or None for all the instrument's languages."""
        return json.loads(self.languages_json) if self.languages_json else None

    @property
    def support(self) -> dict[str, list[dict[str, str]]]:
        """Return the study's own support lists by language (empty: use the instrument's)."""
        return json.loads(self.support_json) if self.support_json else {}


class StudyVersion(db.Model):
    """A version of the instrument that a study published, and when and by whom."""

    __tablename__ = "study_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    instrument_version_id: Mapped[int] = mapped_column(
        ForeignKey("instrument_version.id", ondelete="RESTRICT")
    )
    published_at: Mapped[dt.datetime] = mapped_column(DateTime)
    published_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )

    instrument_version: Mapped[InstrumentVersion] = relationship(lazy="joined")
