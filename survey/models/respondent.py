"""What respondents give: responses and their answers, with day-precision dates."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.sealed import SealedText
from survey.models.studies import today

RESPONSE_STATUSES = ("in_progress", "completed")


def new_response_id() -> str:
    """Return a random response id (128 bits) that reveals neither order nor volume."""
    return secrets.token_hex(16)


class Response(db.Model):
    """One person's answers to one study; random id, dates to the day only."""

    __tablename__ = "response"
    __table_args__ = (
        CheckConstraint("status IN ('in_progress', 'completed')", name="status"),
        CheckConstraint("mode IN ('self', 'interviewer')", name="mode"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_response_id)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    instrument_version_id: Mapped[int] = mapped_column(
        ForeignKey("instrument_version.id", ondelete="RESTRICT")
    )
    status: Mapped[str] = mapped_column(String(16), default="in_progress")
    mode: Mapped[str] = mapped_column(String(16), default="self")
    language: Mapped[str] = mapped_column(String(35))
    last_page: Mapped[str | None] = mapped_column(String(64))
    # Keyed slow hashes of the phrases shown once; never the phrases.
    resume_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    withdrawal_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    started_on: Mapped[dt.date] = mapped_column(Date, default=today)
    updated_on: Mapped[dt.date] = mapped_column(Date, default=today, index=True)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    # The respondent asked that their words never be quoted (instrument `quote_consent`).
    no_quotes: Mapped[bool] = mapped_column(default=False, server_default=false())

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )


class Answer(db.Model):
    """One item's answer: a JSON value, or a non-answer code, never both."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("response_id", "item_id"),
        CheckConstraint("(value IS NULL) <> (code IS NULL)", name="value_or_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[str] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(String(64))
    # Free text is sealed with the study's key (`responses`); choices and numbers are not.
    value: Mapped[str | None] = mapped_column(SealedText("answer.value", strict=False))
    code: Mapped[str | None] = mapped_column(String(32))

    response: Mapped[Response] = relationship(back_populates="answers")


class Submission(db.Model):
    """The final submit of a response; its primary key makes a second one impossible."""

    __tablename__ = "submission"

    response_id: Mapped[str] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    submitted_on: Mapped[dt.date] = mapped_column(Date, default=today)


INTERVIEW_EVENT_KINDS = ("pause", "resume", "stop", "distress_check")
INTERVIEW_REASONS = ("respondent_chose", "distress", "interruption", "safety")


class InterviewEvent(db.Model):
    """A pause, resume, stop or distress check in an interviewer-administered response.

    It records what happened and why, to the day; never who the interviewer
    or interpreter was (the audit log records who acted).
    """

    __tablename__ = "interview_event"
    __table_args__ = (
        CheckConstraint("kind IN ('pause', 'resume', 'stop', 'distress_check')", name="kind"),
        CheckConstraint(
            "reason IS NULL OR reason IN "
            "('respondent_chose', 'distress', 'interruption', 'safety')",
            name="reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[str] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    on: Mapped[dt.date] = mapped_column(Date, default=today)
