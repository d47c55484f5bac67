"""Where analysis jobs run: the dispatcher `create_app` registers, and RQ's entry point.

`init_jobs(app)` picks how this application runs jobs (``HEARD_JOBS``):
``redis`` (RQ, when ``HEARD_REDIS_URL`` is set: `heard worker` processes run
them), ``thread`` (one background thread per web process) or ``inline`` (at
once; tests and `heard demo`). ``auto`` means redis if a URL is set, else a
thread; under ``TESTING`` it means inline, so tests are deterministic.

`run_job(job_id)` is what an RQ worker calls: it builds the app once per
process and runs the job in an app context. Its only argument is the id.

`rq_worker(app, connection)` is the worker `heard worker` runs: RQ's own,
which also sweeps jobs whose worker stopped (`jobs.sweep`) whenever it does
its maintenance: at start, and about every ``HEARD_JOB_STALE_SECONDS``.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any

from flask import Flask

from survey.extensions import db
from survey.services.analysis import jobs, queue, running

log = logging.getLogger(__name__)

# RQ's default: how long a worker's registration lives without a heartbeat.
RQ_WORKER_TTL = 420

_app: Flask | None = None
_pid = 0


def settings_of(app: Flask) -> queue.JobSettings:
    """Return the job timings configured for `app`."""
    return queue.JobSettings(
        stale_seconds=float(app.config["HEARD_JOB_STALE_SECONDS"]),
        heartbeat_seconds=float(app.config["HEARD_JOB_HEARTBEAT_SECONDS"]),
        timeout_seconds=int(app.config["HEARD_JOB_TIMEOUT_SECONDS"]),
    )


def mode_of(app: Flask) -> str:
    """Return how `app` runs jobs: "inline", "thread" or "redis"."""
    mode = app.config.get("HEARD_JOBS", "auto")
    if mode not in queue.MODES:
        raise ValueError(f"HEARD_JOBS must be one of {', '.join(queue.MODES)}, not {mode!r}")
    if mode == "redis" and not app.config.get("HEARD_REDIS_URL"):
        raise ValueError("HEARD_JOBS is 'redis' but HEARD_REDIS_URL is not set")
    if mode != "auto":
        return mode
    if app.testing:
        return "inline"
    return "redis" if app.config.get("HEARD_REDIS_URL") else "thread"


def runner_for(app: Flask):
    """Return a function that runs a job by id inside an app context of `app`."""
    settings = settings_of(app)

    def run_in_app(job_id: int) -> None:
        with app.app_context():
            try:
                running.run(db.session, job_id, settings)
            finally:
                db.session.remove()

    return run_in_app


def init_jobs(app: Flask) -> queue.Runtime:
    """Register how `app` runs analysis jobs (kept in app.extensions["heard_jobs"])."""
    mode = mode_of(app)
    if mode == "redis":
        dispatch: queue.Dispatch = queue.RedisDispatcher(
            app.config["HEARD_REDIS_URL"],
            app.config["HEARD_JOB_QUEUE"],
            int(app.config["HEARD_JOB_TIMEOUT_SECONDS"]),
        )
    elif mode == "thread":
        dispatch = queue.ThreadDispatcher(runner_for(app))
    else:
        dispatch = queue.InlineDispatcher(runner_for(app))
    runtime = queue.Runtime(dispatch, settings_of(app))
    with app.app_context():
        queue.register(db.engine, runtime)
    app.extensions["heard_jobs"] = runtime
    return runtime


def use_app(app: Flask) -> None:
    """Make `app` the one this worker process runs jobs with (`heard worker` sets it)."""
    global _app, _pid
    _app, _pid = app, os.getpid()


def _current_app() -> Flask:
    """Return this worker process's app (built on first use), fresh connections after a fork."""
    global _pid
    if _app is None:
        from survey import create_app

        use_app(create_app())
    if _pid != os.getpid():  # a forked work horse must not share its parent's connections
        _pid = os.getpid()
        with _app.app_context():
            db.engine.dispose(close=False)
    return _app


def run_job(job_id: int) -> None:
    """Run analysis job `job_id` (RQ calls this; the app is built once per process)."""
    runner_for(_current_app())(int(job_id))


def sweep_stale() -> dict[str, list[int]]:
    """Re-queue or fail the jobs whose worker stopped; return their ids (never raises).

    It runs in the worker's main process, which forks a work horse per job,
    so it gives its database connections back before returning.
    """
    app = _current_app()
    with app.app_context():
        try:
            return jobs.sweep(db.session)
        except Exception as error:  # a sweep that fails is tried again at the next maintenance
            log.warning("sweep of stale analysis jobs failed (%s)", type(error).__name__)
            return {"queued": [], "failed": []}
        finally:
            db.session.remove()
            db.engine.dispose()


@functools.cache
def worker_class() -> type:
    """Return RQ's Worker with the sweep added to its maintenance (rq is imported only here)."""
    from rq import Worker

    class SweepingWorker(Worker):
        """An RQ worker that also moves on the analysis jobs of workers that stopped."""

        def run_maintenance_tasks(self) -> None:
            """Clean RQ's registries, then re-queue or fail jobs with a stale heartbeat."""
            super().run_maintenance_tasks()
            swept = sweep_stale()
            for status, ids in swept.items():
                if ids:  # ids only: a job's id says nothing about anyone
                    self.log.info("Worker %s: analysis jobs %s %s", self.name, ids, status)

    return SweepingWorker


def rq_worker(app: Flask, connection: Any):
    """Return a sweeping RQ worker on `app`'s job queue (`heard worker` runs it)."""
    from rq import Queue

    interval = max(1, int(settings_of(app).stale_seconds))
    # An idle worker blocks on the queue for worker_ttl - 15 s between maintenance checks:
    # keep that near the stale time, so a lost job is swept within about two of them.
    ttl = min(RQ_WORKER_TTL, max(30, interval + 15))
    return worker_class()(
        [Queue(app.config["HEARD_JOB_QUEUE"], connection=connection)],
        connection=connection,
        maintenance_interval=interval,
        worker_ttl=ttl,
    )
