"""The code-suggestion queue: train on a person's codings, then accept or reject each suggestion.

A suggestions job (kind ``suggestions``) trains a classifier on one coder's
codings of one question and stores, per uncoded answer and code, a
`CodeSuggestion` with status ``open``. Nothing is applied to text until the
person accepts: accepting applies the code to the whole answer as their own
coding (`coding.segments.apply_codes`: one coding-log entry, undoable), and
marks the suggestion accepted; rejecting only marks it. A person sees only
the suggestions trained on their own codings; anyone else's are NotFound.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from survey.extensions import write_transaction
from survey.models import AnalysisJob, Code, Coder, CodeSuggestion, CodingDocument, Study, User
from survey.services.analysis import jobs
from survey.services.analysis.corpus import study_corpus
from survey.services.analysis.corpus import text_questions as questions
from survey.services.analysis.explorer import job_params, result_of
from survey.services.coding import segments
from survey.services.coding.coders import coder_for
from survey.services.coding.errors import NotFound

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Suggestion:
    """An open suggestion as the queue shows it: redacted text, code and probability."""

    public_id: str
    document: str
    text: str
    code: str
    probability: float


@dataclass(frozen=True)
class Queue:
    """One person's suggestions for one question: the latest job, its scores and what is open."""

    job: AnalysisJob | None
    result: dict | None
    open: list[Suggestion]


def own_coder_id(session: Session, study: Study, user: User) -> int | None:
    """Return the id of `user`'s coder on `study` without making one (None if never coded)."""
    return session.scalar(
        select(Coder.id).where(Coder.study_id == study.id, Coder.user_id == user.id)
    )


def question_label(session: Session, study: Study, item_id: str) -> str:
    """Return the label of the free-text question `item_id`, or raise NotFound."""
    for question in questions(session, study):
        if question.item_id == item_id:
            return question.label
    raise NotFound(item_id)


def start_training(
    session: Session, study: Study, user: User, item_id: str, threshold: float = DEFAULT_THRESHOLD
) -> AnalysisJob:
    """Start a suggestions job on `user`'s own codings of the question `item_id`."""
    question_label(session, study, item_id)
    coder = coder_for(session, study, user)
    session.commit()  # the coder row, made on first use, is kept
    params = {"item_id": item_id, "coder_id": coder.id, "threshold": threshold}
    return jobs.start(session, study, user, "suggestions", params)


def latest_job(session: Session, study: Study, user: User, item_id: str) -> AnalysisJob | None:
    """Return the newest suggestions job on `user`'s codings of `item_id`, if any."""
    coder_id = own_coder_id(session, study, user)
    if coder_id is None:
        return None
    found = session.scalars(
        select(AnalysisJob)
        .where(AnalysisJob.study_id == study.id, AnalysisJob.kind == "suggestions")
        .order_by(AnalysisJob.created_at.desc(), AnalysisJob.id.desc())
    )
    for job in found:
        params = job_params(job)
        if params.get("coder_id") == coder_id and params.get("item_id") == item_id:
            return job
    return None


def queue(session: Session, study: Study, user: User, item_id: str) -> Queue:
    """Return `user`'s latest suggestions job for `item_id`, its result and open suggestions."""
    job = latest_job(session, study, user, item_id)
    if job is None or job.status != "done":
        return Queue(job, None, [])
    rows = session.execute(
        select(CodeSuggestion, Code.name, CodingDocument.public_id)
        .join(Code, Code.id == CodeSuggestion.code_id)
        .join(CodingDocument, CodingDocument.id == CodeSuggestion.document_id)
        .where(CodeSuggestion.job_id == job.id, CodeSuggestion.status == "open")
        .order_by(CodeSuggestion.probability.desc(), CodeSuggestion.id)
    ).all()
    texts = {}
    if rows:
        texts = {
            d.public_id: d.rendition.text for d in study_corpus(session, study, item_id=item_id)
        }
    found = [
        Suggestion(s.public_id, guid, texts.get(guid, ""), name, s.probability)
        for s, name, guid in rows
        if guid in texts
    ]
    return Queue(job, result_of(session, job), found)


def is_own(session: Session, study: Study, user: User, job: AnalysisJob) -> bool:
    """Return True when the suggestions `job` was trained on `user`'s own codings."""
    coder_id = own_coder_id(session, study, user)
    return coder_id is not None and job_params(job).get("coder_id") == coder_id


def own_suggestion(session: Session, study: Study, user: User, public_id: str) -> CodeSuggestion:
    """Return the suggestion `public_id` if it was trained on `user`'s codings; else NotFound."""
    if not jobs.is_guid(public_id):  # PostgreSQL refuses some text (a NUL) outright: never ask it
        raise NotFound(public_id)
    row = session.execute(
        select(CodeSuggestion, AnalysisJob)
        .join(AnalysisJob, AnalysisJob.id == CodeSuggestion.job_id)
        .where(CodeSuggestion.public_id == public_id, AnalysisJob.study_id == study.id)
    ).first()
    coder_id = own_coder_id(session, study, user)
    if (
        row is None
        or coder_id is None
        or json.loads(row[1].params_json).get("coder_id") != coder_id
    ):
        raise NotFound(public_id)
    return row[0]


def _decide(session: Session, suggestion_id: int, status: str) -> bool:
    """Mark an open suggestion `status`; return False when it was decided already."""
    with write_transaction(session):
        changed = session.execute(
            update(CodeSuggestion)
            .where(CodeSuggestion.id == suggestion_id, CodeSuggestion.status == "open")
            .values(status=status, decided_at=dt.datetime.now(dt.UTC))
        )
    return changed.rowcount == 1


def accept(session: Session, study: Study, user: User, public_id: str) -> bool:
    """Apply the suggested code to the whole answer as `user`'s coding; return False if decided.

    The coding goes through `segments.apply_codes` (one coding-log entry that
    can be undone). Accepting twice applies nothing more: a decided
    suggestion is left alone, and the same span of the same code merges.
    """
    suggestion = own_suggestion(session, study, user, public_id)
    if suggestion.status != "open":
        return False
    document = session.get(CodingDocument, suggestion.document_id)
    code = session.get(Code, suggestion.code_id)
    target = segments.Target(document.public_id, 0, document.length)
    segments.apply_codes(session, user, study, [target], [code.public_id])
    return _decide(session, suggestion.id, "accepted")


def reject(session: Session, study: Study, user: User, public_id: str) -> bool:
    """Mark the suggestion rejected (nothing is applied); return False if it was decided."""
    suggestion = own_suggestion(session, study, user, public_id)
    if suggestion.status != "open":
        return False
    return _decide(session, suggestion.id, "rejected")
