"""Qualitative coding: cases, documents, the codebook, codings, memos and the coding log.

One document model serves free-text answers now and interview transcripts
later: plain NFC text with `\\n` line endings, offsets in code points, start
inclusive, end exclusive (ARCHITECTURE.md). Identifiers that leave the server
are random GUIDs (`public_id`), never row ids.

A case belongs to a response (ON DELETE CASCADE): withdrawing a response
deletes its case, its documents and every coding of them.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.sealed import SealedText, sealed_columns
from survey.models.staff import now
from survey.models.studies import today

DOCUMENT_KINDS = ("answer", "transcript")
CODER_KINDS = ("person", "consensus", "imported")
MEMO_TARGETS = ("study", "code", "document")


def new_guid() -> str:
    """Return a random GUID (REFI-QDA form: lower case, no braces)."""
    return str(uuid.uuid4())


class CodingCase(db.Model):
    """An anonymous case: one response (or, later, one interviewee), never a name."""

    __tablename__ = "coding_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    response_id: Mapped[str | None] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), unique=True
    )
    # Closed answers as {item_id: value label or non-answer code}, taken when
    # the case was made (a submitted response no longer changes).
    attributes_json: Mapped[str] = mapped_column(Text, default="{}")
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)

    documents: Mapped[list[CodingDocument]] = relationship(
        back_populates="case", cascade="all, delete-orphan", passive_deletes=True
    )


@sealed_columns
class CodingDocument(db.Model):
    """A codable text: one free-text answer, or a transcript."""

    __tablename__ = "coding_document"
    __table_args__ = (
        UniqueConstraint("case_id", "item_id"),
        CheckConstraint("kind IN ('answer', 'transcript')", name="kind"),
        CheckConstraint("length >= 0", name="length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("coding_case.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default="answer")
    # The question answered (answers); None for a transcript.
    item_id: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(SealedText("coding_document.text"))
    length: Mapped[int] = mapped_column(Integer)  # code points
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)
    # The automatic redaction pass has stored its proposals (until then they
    # are computed on the fly, so no one ever sees the text unredacted).
    redactions_proposed: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sql_text("false")
    )
    # A data steward has reviewed the redactions of this document.
    redactions_reviewed: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sql_text("false")
    )

    case: Mapped[CodingCase | None] = relationship(back_populates="documents")


REDACTION_STATUSES = ("proposed", "accepted", "rejected")


class Redaction(db.Model):
    """A span of a document's raw text to hide behind a placeholder ([NAME-1]) from coders.

    Proposed by the automatic pass or added by a data steward; a steward
    accepts or rejects it. Every span that is not rejected is hidden.
    """

    __tablename__ = "redaction"
    __table_args__ = (
        UniqueConstraint("document_id", "start", "end"),
        CheckConstraint("start >= 0 AND \"end\" > start", name="span"),
        CheckConstraint("status IN ('proposed', 'accepted', 'rejected')", name="status"),
        CheckConstraint("origin IN ('auto', 'steward')", name="origin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("coding_document.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    origin: Mapped[str] = mapped_column(String(16), default="auto")
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class TranscriptTurn(db.Model):
    """One speaker turn (or paragraph) of a transcript: `[start, end)` of its document's text.

    `speaker` is the label as written in the transcript ("Interviewer",
    "Respondent", "R1"); times are milliseconds from the start of the
    recording, when the transcript had them.
    """

    __tablename__ = "transcript_turn"
    __table_args__ = (
        UniqueConstraint("document_id", "position"),
        CheckConstraint('start >= 0 AND "end" >= start', name="span"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("coding_document.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(100))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    time_start_ms: Mapped[int | None] = mapped_column(Integer)
    time_end_ms: Mapped[int | None] = mapped_column(Integer)


@sealed_columns
class Code(db.Model):
    """A code of a study's codebook, or a category (`codable` False) grouping codes."""

    __tablename__ = "code"
    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("code.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    codable: Mapped[bool] = mapped_column(Boolean, default=True)
    # Sealed: examples are usually quotes, and the other fields may quote too.
    definition: Mapped[str] = mapped_column(SealedText("code.definition"), default="")
    when_to_use: Mapped[str] = mapped_column(SealedText("code.when_to_use"), default="")
    when_not_to_use: Mapped[str] = mapped_column(
        SealedText("code.when_not_to_use"), default=""
    )
    example: Mapped[str] = mapped_column(SealedText("code.example"), default="")
    colour: Mapped[str] = mapped_column(String(7), default="#5B6770")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Coder(db.Model):
    """Who codes on a study: a staff member, an imported coder, or the consensus."""

    __tablename__ = "coder"
    __table_args__ = (
        UniqueConstraint("study_id", "user_id"),
        CheckConstraint("kind IN ('person', 'consensus', 'imported')", name="kind"),
        # One consensus per study, even when two first reconciles race.
        Index(
            "uq_coder_one_consensus",
            "study_id",
            unique=True,
            sqlite_where=sql_text("kind = 'consensus'"),
            postgresql_where=sql_text("kind = 'consensus'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default="person")
    name: Mapped[str] = mapped_column(String(200))
    # A coder who chose it sees distressing segments collapsed behind a note.
    collapse_distressing: Mapped[bool] = mapped_column(Boolean, default=False)


@sealed_columns
class Segment(db.Model):
    """One code applied by one coder to `[start, end)` of one document."""

    __tablename__ = "segment"
    __table_args__ = (
        UniqueConstraint("document_id", "code_id", "coder_id", "start", "end"),
        CheckConstraint('start >= 0 AND "end" > start', name="span"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("coding_document.id", ondelete="CASCADE"), index=True
    )
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="RESTRICT"), index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    memo: Mapped[str] = mapped_column(SealedText("segment.memo"), default="")
    distressing: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)

    document: Mapped[CodingDocument] = relationship()
    code: Mapped[Code] = relationship()
    coder: Mapped[Coder] = relationship()


@sealed_columns
class Memo(db.Model):
    """A memo on the study's coding project, a code, or a document."""

    __tablename__ = "memo"
    __table_args__ = (
        CheckConstraint("target IN ('study', 'code', 'document')", name="target"),
        # One memo per coder per target; COALESCE so that empty columns count as equal.
        Index(
            "uq_memo_one_per_target",
            "study_id",
            "target",
            func.coalesce(sql_text("code_id"), 0),
            func.coalesce(sql_text("document_id"), 0),
            func.coalesce(sql_text("coder_id"), 0),
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(16))
    code_id: Mapped[int | None] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"))
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("coding_document.id", ondelete="CASCADE")
    )
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(SealedText("memo.text"), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class CodingSettings(db.Model):
    """A study's coding settings: blind mode, whether the lead has revealed, the unit."""

    __tablename__ = "coding_settings"
    __table_args__ = (CheckConstraint("unit IN ('answer', 'sentence', 'character')", name="unit"),)

    study_id: Mapped[int] = mapped_column(
        ForeignKey("study.id", ondelete="CASCADE"), primary_key=True
    )
    blind: Mapped[bool] = mapped_column(Boolean, default=False)
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    unit: Mapped[str] = mapped_column(String(16), default="answer")


@sealed_columns
class CodingLogEntry(db.Model):
    """One coding action (append-only): who, what, when; undo is a new entry.

    `payload` is JSON with what undo needs (GUIDs, offsets, the memo); never
    the document's text.
    """

    __tablename__ = "coding_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    action: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(SealedText("coding_log.payload"), default="{}")
    # The entry this one undoes (for action "undo").
    undoes_id: Mapped[int | None] = mapped_column(
        ForeignKey("coding_log.id", ondelete="SET NULL"), unique=True
    )
