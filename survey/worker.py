"""Where analysis jobs run: the dispatcher `create_app` registers, and RQ's entry point.

`init_jobs(app)` picks how this application runs jobs (``HEARD_JOBS``):
``redis`` (RQ, when ``HEARD_REDIS_URL`` is set: `heard worker` processes run
them), ``thread`` (one background thread per web process) or ``inline`` (at
once; tests and `heard demo`). ``auto`` means redis if a URL is set, else a
thread; under ``TESTING`` it means inline, so tests are deterministic.

`run_job(job_id)` is what an RQ worker calls: it builds the app once per
process and runs the job in an app context. Its only argument is the id.
"""

from __future__ import annotations

import os

from flask import Flask

from survey.extensions import db
from survey.services.analysis import queue, running

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


def run_job(job_id: int) -> None:
    """Run analysis job `job_id` (RQ calls this; the app is built once per process)."""
    global _pid
    if _app is None:
        from survey import create_app

        use_app(create_app())
    if _pid != os.getpid():  # a forked work horse must not share its parent's connections
        _pid = os.getpid()
        with _app.app_context():
            db.engine.dispose(close=False)
    runner_for(_app)(int(job_id))
