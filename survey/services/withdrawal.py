"""Withdrawal: delete a submitted response and everything derived from it, in one transaction.

Deleting the response row cascades in the database to its answers, submission,
interview events, coding case, documents (answers and transcripts), their
turns, redactions, segments, document memos, topic shares and code
suggestions. What does not hang off the response by a foreign key is handled
here, in the same transaction as the deletion:

- **Quotes.** A memo on the study, a code or another document, a segment's
  memo on another document, a code's definition, guidance or example, and
  the memos the coding log keeps for undo lose every passage quoted from the
  withdrawn documents (`coding.passages`: six consecutive words, forty
  characters, or a whole short answer, compared after case and space
  folding); the passage becomes "[withdrawn]" and the rest stays. So do
  findings reports' titles and introductions and their themes' names and
  narratives. The log's
  states of segments on the withdrawn documents lose their memo and their
  document's GUID (``"deleted"``).
- **Findings reports.** A chosen quote points at its segment with ON DELETE
  SET NULL: the builder tells the analyst it is gone. Every stored build of
  the study made on or after the day the response was completed is deleted,
  since its snapshot holds the response's quotes and counts
  (`services.reports.withdrawn`); the next export builds again.
- **Cached analyses.** Every finished analysis whose input held one of the
  response's documents loses its result: a topic fit that stored shares for
  one of them (a fit stores a row for every document it read), and a
  suggestion job on the question of one of them that finished on or after
  the day the document was made (it trained on, or suggested for, every
  answer to that question). The job row stays, marked failed with the code
  ``jobs.withdrawn``, so the analysis pages say that a result was removed
  because a respondent withdrew, never whose.
- **Running jobs.** The study's withdrawal counter goes up first, which on
  PostgreSQL locks the study row: a job notes the counter when it starts and
  stores its result only if the counter is unchanged, reading it under a
  share lock in the transaction that stores (`running._finish`); otherwise it
  discards the result and queues itself again. Queued jobs read the text when
  they run, so they never see the withdrawn words.

- **Audit log.** The events that named the response (an interview's short
  id, its case, documents and redaction spans) keep who, what and the day,
  but lose the reference and the time of day (`services.audit_forget`).

Nothing about the withdrawal is logged or audited, since when someone
withdrew is itself about them: the counter is kept, and a row of the
withdrawal ledger (`survey.services.ledger`: a keyed digest of the response
id and the day), so that restoring an older backup deletes the response again.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from coding.passages import PassageFinder
from survey.models import (
    AnalysisJob,
    AnalysisResult,
    Code,
    CodeSuggestion,
    CodingCase,
    CodingDocument,
    CodingLogEntry,
    DocumentTopics,
    Memo,
    Response,
    Segment,
    Study,
)
from survey.services import audit_forget, ledger
from survey.services.audit_forget import DELETED
from survey.services.reports import withdrawn as report_withdrawal

__all__ = ["REMOVED_CODE", "Withdrawn", "delete_response", "removed_analyses"]

REMOVED_CODE = "jobs.withdrawn"
REMOVED = (
    f"{REMOVED_CODE}: This result was removed because a respondent withdrew from the study. "
    "Run it again to analyse the answers that remain."
)
CODE_FIELDS = ("name", "definition", "when_to_use", "when_not_to_use", "example")


@dataclass(frozen=True)
class Withdrawn:
    """What a withdrawal removed, as counts (never text)."""

    documents: int
    texts_struck: int
    analyses_removed: int


@dataclass(frozen=True)
class _Document:
    id: int
    public_id: str
    item_id: str | None
    text: str
    created_on: dt.date


def delete_response(
    session: Session, study_id: int, response_id: str, *, secret_key: str
) -> Withdrawn:
    """Delete a response and everything derived from it (inside the caller's write transaction).

    `secret_key` (the app's ``SECRET_KEY``) keys the ledger row that lets a
    restore delete the response again (`survey.services.ledger`).
    """
    session.execute(
        update(Study)
        .where(Study.id == study_id)
        .values(withdrawn_count=Study.withdrawn_count + 1)
        .execution_options(synchronize_session=False)
    )
    documents = _documents(session, response_id)
    removed = _remove_analyses(session, study_id, documents)
    struck = _strike_quotes(session, study_id, documents)
    audit_forget.forget_responses(session, study_id, [response_id])
    completed = session.scalar(select(Response.completed_on).where(Response.id == response_id))
    if completed is not None:  # a report counts completed responses only
        report_withdrawal.forget_builds(session, study_id, completed)
    session.execute(delete(Response).where(Response.id == response_id))
    ledger.record(session, ledger.response_digest(secret_key, response_id))
    session.flush()
    return Withdrawn(len(documents), struck, removed)


def _documents(session: Session, response_id: str) -> list[_Document]:
    rows = session.execute(
        select(
            CodingDocument.id,
            CodingDocument.public_id,
            CodingDocument.item_id,
            CodingDocument.text,
            CodingDocument.created_on,
        )
        .join(CodingCase, CodingCase.id == CodingDocument.case_id)
        .where(CodingCase.response_id == response_id)
    ).all()
    return [_Document(*row) for row in rows]


def _remove_analyses(session: Session, study_id: int, documents: list[_Document]) -> int:
    """Remove the results of every finished analysis that read one of `documents`; count them."""
    if not documents:
        return 0
    jobs = set(
        session.scalars(
            select(DocumentTopics.job_id).where(
                DocumentTopics.document_id.in_([d.id for d in documents])
            )
        )
    )
    jobs |= _suggestion_jobs(session, study_id, documents)
    jobs = set(
        session.scalars(
            select(AnalysisJob.id).where(
                AnalysisJob.id.in_(sorted(jobs)),
                AnalysisJob.study_id == study_id,
                AnalysisJob.status == "done",
            )
        )
    )
    if not jobs:
        return 0
    for model in (AnalysisResult, DocumentTopics, CodeSuggestion):
        session.execute(delete(model).where(model.job_id.in_(sorted(jobs))))
    session.execute(
        update(AnalysisJob)
        .where(AnalysisJob.id.in_(sorted(jobs)))
        .values(status="failed", error=REMOVED, progress=0, stage="removed")
        .execution_options(synchronize_session=False)
    )
    return len(jobs)


def _suggestion_jobs(session: Session, study_id: int, documents: list[_Document]) -> set[int]:
    """Return the finished suggestion jobs on a question of `documents`, since they existed."""
    made = {}
    for document in documents:
        if document.item_id is not None:
            first = made.get(document.item_id, document.created_on)
            made[document.item_id] = min(first, document.created_on)
    if not made:
        return set()
    rows = session.execute(
        select(AnalysisJob.id, AnalysisJob.params_json, AnalysisJob.finished_at).where(
            AnalysisJob.study_id == study_id,
            AnalysisJob.kind == "suggestions",
            AnalysisJob.status == "done",
        )
    )
    found = set()
    for job_id, params, finished_at in rows:
        item_id = json.loads(params or "{}").get("item_id")
        if item_id in made and (finished_at is None or finished_at.date() >= made[item_id]):
            found.add(job_id)
    return found


def _strike_quotes(session: Session, study_id: int, documents: list[_Document]) -> int:
    """Strike passages of `documents` from the study's memos, codebook and log; count texts."""
    if not documents:
        return 0
    finder = PassageFinder(d.text for d in documents)
    gone_ids = {d.id for d in documents}
    gone_guids = {d.public_id for d in documents}
    struck = _strike_log(session, study_id, finder, gone_guids)
    if not finder:
        return struck
    memos = session.scalars(select(Memo).where(Memo.study_id == study_id, Memo.text != ""))
    for memo in memos:
        if memo.document_id not in gone_ids:
            struck += _strike(finder, memo, "text")
    segments = session.scalars(
        select(Segment)
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .where(CodingDocument.study_id == study_id, Segment.memo != "")
    )
    for segment in segments:
        if segment.document_id not in gone_ids:
            struck += _strike(finder, segment, "memo")
    for code in session.scalars(select(Code).where(Code.study_id == study_id)):
        struck += sum(_strike(finder, code, name) for name in CODE_FIELDS)
    struck += report_withdrawal.strike_reports(session, study_id, finder)
    return struck


def _strike(finder: PassageFinder, row: object, name: str) -> int:
    """Strike quoted passages from `row.name`; return 1 if it changed."""
    text = getattr(row, name) or ""
    changed = finder.strike(text)
    if changed == text:
        return 0
    setattr(row, name, changed)
    return 1


def _strike_log(session: Session, study_id: int, finder: PassageFinder, gone: set[str]) -> int:
    """Blank the log's states on withdrawn documents and strike quotes from the rest.

    The append-only log keeps segment states (with their memos) for undo.
    Withdrawal outranks the log: a state on a withdrawn document loses its
    memo and its document's GUID (undo then finds the document gone, as it
    is). A memo struck here is struck the same way on the live segment, so
    undo still finds the segment as the log says it is.
    """
    changed = 0
    entries = session.scalars(select(CodingLogEntry).where(CodingLogEntry.study_id == study_id))
    for entry in entries:
        payload = json.loads(entry.payload or "{}")
        touched = _forget_guids(payload, gone)
        for key in ("before", "after"):
            for state in payload.get(key) or []:
                if state.get("document") in gone:  # undo finds it gone, as it is
                    state["document"], state["memo"], touched = DELETED, "", True
                    continue
                memo = state.get("memo") or ""
                new = finder.strike(memo) if memo else memo
                if new != memo:
                    state["memo"], touched = new, True
        if touched:
            entry.payload = json.dumps(payload, ensure_ascii=False, sort_keys=True)
            changed += 1
    return changed


def _forget_guids(payload: dict, gone: set[str]) -> bool:
    """Replace the withdrawn documents' GUIDs in a log entry's own facts; True if any."""
    touched = False
    for key, value in payload.items():
        if isinstance(value, str) and value in gone:
            payload[key], touched = DELETED, True
        elif isinstance(value, list) and any(v in gone for v in value if isinstance(v, str)):
            payload[key] = [DELETED if isinstance(v, str) and v in gone else v for v in value]
            touched = True
    return touched


def removed_analyses(session: Session, study_id: int) -> int:
    """Return how many of the study's analysis results were removed by withdrawals."""
    return (
        session.scalar(
            select(func.count())
            .select_from(AnalysisJob)
            .where(
                AnalysisJob.study_id == study_id,
                AnalysisJob.status == "failed",
                AnalysisJob.error.startswith(f"{REMOVED_CODE}:"),
            )
        )
        or 0
    )
