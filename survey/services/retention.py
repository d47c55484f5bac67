"""Retention: each study's retention date, and the purge of studies whose date has passed.

A study keeps its respondents' data until its **retention date**: the date
set in its settings (`retain_until`), or else its closing date plus its
retention period (`closes_on + retention_days`). A study with neither has no
retention date yet and is never purged.

`heard purge` calls `purge_expired`: every study whose retention date is
before today (and that was not purged already) loses, in one transaction per
study, all its responses (and by cascade their answers, submissions,
interview events and cases), every document (answers, transcripts, interview
notes) with its turns, redactions, segments and memos, every other memo, its
coding log, its analysis jobs with their results, the browser sessions of its
respondents and the interview notes kept in staff sessions, its counters of
wrong phrases, the examples of its codebook (usually quotes) and its data key
(`study_key`), so a copy of a sealed text anywhere, in a backup say, can no
longer be read. The study row stays as a tombstone, closed, with
`purged_on` set, its codebook (names, definitions, guidance), its coders,
settings and instrument versions: that is the researchers' work, not anyone's
answers. The same transaction adds the study to the withdrawal ledger
(`survey.services.ledger`), so restoring an older backup purges it again.
A second run finds nothing due and says so. Each purge is logged
and audited with the slug and a count per table, never any content. The
audit events that named the study's responses (interviews' short ids, cases,
documents, redaction spans) keep who, what and the day, but lose the
reference and the time of day (`services.audit_forget`); each non-dry run of
`purge_expired` also does so for interview events whose response is gone
(from before this rule, or brought back by a restore).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.orm import Session

from survey import keyring
from survey.extensions import write_transaction
from survey.models import (
    AnalysisJob,
    AnalysisResult,
    Answer,
    AttemptWindow,
    Code,
    CodeSuggestion,
    CodingCase,
    CodingDocument,
    CodingLogEntry,
    DocumentTopics,
    InterviewEvent,
    Memo,
    Redaction,
    Report,
    ReportBuild,
    Response,
    Segment,
    Study,
    StudyKey,
    Submission,
    TranscriptTurn,
    WebSession,
)
from survey.models.studies import today
from survey.services import audit, audit_forget, keys, ledger
from survey.services.reports import withdrawn as report_withdrawal

__all__ = ["Purged", "Retention", "due_studies", "purge_expired", "purge_study", "retention_of"]

log = logging.getLogger(__name__)

# Where staff sessions keep interview-guide notes, by study slug (survey.web.interview).
GUIDE_NOTES = "interview_guide_notes"
PHRASE_PURPOSES = ("resume", "withdraw")


@dataclass(frozen=True)
class Retention:
    """A study's retention date and where it comes from."""

    until: dt.date | None  # the last day the data is kept; None: no date yet
    source: str  # "date" (set in the settings), "closing" (closes_on + days) or "none"
    days: int
    purged_on: dt.date | None

    @property
    def passed(self) -> bool:
        """Return True when the date is before today (the next purge deletes the data)."""
        return self.until is not None and self.until < today()


@dataclass(frozen=True)
class Purged:
    """What a purge of one study deleted (or would delete, in a dry run): rows per table."""

    slug: str
    counts: dict[str, int]
    dry_run: bool

    @property
    def total(self) -> int:
        """Return the number of rows in all tables."""
        return sum(self.counts.values())

    def summary(self) -> str:
        """Return "table=n, ..." for the tables with rows (no content, ever)."""
        shown = [f"{name}={n}" for name, n in self.counts.items() if n]
        return ", ".join(shown) or "nothing left to delete"


def retention_of(study: Study) -> Retention:
    """Return the study's retention date: its own date, or its closing date plus the period."""
    if study.retain_until is not None:
        return Retention(study.retain_until, "date", study.retention_days, study.purged_on)
    if study.closes_on is not None:
        until = study.closes_on + dt.timedelta(days=study.retention_days)
        return Retention(until, "closing", study.retention_days, study.purged_on)
    return Retention(None, "none", study.retention_days, study.purged_on)


def due_studies(session: Session, on: dt.date | None = None) -> list[Study]:
    """Return the studies not yet purged whose retention date is before `on` (default today)."""
    on = on or today()
    candidates = session.scalars(
        select(Study)
        .where(
            Study.purged_on.is_(None),
            or_(Study.retain_until.is_not(None), Study.closes_on.is_not(None)),
        )
        .order_by(Study.slug)
    )
    return [s for s in candidates if (until := retention_of(s).until) and until < on]


def purge_expired(
    session: Session, *, secret_key: str, on: dt.date | None = None, dry_run: bool = False
) -> list[Purged]:
    """Purge (or, with `dry_run`, count) the data of every study past its retention date."""
    on = on or today()
    due = [(s.id, s.slug) for s in due_studies(session, on)]
    session.commit()
    if not dry_run:
        with write_transaction(session):
            audit_forget.forget_orphan_interviews(session)
    return [
        purge_study(session, study_id, secret_key=secret_key, on=on, dry_run=dry_run)
        for study_id, _ in due
    ]


def purge_study(
    session: Session,
    study_id: int,
    *,
    secret_key: str,
    on: dt.date | None = None,
    dry_run: bool = False,
) -> Purged:
    """Delete one study's respondent data in one transaction (or only count it); keep the study.

    `secret_key` (the app's ``SECRET_KEY``) keys the ledger row that lets a
    restore purge the study again (`survey.services.ledger`).
    """
    on = on or today()
    if dry_run:
        study = session.get(Study, study_id)
        found = Purged(study.slug, _counts(session, study), dry_run=True)
        session.rollback()
        return found
    with write_transaction(session):
        # Lock the row first (running jobs read it FOR SHARE before they store a result).
        session.execute(select(Study.id).where(Study.id == study_id).with_for_update())
        study = session.get(Study, study_id, populate_existing=True)
        counts = _counts(session, study)
        _delete_all(session, study)
        study.status, study.purged_on = "closed", on
        ledger.record(session, ledger.study_digest(secret_key, study.id, study.slug), on)
        audit.record(session, None, "study.purge", study, **counts)
    found = Purged(study.slug, counts, dry_run=False)
    log.info("purge: study %s: %s", found.slug, found.summary())
    return found


def _queries(study_id: int) -> dict[str, Callable[[], Select]]:
    """Return, per table, a count of the rows of the study that a purge deletes."""
    responses = select(Response.id).where(Response.study_id == study_id)
    documents = select(CodingDocument.id).where(CodingDocument.study_id == study_id)
    jobs = select(AnalysisJob.id).where(AnalysisJob.study_id == study_id)

    def count(model: type, *where) -> Callable[[], Select]:
        return lambda: select(func.count()).select_from(model).where(*where)

    return {
        "response": count(Response, Response.study_id == study_id),
        "answer": count(Answer, Answer.response_id.in_(responses)),
        "submission": count(Submission, Submission.response_id.in_(responses)),
        "interview_event": count(InterviewEvent, InterviewEvent.response_id.in_(responses)),
        "coding_case": count(CodingCase, CodingCase.study_id == study_id),
        "coding_document": count(CodingDocument, CodingDocument.study_id == study_id),
        "transcript_turn": count(TranscriptTurn, TranscriptTurn.document_id.in_(documents)),
        "redaction": count(Redaction, Redaction.document_id.in_(documents)),
        "segment": count(Segment, Segment.document_id.in_(documents)),
        "memo": count(Memo, Memo.study_id == study_id),
        "coding_log": count(CodingLogEntry, CodingLogEntry.study_id == study_id),
        "analysis_job": count(AnalysisJob, AnalysisJob.study_id == study_id),
        "analysis_result": count(AnalysisResult, AnalysisResult.job_id.in_(jobs)),
        "analysis_document_topics": count(
            DocumentTopics,
            or_(DocumentTopics.job_id.in_(jobs), DocumentTopics.document_id.in_(documents)),
        ),
        "code_suggestion": count(
            CodeSuggestion,
            or_(CodeSuggestion.job_id.in_(jobs), CodeSuggestion.document_id.in_(documents)),
        ),
        "attempt_window": count(AttemptWindow, AttemptWindow.key.in_(_phrase_keys(study_id))),
        "report": count(Report, Report.study_id == study_id),
        "report_build": count(ReportBuild, ReportBuild.study_id == study_id),
        "study_key": count(StudyKey, StudyKey.study_id == study_id),
    }


def _phrase_keys(study_id: int) -> list[str]:
    return [f"{purpose}:{study_id}" for purpose in PHRASE_PURPOSES]


def _counts(session: Session, study: Study) -> dict[str, int]:
    """Return the rows per table that purging `study` deletes (web sessions and examples too)."""
    counts = {name: session.scalar(query()) or 0 for name, query in _queries(study.id).items()}
    respondents, staff = _sessions(session, study.slug)
    counts["web_session"] = len(respondents)
    counts["interview_notes"] = len(staff)  # staff sessions that lose the study's notes
    counts["code_example"] = (  # examples cleared; the codes stay
        session.scalar(
            select(func.count())
            .select_from(Code)
            .where(Code.study_id == study.id, Code.example != "")
        )
        or 0
    )
    return counts


def _sessions(session: Session, slug: str) -> tuple[list[str], dict[str, dict]]:
    """Return the sessions of the study's respondents (ids) and staff sessions holding its notes.

    A respondent's session names the study it is on; an interviewer's holds
    the notes of unsaved interview guides by study slug.
    """
    respondents: list[str] = []
    staff: dict[str, dict] = {}
    for row_id, data in session.execute(select(WebSession.id, WebSession.data)):
        try:
            values = json.loads(data or "{}")
        except ValueError:
            continue
        if not isinstance(values, dict):
            continue
        if values.get("study") == slug:
            respondents.append(row_id)
        elif slug in (values.get(GUIDE_NOTES) or {}):
            values[GUIDE_NOTES] = {k: v for k, v in values[GUIDE_NOTES].items() if k != slug}
            staff[row_id] = values
    return respondents, staff


def _delete_all(session: Session, study: Study) -> None:
    """Delete every row of the study's respondent data; the study row and codebook stay."""
    sid = study.id
    audit_forget.forget_study(session, study)  # before the rows it looks up go
    session.execute(delete(AnalysisJob).where(AnalysisJob.study_id == sid))
    session.execute(delete(Memo).where(Memo.study_id == sid))
    report_withdrawal.purge_reports(session, sid)  # sealed under the key destroyed below
    session.execute(delete(CodingLogEntry).where(CodingLogEntry.study_id == sid))
    session.execute(delete(Response).where(Response.study_id == sid))
    session.execute(delete(CodingDocument).where(CodingDocument.study_id == sid))
    session.execute(delete(CodingCase).where(CodingCase.study_id == sid))
    session.execute(
        update(Code)
        .where(Code.study_id == sid, Code.example != "")
        .values(example="")
        .execution_options(synchronize_session=False)
    )
    respondents, staff = _sessions(session, study.slug)
    if respondents:
        session.execute(delete(WebSession).where(WebSession.id.in_(respondents)))
    for row_id, values in staff.items():
        session.execute(
            update(WebSession).where(WebSession.id == row_id).values(data=json.dumps(values))
        )
    session.execute(delete(AttemptWindow).where(AttemptWindow.key.in_(_phrase_keys(sid))))
    # Destroy the data key, and drop it from this process's memory too.
    keys.destroy(session, keyring.active(), sid)
