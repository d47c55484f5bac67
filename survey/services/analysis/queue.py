"""How an analysis job gets to a worker: RQ on Redis, a thread in the web process, or at once.

The application registers one `Runtime` per database engine when it is built
(`survey.worker.init_jobs`), so a service finds the dispatcher through its own
session and never imports flask. Every dispatcher receives a job's integer id
and nothing else: queues log their arguments, and an id says nothing about
anyone.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, scoped_session

__all__ = [
    "MODES",
    "QUEUE_FUNCTION",
    "InlineDispatcher",
    "JobSettings",
    "RedisDispatcher",
    "Runtime",
    "ThreadDispatcher",
    "engine_of",
    "register",
    "runtime_for",
]

log = logging.getLogger(__name__)

MODES = ("auto", "inline", "thread", "redis")
# What an RQ worker imports and calls with the job's id.
QUEUE_FUNCTION = "survey.worker.run_job"
# RQ retries a job whose worker died this many times (so at most 3 attempts).
RQ_RETRIES = 2

Dispatch = Callable[[int], None]


@dataclass(frozen=True)
class JobSettings:
    """Timings of the job machinery (from HEARD_JOB_* settings)."""

    stale_seconds: float = 300
    heartbeat_seconds: float = 20
    timeout_seconds: int = 1800
    max_attempts: int = 3


class InlineDispatcher:
    """Run the job at once, before `start` returns (tests and `heard demo`)."""

    mode = "inline"

    def __init__(self, run: Dispatch) -> None:
        self._run = run

    def __call__(self, job_id: int) -> None:
        """Run job `job_id` now."""
        self._run(job_id)


class ThreadDispatcher:
    """Run jobs one at a time on a background thread of this process."""

    mode = "thread"

    def __init__(self, run: Dispatch) -> None:
        self._run = run
        self._executor: ThreadPoolExecutor | None = None

    def __call__(self, job_id: int) -> None:
        """Queue job `job_id` for the background thread."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="heard-jobs")
        self._executor.submit(self._run, job_id)

    def wait(self) -> None:
        """Block until every job handed to the thread so far has finished (tests)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


class RedisDispatcher:
    """Put jobs on an RQ queue; `heard worker` processes run them."""

    mode = "redis"

    def __init__(self, url: str, queue_name: str, timeout_seconds: int) -> None:
        self.url = url
        self.queue_name = queue_name
        self.timeout_seconds = timeout_seconds

    def __call__(self, job_id: int) -> None:
        """Enqueue job `job_id`: its integer id is the only argument."""
        from redis import Redis
        from rq import Queue, Retry

        with Redis.from_url(self.url) as connection:  # fork-safe: a connection per call
            Queue(self.queue_name, connection=connection).enqueue(
                QUEUE_FUNCTION,
                int(job_id),
                retry=Retry(max=RQ_RETRIES),
                job_timeout=self.timeout_seconds,
                description=f"analysis job {int(job_id)}",
                result_ttl=3600,
                failure_ttl=7 * 24 * 3600,
            )


@dataclass
class Runtime:
    """What one application uses to run jobs: its dispatcher and timings."""

    dispatch: Dispatch
    settings: JobSettings = field(default_factory=JobSettings)

    @property
    def mode(self) -> str:
        """Return "inline", "thread" or "redis"."""
        return getattr(self.dispatch, "mode", "custom")


_RUNTIMES: weakref.WeakKeyDictionary[Engine, Runtime] = weakref.WeakKeyDictionary()


def engine_of(session: Session) -> Engine:
    """Return the engine `session` talks to."""
    if isinstance(session, scoped_session):
        session = session()
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def register(engine: Engine, runtime: Runtime) -> None:
    """Make `runtime` the way jobs stored through `engine` are run."""
    _RUNTIMES[engine] = runtime


def runtime_for(session: Session) -> Runtime:
    """Return the runtime registered for the database of `session`."""
    runtime = _RUNTIMES.get(engine_of(session))
    if runtime is None:
        raise RuntimeError("No job runner is registered for this database (see create_app).")
    return runtime
