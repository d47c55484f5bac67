"""Run one analysis job by id: claim it, compute, store everything in one transaction.

A worker (RQ, the web process's thread, or `heard demo`) calls `run` with the
job's id. `run` claims the job by bumping its attempt number; that number is
the claim's token, and every later write (progress, heartbeat, the result)
only lands while the job is still this attempt's. So a worker that was given
up for dead and wakes up again cannot overwrite the attempt that replaced it,
and a result is written at most once: with the status `done`, in the same
transaction, or not at all.

A claim takes a job that is `queued`, or `running` with a stale heartbeat
(its worker is gone), never one a live attempt holds: RQ's own retry and the
sweep that re-queues a lost job may both deliver it, and the second delivery
finds it taken (or done) and does nothing.

Logs name jobs by id and errors by class: never a respondent's words, and
never an exception's message, which could quote them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from survey.extensions import write_transaction
from survey.models import (
    AnalysisJob,
    AnalysisResult,
    Code,
    CodeSuggestion,
    CodingDocument,
    DocumentTopics,
    Study,
)
from survey.models.staff import now
from survey.services.analysis.job_params import JobError
from survey.services.analysis.queue import JobSettings, engine_of, runtime_for

__all__ = ["RUNNERS", "Output", "Progress", "run"]

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
UNEXPECTED = (
    "The analysis stopped on an unexpected error ({name}); try again, or tell an administrator."
)
GAVE_UP = "The worker stopped {n} times before the analysis finished; start it again."
WITHDRAWN_MEANWHILE = "restarting: a respondent withdrew while it ran"


@dataclass
class Output:
    """What a job computed: the result JSON, reproducibility facts, and its per-document rows."""

    result: dict[str, Any]
    versions: dict[str, str]
    n_topics: int | None = None
    seed: int | None = None
    rows: list[Any] = field(default_factory=list)


Runner = Callable[[Session, AnalysisJob, dict[str, Any], Progress], Output]


def _topics(session, job, params, progress) -> Output:
    from survey.services.analysis import topics_job

    return topics_job.compute(session, job, params, progress)


def _suggestions(session, job, params, progress) -> Output:
    from survey.services.analysis import suggest_job

    return suggest_job.compute(session, job, params, progress)


# kind -> computation; imported lazily so the web process loads scikit-learn only to run one.
RUNNERS: dict[str, Runner] = {"topics": _topics, "suggestions": _suggestions}


class Superseded(Exception):
    """Another attempt has taken this job over (or it was finished): stop quietly."""


class WithdrawnMeanwhile(Exception):
    """A respondent withdrew while the job ran: its output may hold their words."""


def _guarded(job_id: int, token: int):
    """Return an UPDATE of job `job_id` that only touches the attempt `token` while running."""
    return (
        update(AnalysisJob)
        .where(
            AnalysisJob.id == job_id, AnalysisJob.attempts == token, AnalysisJob.status == "running"
        )
        .execution_options(synchronize_session=False)
    )


class _Reporter:
    """Write progress and heartbeats in short transactions of their own, so pages see them."""

    def __init__(self, session: Session, job_id: int, token: int, settings: JobSettings) -> None:
        self.engine = engine_of(session)
        self.job_id, self.token, self.settings = job_id, token, settings
        self._stop = threading.Event()
        self._last = 0.0
        self._beat = threading.Thread(
            target=self._beating, name=f"heard-beat-{job_id}", daemon=True
        )

    def _write(self, **values: Any) -> bool:
        with Session(self.engine) as own, write_transaction(own):
            changed = own.execute(
                _guarded(self.job_id, self.token).values(heartbeat_at=now(), **values)
            )
            return changed.rowcount == 1

    def __call__(self, fraction: float, stage: str) -> None:
        """Record `fraction` (0..1) done and the stage name; raise Superseded if taken over."""
        if time.monotonic() - self._last < 0.2 and fraction < 1:
            return
        self._last = time.monotonic()
        percent = max(0, min(99, int(fraction * 100)))
        if not self._write(progress=percent, stage=str(stage)[:80]):
            raise Superseded

    def _beating(self) -> None:
        while not self._stop.wait(self.settings.heartbeat_seconds):
            try:
                self._write()
            except Exception as error:  # a missed beat is not fatal; the next one may land
                log.warning(
                    "analysis job %d: heartbeat failed (%s)", self.job_id, type(error).__name__
                )

    def __enter__(self) -> _Reporter:
        self._beat.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._beat.join()


def _claim(
    session: Session, job_id: int, settings: JobSettings
) -> tuple[int, AnalysisJob, int] | None:
    """Mark the job running as a new attempt; return (token, job, withdrawals), or None.

    Only a queued job, or a running one whose worker is gone (a stale
    heartbeat), can be claimed. `withdrawals` is the study's withdrawal
    counter as the attempt starts: `_finish` stores nothing if it has changed
    since (`services.withdrawal`).
    """
    with write_transaction(session):
        moment = now()
        claimed = session.execute(
            update(AnalysisJob)
            .where(
                AnalysisJob.id == job_id,
                _claimable(settings),
                AnalysisJob.attempts < settings.max_attempts,
            )
            .values(
                status="running",
                attempts=AnalysisJob.attempts + 1,
                started_at=moment,
                heartbeat_at=moment,
                progress=0,
                stage="starting",
                error=None,
            )
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # attempts used up by workers that died: say so
            session.execute(
                update(AnalysisJob)
                .where(
                    AnalysisJob.id == job_id,
                    _claimable(settings),
                    AnalysisJob.attempts >= settings.max_attempts,
                )
                .values(
                    status="failed",
                    finished_at=moment,
                    error=f"jobs.gave_up: {GAVE_UP.format(n=settings.max_attempts)}"[:300],
                )
                .execution_options(synchronize_session=False)
            )
        job = session.get(AnalysisJob, job_id, populate_existing=True)
        if job is None or claimed.rowcount != 1:
            return None
        return job.attempts, job, _withdrawals(session, job.study_id)


def _claimable(settings: JobSettings):
    """Return the condition of a job no live attempt holds: queued, or running but lost."""
    lost = and_(AnalysisJob.status == "running", AnalysisJob.heartbeat_at < stale_before(settings))
    return or_(AnalysisJob.status == "queued", lost)


def _withdrawals(session: Session, study_id: int, *, lock: bool = False) -> int | None:
    """Return the study's withdrawal counter (share-locked with `lock`: see `_finish`)."""
    query = select(Study.withdrawn_count).where(Study.id == study_id)
    return session.scalar(query.with_for_update(read=True) if lock else query)


def _finish(
    session: Session, job: AnalysisJob, token: int, output: Output, withdrawals: int
) -> None:
    """Store the result, the derived rows and the status `done` in one transaction.

    Nothing is stored when a respondent withdrew since the attempt started
    (the counter changed): the output may hold their words. The counter is
    read under a share lock, and a withdrawal raises it first thing in its
    transaction, so on PostgreSQL either the withdrawal waits and then finds
    this result to remove, or this waits and sees the new count.
    """
    with write_transaction(session):
        if _withdrawals(session, job.study_id, lock=True) != withdrawals:
            raise WithdrawnMeanwhile
        done = session.execute(
            _guarded(job.id, token).values(
                status="done", progress=100, stage="done", finished_at=now(), heartbeat_at=now()
            )
        )
        if done.rowcount != 1:
            raise Superseded
        for model in (AnalysisResult, DocumentTopics, CodeSuggestion):
            session.execute(delete(model).where(model.job_id == job.id))
        session.add(
            AnalysisResult(
                job_id=job.id,
                result_json=json.dumps(output.result),
                n_topics=output.n_topics,
                seed=output.seed,
                versions_json=json.dumps(output.versions, sort_keys=True),
            )
        )
        for row in _still_there(session, output.rows):
            row.job_id = job.id
            session.add(row)
        session.flush()


def _still_there(session: Session, rows: list[Any]) -> list[Any]:
    """Return the rows whose document (and code) still exist, and keep them until the commit.

    A response withdrawn (or a code deleted) while the job ran takes its
    document away: its rows are left out rather than failing the whole job on
    the foreign key. On PostgreSQL the rows kept are locked (FOR KEY SHARE), so
    they cannot be deleted before this transaction commits; on SQLite the
    write transaction already holds the database.
    """
    kept = {
        "document_id": _existing(session, CodingDocument, {r.document_id for r in rows}),
        "code_id": _existing(session, Code, {r.code_id for r in rows if hasattr(r, "code_id")}),
    }
    return [
        row
        for row in rows
        if all(getattr(row, name) in ids for name, ids in kept.items() if hasattr(row, name))
    ]


def _existing(session: Session, model: type, ids: set[int]) -> set[int]:
    """Return those of `ids` that are rows of `model`, locked against deletion."""
    found: set[int] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        query = select(model.id).where(model.id.in_(wanted[start : start + 500]))
        found.update(session.scalars(query.with_for_update(key_share=True)))
    return found


def _fail(session: Session, job_id: int, token: int, code: str, message: str) -> None:
    """Mark this attempt failed with a message for a person (never text, never a traceback)."""
    session.rollback()
    with write_transaction(session):
        session.execute(
            _guarded(job_id, token).values(
                status="failed", error=f"{code}: {message}"[:300], finished_at=now()
            )
        )


def _known_errors() -> tuple[type[Exception], ...]:
    """Return the library errors whose messages are written for people (and quote no text)."""
    from analysis.segments import SegmentError
    from analysis.suggest import SuggestError
    from analysis.text import TextError

    known: list[type[Exception]] = [JobError, SegmentError, SuggestError, TextError]
    try:
        from analysis.topics import TopicModelError
    except ImportError:  # the topic library is optional until it is installed
        pass
    else:
        known.append(TopicModelError)
    return tuple(known)


def run(session: Session, job_id: int, settings: JobSettings | None = None) -> str | None:
    """Run job `job_id` to the end; return its final status (None if it was not runnable).

    "queued" means a respondent withdrew while it ran: the output was
    discarded and the job handed to the dispatcher again.
    """
    settings = settings or JobSettings()
    claim = _claim(session, job_id, settings)
    if claim is None:
        log.info("analysis job %d: nothing to run", job_id)
        return None
    token, job, withdrawals = claim
    started = time.monotonic()
    log.info("analysis job %d (%s): attempt %d started", job_id, job.kind, token)
    try:
        with _Reporter(session, job_id, token, settings) as progress:
            output = RUNNERS[job.kind](session, job, json.loads(job.params_json), progress)
            session.commit()  # end the read transaction before the write one
            _finish(session, job, token, output, withdrawals)
    except Superseded:
        session.rollback()
        log.info("analysis job %d: attempt %d was superseded", job_id, token)
        return None
    except WithdrawnMeanwhile:
        session.rollback()
        log.info("analysis job %d: a respondent withdrew while it ran; queued again", job_id)
        return _requeue(session, job_id, token)
    except Exception as error:
        if isinstance(error, _known_errors()):
            code = getattr(error, "code", "text.invalid")
            _fail(session, job_id, token, code, str(error))
            log.info("analysis job %d: refused (%s)", job_id, code)
        else:
            _fail(
                session,
                job_id,
                token,
                "jobs.unexpected",
                UNEXPECTED.format(name=type(error).__name__),
            )
            log.error("analysis job %d: failed on %s", job_id, type(error).__name__)
        return "failed"
    log.info("analysis job %d: done in %.1f s", job_id, time.monotonic() - started)
    return "done"


def _requeue(session: Session, job_id: int, token: int) -> str | None:
    """Put this attempt's job back in the queue and hand it to the dispatcher; return "queued"."""
    with write_transaction(session):
        changed = session.execute(
            _guarded(job_id, token).values(
                status="queued", progress=0, stage=WITHDRAWN_MEANWHILE, error=None
            )
        )
    if changed.rowcount != 1:
        return None
    try:
        dispatch = runtime_for(session).dispatch
    except RuntimeError:  # no dispatcher here: a page that looks at the job hands it on
        return "queued"
    dispatch(job_id)
    return "queued"


def stale_before(settings: JobSettings) -> dt.datetime:
    """Return the time before which a running job's heartbeat means its worker is gone."""
    return now() - dt.timedelta(seconds=settings.stale_seconds)


def result_row(session: Session, job_id: int) -> AnalysisResult | None:
    """Return the stored result of job `job_id`, if any."""
    return session.scalar(select(AnalysisResult).where(AnalysisResult.job_id == job_id))
