"""Analysis jobs and what they leave behind: results, per-document topic shares, code suggestions.

A job row is created by the web or the CLI and run by a worker (RQ on Redis,
or a thread in the web process). The worker receives the job's id only, never
text. A result is written in one transaction with the job's status set to
``done``, so a job that dies leaves no half result; ``analysis_result.job_id``
is unique, so a retried job cannot store two.

Everything derived from a document points at it with ON DELETE CASCADE, so a
withdrawn response takes its topic shares and suggestions with it. Results
hold terms, numbers and document GUIDs, never quotes: quotes are rendered from
the redacted text when a page is shown.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db
from survey.models.sealed import SealedText, sealed_columns
from survey.models.staff import now

JOB_KINDS = ("topics", "suggestions")
JOB_STATUSES = ("queued", "running", "done", "failed")
SUGGESTION_STATUSES = ("open", "accepted", "rejected")


def _guid() -> str:
    return str(uuid.uuid4())


class AnalysisJob(db.Model):
    """A request to fit a model on a study's text, and how far it has got."""

    __tablename__ = "analysis_job"
    __table_args__ = (
        CheckConstraint(f"kind IN {JOB_KINDS}", name="kind"),
        CheckConstraint(f"status IN {JOB_STATUSES}", name="status"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=_guid)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Parameters as JSON: item ids, k, method, seed, segmenting. Never text.
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    # A short stage name for the progress bar ("fitting k=12"), never text.
    stage: Mapped[str] = mapped_column(String(80), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # A stable error code and its message from our catalogue, never a traceback.
    error: Mapped[str | None] = mapped_column(String(300))
    requested_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Refreshed while running, so a worker that died can be told from a slow one.
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


@sealed_columns
class AnalysisResult(db.Model):
    """The whole output of one finished job, with what is needed to reproduce it."""

    __tablename__ = "analysis_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(
        ForeignKey("analysis_job.id", ondelete="CASCADE"), unique=True
    )
    # Topics (terms, NPMI), the k sweep, per-code precision and recall: no text.
    result_json: Mapped[str] = mapped_column(SealedText("analysis_result.result_json"))
    n_topics: Mapped[int | None] = mapped_column(Integer)
    seed: Mapped[int | None] = mapped_column(Integer)
    # {"scikit-learn": "1.5.2", "nltk": "3.9", "heard": "0.1.0", ...}
    versions_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class DocumentTopics(db.Model):
    """One document's topic shares in one topic fit (added up over its segments)."""

    __tablename__ = "analysis_document_topics"
    __table_args__ = (UniqueConstraint("job_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("analysis_job.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(
        ForeignKey("coding_document.id", ondelete="CASCADE"), index=True
    )
    # Shares per topic, summing to 1 (or all zero for a document with no counted words).
    weights_json: Mapped[str] = mapped_column(Text)
    top_topic: Mapped[int | None] = mapped_column(Integer)
    # Segments of a long document as [[start, end, topic, weight], ...] in code points.
    segments_json: Mapped[str] = mapped_column(Text, default="[]")


class CodeSuggestion(db.Model):
    """A code a classifier proposes for an uncoded answer; applied only when accepted."""

    __tablename__ = "code_suggestion"
    __table_args__ = (
        UniqueConstraint("job_id", "document_id", "code_id"),
        CheckConstraint(f"status IN {SUGGESTION_STATUSES}", name="status"),
        CheckConstraint("probability >= 0 AND probability <= 1", name="probability"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=_guid)
    job_id: Mapped[int] = mapped_column(ForeignKey("analysis_job.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(
        ForeignKey("coding_document.id", ondelete="CASCADE"), index=True
    )
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"), index=True)
    probability: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10), default="open")
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
