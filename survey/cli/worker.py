"""`heard worker`: run analysis jobs from the Redis queue (RQ)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.extensions import db


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run analysis jobs (topic models, code suggestions) queued on HEARD_REDIS_URL."""
    from redis import Redis
    from redis.exceptions import RedisError

    from survey import worker

    url = current_app.config.get("HEARD_REDIS_URL")
    if not url:
        click.echo(
            "Set HEARD_REDIS_URL (such as redis://127.0.0.1:6379/0) to run a worker.", err=True
        )
        sys.exit(2)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    worker.use_app(app)
    db.engine.dispose()  # each job's process opens its own connections
    connection = Redis.from_url(url)
    name = current_app.config["HEARD_JOB_QUEUE"]
    try:
        connection.ping()
    except RedisError as error:
        click.echo(
            f"Redis does not answer at the configured URL ({type(error).__name__}).", err=True
        )
        sys.exit(2)
    click.echo(f"Running analysis jobs from queue {name!r}{' until it is empty' if burst else ''}.")
    # At start and about every stale time, it also re-queues or fails jobs whose worker stopped.
    worker.rq_worker(app, connection).work(burst=burst, logging_level="INFO")
