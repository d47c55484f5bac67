"""Analysis jobs as the pages see them: start one, find it, read its result.

`start` checks the parameters, stores the job (`queued`), commits and hands
its id to the application's dispatcher (RQ on Redis when ``HEARD_REDIS_URL``
is set and `heard worker` runs; a background thread of the web process
otherwise; at once in tests and `heard demo`). `running.run` does the work.

A worker can die mid-job (a deploy, the OOM killer, a power cut). A job still
`running` whose heartbeat is older than ``HEARD_JOB_STALE_SECONDS`` has lost
its worker: with fewer than three attempts it is **re-queued**
("restarting"); after three it is marked **failed** ("the worker stopped;
start it again"). Every `heard worker` looks for such jobs itself (`sweep`,
at start and about every stale time), and so does a page that looks at a job
(`job_for`, `latest`): one rule, `_revive`. RQ also retries a job whose work
horse was killed; whichever delivery comes second finds the job taken or
done (`running._claim`), so a result is stored at most once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from survey.extensions import write_transaction
from survey.models import AnalysisJob, Study, User
from survey.models.staff import now
from survey.services.analysis import queue
from survey.services.analysis.job_params import JobError, JobParamsInvalid, validate
from survey.services.analysis.running import GAVE_UP, result_row, run, stale_before

__all__ = [
    "JobError",
    "JobNotFinished",
    "JobNotFound",
    "JobParamsInvalid",
    "JobQueueUnavailable",
    "error_of",
    "is_guid",
    "job_for",
    "latest",
    "result_of",
    "run",
    "start",
    "sweep",
]

log = logging.getLogger(__name__)

QUEUE_DOWN = (
    "The job queue cannot be reached, so the analysis did not start; tell an administrator."
)
RESTARTING = "restarting: the worker stopped"


class JobNotFound(JobError):
    """No job with that id belongs to the study."""

    def __init__(self) -> None:
        super().__init__("jobs.not_found", "There is no such analysis in this study.")


class JobNotFinished(JobError):
    """The job has no result (yet, or because it failed)."""

    def __init__(self) -> None:
        super().__init__("jobs.not_finished", "This analysis has not finished.")


class JobQueueUnavailable(JobError):
    """Redis did not take the job."""

    def __init__(self) -> None:
        super().__init__("jobs.queue_unavailable", QUEUE_DOWN)


def start(
    session: Session,
    study: Study,
    user: User | None,
    kind: str,
    params: dict[str, Any],
    *,
    wait: bool = False,
) -> AnalysisJob:
    """Check `params`, store a queued `kind` job on `study` and dispatch it; return the job.

    With `wait`, run it here and now, whatever the dispatcher (`heard demo`).
    """
    checked = validate(session, study, kind, params)
    runtime = queue.runtime_for(session)
    with write_transaction(session):
        job = AnalysisJob(
            study_id=study.id,
            kind=kind,
            params_json=json.dumps(checked, sort_keys=True),
            requested_by=user.id if user is not None else None,
            status="queued",
            stage="waiting for a worker",
        )
        session.add(job)
    if wait:
        run(session, job.id, runtime.settings)
    else:
        _dispatch(session, job, runtime)
    if wait or runtime.mode == "inline":
        session.refresh(job)
    return job


def _dispatch(session: Session, job: AnalysisJob, runtime: queue.Runtime) -> None:
    """Hand the job's id to the dispatcher; a queue that is down fails the job, clearly."""
    try:
        runtime.dispatch(job.id)
    except Exception as error:
        if runtime.mode != "redis":
            raise
        import redis

        if not isinstance(error, redis.RedisError):
            raise
        with write_transaction(session):
            job.status, job.finished_at = "failed", now()
            job.error = f"jobs.queue_unavailable: {QUEUE_DOWN}"[:300]
        raise JobQueueUnavailable() from None


def job_for(session: Session, study: Study, public_id: str) -> AnalysisJob:
    """Return the study's job with `public_id` (a lost worker's job restarted or failed)."""
    if not is_guid(public_id):  # PostgreSQL refuses some text (a NUL) outright: never ask it
        raise JobNotFound()
    job = session.scalar(
        select(AnalysisJob).where(
            AnalysisJob.public_id == str(public_id), AnalysisJob.study_id == study.id
        )
    )
    if job is None:
        raise JobNotFound()
    return _checked(session, job)


def is_guid(value: object) -> bool:
    """Say whether `value` is written as a GUID, the shape of every public id of analysis rows."""
    try:
        return str(uuid.UUID(str(value))) == str(value)
    except ValueError:
        return False


def latest(
    session: Session, study: Study, kind: str, *, item_id: str | None = None, done: bool = False
) -> AnalysisJob | None:
    """Return the study's newest `kind` job (on `item_id` if given; only finished if `done`)."""
    query = select(AnalysisJob).where(AnalysisJob.study_id == study.id, AnalysisJob.kind == kind)
    if done:
        query = query.where(AnalysisJob.status == "done")
    jobs = session.scalars(query.order_by(AnalysisJob.id.desc()).limit(200)).all()
    for job in jobs:
        if item_id is None or json.loads(job.params_json).get("item_id") == item_id:
            return _checked(session, job)
    return None


def _checked(session: Session, job: AnalysisJob) -> AnalysisJob:
    """Restart or fail `job` if it is running with a stale heartbeat; return it, fresh."""
    if job.status == "queued":
        return _handed_again(session, job)
    _revive(session, job)
    return job


def sweep(session: Session, *, limit: int = 500) -> dict[str, list[int]]:
    """Re-queue or fail every running job whose worker stopped; return their ids by new status.

    `heard worker` calls this at start and about every stale time, so a job
    whose worker was killed moves on though no page looks at it. Several
    workers may sweep at once: each job is changed (and handed on) by one.
    """
    cutoff = stale_before(queue.runtime_for(session).settings)
    lost = session.scalars(
        select(AnalysisJob.id)
        .where(AnalysisJob.status == "running", AnalysisJob.heartbeat_at < cutoff)
        .order_by(AnalysisJob.id)
        .limit(limit)
    ).all()
    swept: dict[str, list[int]] = {"queued": [], "failed": []}
    for job_id in lost:
        job = session.get(AnalysisJob, job_id, populate_existing=True)
        try:
            outcome = _revive(session, job) if job is not None else None
        except JobQueueUnavailable:  # `_dispatch` has marked it failed, clearly
            outcome = "failed"
        if outcome is not None:
            swept[outcome].append(job_id)
            log.info("analysis job %d: its worker stopped; now %s", job_id, outcome)
    return swept


def _revive(session: Session, job: AnalysisJob) -> str | None:
    """Re-queue and dispatch `job`, or fail it, if it is running with a stale heartbeat.

    Return "queued" or "failed" when this call changed it (and refresh it),
    None when it was not lost or another process changed it first.
    """
    if job.status != "running" or job.heartbeat_at is None:
        return None
    runtime = queue.runtime_for(session)
    cutoff = stale_before(runtime.settings)
    if _naive_utc(job.heartbeat_at) >= cutoff:
        return None
    retry = job.attempts < runtime.settings.max_attempts
    values: dict[str, Any] = (
        {"status": "queued", "stage": RESTARTING, "progress": 0}
        if retry
        else {
            "status": "failed",
            "finished_at": now(),
            "error": f"jobs.worker_lost: {GAVE_UP.format(n=job.attempts)}",
        }
    )
    with write_transaction(session):
        changed = session.execute(
            update(AnalysisJob)
            .where(
                AnalysisJob.id == job.id,
                AnalysisJob.status == "running",
                AnalysisJob.attempts == job.attempts,
                AnalysisJob.heartbeat_at < cutoff,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    if changed.rowcount == 1 and retry:  # only the process that changed it dispatches
        _dispatch(session, job, runtime)
    session.refresh(job)
    return values["status"] if changed.rowcount == 1 else None


def _handed_again(session: Session, job: AnalysisJob) -> AnalysisJob:
    """Hand a job queued in a web process's thread again when it has waited too long.

    The thread lives in one web process: if that process ended (a restart, a
    deploy) before running the job, nothing else would. A job queued longer
    than the stale time is handed to this process's thread, at most once per
    stale time (``heartbeat_at`` marks the hand-over). Running it twice is
    harmless: the second run finds it running or done and does nothing
    (`running._claim`), and only one result is ever stored.
    """
    runtime = queue.runtime_for(session)
    if runtime.mode != "thread":  # RQ keeps its own queue; inline jobs never wait
        return job
    cutoff = stale_before(runtime.settings)
    if _naive_utc(job.heartbeat_at or job.created_at) >= cutoff:
        return job
    waited = or_(
        AnalysisJob.heartbeat_at < cutoff,
        and_(AnalysisJob.heartbeat_at.is_(None), AnalysisJob.created_at < cutoff),
    )
    with write_transaction(session):
        changed = session.execute(
            update(AnalysisJob)
            .where(AnalysisJob.id == job.id, AnalysisJob.status == "queued", waited)
            .values(heartbeat_at=now())
            .execution_options(synchronize_session=False)
        )
    if changed.rowcount == 1:  # only the page that marked it hands it over
        _dispatch(session, job, runtime)
    session.refresh(job)
    return job


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    """Return `moment` as naive UTC, the way `now()` writes it (PostgreSQL reads it back aware)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def error_of(job: AnalysisJob) -> tuple[str, str] | None:
    """Return (code, message) of a failed job, or None."""
    if job.status != "failed" or not job.error:
        return None
    code, _, message = job.error.partition(": ")
    return (code, message) if message else ("jobs.unexpected", code)


def result_of(session: Session, job: AnalysisJob) -> dict[str, Any]:
    """Return the stored result of a finished job, with "versions" of the libraries used."""
    row = result_row(session, job.id) if job.status == "done" else None
    if row is None:
        raise JobNotFinished()
    result = json.loads(row.result_json)
    result["versions"] = json.loads(row.versions_json)
    return result
