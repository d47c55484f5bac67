"""Studies and the immutable instrument versions they field."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
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
    source: Mapped[str] = mapped_column(Text)
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

    instrument_version: Mapped[InstrumentVersion] = relationship(lazy="joined")

    @property
    def is_open(self) -> bool:
        """Return True when respondents may start or continue."""
        return self.status == "open"
