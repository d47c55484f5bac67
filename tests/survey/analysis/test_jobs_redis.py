"""Analysis jobs on a real Redis with RQ workers: ids only on the queue, no text in logs, crashes.

Redis is at HEARD_TEST_REDIS_URL (default redis://127.0.0.1:6379/0). Without it
these tests skip, saying why, except in CI (HEARD_REQUIRE_SERVICES=1), where a
missing Redis fails them. Each test uses its own queue name and removes its keys.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from survey import worker
from survey.extensions import db
from survey.models import AnalysisJob, CodeSuggestion, Study
from survey.services.analysis import jobs, running
from tests.conftest import REPO, database_url
from tests.survey.analysis.helpers import (
    built_apps,
    coder_id,
    derived_rows,
    documents_by_theme,
    job_row,
    start,
    text_study,
)
from tests.survey.analysis.test_jobs import SENTINEL, TOPICS, fake_topics
from tests.survey.coding.helpers import add_code, code_span, coder

REDIS_URL = os.environ.get("HEARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
HEARD = Path(sys.executable).parent / "heard"


@pytest.fixture
def redis_url() -> str:
    """The test Redis, or a skip (a failure in CI) saying why there is none."""
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        with Redis.from_url(REDIS_URL, socket_connect_timeout=2) as connection:
            connection.ping()
    except RedisError as error:
        reason = f"no Redis answers at {REDIS_URL} ({type(error).__name__})"
        if os.environ.get("HEARD_REQUIRE_SERVICES") == "1":
            pytest.fail(f"HEARD_REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(reason)
    return REDIS_URL


@pytest.fixture
def queue_name(redis_url):
    """A queue of this test's own; its keys and jobs are deleted afterwards."""
    from redis import Redis
    from rq import Queue

    name = f"heard-test-{uuid.uuid4().hex[:12]}"
    yield name
    connection = Redis.from_url(redis_url)
    queue = Queue(name, connection=connection)
    registries = (
        queue.started_job_registry,
        queue.failed_job_registry,
        queue.finished_job_registry,
        queue.deferred_job_registry,
        queue.scheduled_job_registry,
        queue.canceled_job_registry,
    )
    ids = set(queue.job_ids).union(*(registry.get_job_ids() for registry in registries))
    for job_id in ids:
        connection.delete(f"rq:job:{job_id}", f"rq:results:{job_id}", f"rq:executions:{job_id}")
    queue.delete(delete_jobs=True)
    for key in connection.scan_iter(f"*{name}*"):
        connection.delete(key)
    connection.close()


@pytest.fixture
def redis_app(tmp_path, redis_url, queue_name):
    """An app that queues jobs on this test's Redis queue (a stale heartbeat after 1 s)."""
    for build in built_apps(tmp_path):
        yield build(
            HEARD_JOBS="redis",
            HEARD_REDIS_URL=redis_url,
            HEARD_JOB_QUEUE=queue_name,
            HEARD_JOB_STALE_SECONDS=1,
        )


def _environment(tmp_path, redis_url: str, queue_name: str, **extra: str) -> dict[str, str]:
    """Return the environment of a `heard worker` subprocess on the test's database and queue."""
    return {
        **os.environ,
        "HEARD_DATABASE_URL": database_url(tmp_path),
        "HEARD_REDIS_URL": redis_url,
        "HEARD_JOB_QUEUE": queue_name,
        "HEARD_SECRET_KEY": "test-secret-key",
        "HEARD_INSTANCE_PATH": str(tmp_path / "worker-instance"),
        # The worker opens the web app's sealed texts with the same master key.
        "HEARD_DATA_KEY": (tmp_path / "instance" / "data_key").read_text().strip(),
        "HEARD_JOB_HEARTBEAT_SECONDS": "0.2",
        "HEARD_JOB_STALE_SECONDS": "1",  # as the app's (`redis_app`): the workers sweep with it
        **extra,
    }


def _rq_jobs(redis_url: str, queue_name: str):
    from redis import Redis
    from rq import Queue

    with Redis.from_url(redis_url) as connection:
        return Queue(queue_name, connection=connection).get_jobs()


def test_the_queue_carries_the_job_id_only(redis_app, redis_url, queue_name, monkeypatch):
    monkeypatch.setattr(running, "RUNNERS", dict(running.RUNNERS, topics=fake_topics))
    study_id = text_study(redis_app, 5, sentinel=SENTINEL)
    job_id, _, status = start(redis_app, study_id, "topics", TOPICS)
    assert status == "queued"
    [queued] = _rq_jobs(redis_url, queue_name)
    assert queued.func_name == "survey.worker.run_job"
    assert queued.args == (job_id,) and queued.kwargs == {}
    assert SENTINEL.lower() not in repr(queued.to_dict()).lower()


def test_an_rq_worker_runs_the_job_and_logs_no_text(
    redis_app, redis_url, queue_name, monkeypatch, caplog
):
    from redis import Redis
    from rq import Queue, SimpleWorker

    study_id = text_study(redis_app, 5, sentinel=SENTINEL)

    monkeypatch.setattr(running, "RUNNERS", dict(running.RUNNERS, topics=fake_topics))
    job_id, _, _ = start(redis_app, study_id, "topics", TOPICS)
    monkeypatch.setattr(worker, "_app", None)  # restored after the test
    monkeypatch.setattr(worker, "_pid", 0)
    worker.use_app(redis_app)
    connection = Redis.from_url(redis_url)
    with caplog.at_level(logging.DEBUG):
        SimpleWorker([Queue(queue_name, connection=connection)], connection=connection).work(
            burst=True
        )
    connection.close()
    assert job_row(redis_app, job_id).status == "done"
    assert derived_rows(redis_app, job_id) == (1, 5, 0)
    assert "analysis job" in caplog.text  # the logs were captured
    assert SENTINEL.lower() not in caplog.text.lower()


def _coded_study(app) -> tuple[int, int]:
    """Return (study id, coder id): 40 answers, 8 each of three themes coded with its code."""
    study_id = text_study(app, 40, sentinel=SENTINEL)
    member = coder(app, study_id)
    by_theme = documents_by_theme(app, study_id, 40)
    for theme in ("wages", "papers", "police"):
        code = add_code(app, study_id, theme.capitalize())
        for guid in by_theme[theme][:8]:
            code_span(app, study_id, member.user_id, guid, 0, 5, code)
    return study_id, coder_id(app, study_id, member.user_id)


def test_heard_worker_burst_runs_a_suggestions_job_and_prints_no_text(
    tmp_path, redis_app, redis_url, queue_name
):
    study_id, coder = _coded_study(redis_app)
    params = {"item_id": "story", "coder_id": coder, "threshold": 0.5}
    job_id, _, _ = start(redis_app, study_id, "suggestions", params)
    finished = subprocess.run(
        [str(HEARD), "worker", "--burst"],
        env=_environment(tmp_path, redis_url, queue_name),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = finished.stdout + finished.stderr
    assert finished.returncode == 0, output[-2000:]
    job = job_row(redis_app, job_id)
    assert job.status == "done", job.error
    assert f"analysis job {job_id}" in output  # RQ logged the job: by its id only
    assert SENTINEL.lower() not in output.lower()
    with redis_app.app_context():
        suggested = db.session.scalar(
            select(db.func.count())
            .select_from(CodeSuggestion)
            .where(CodeSuggestion.job_id == job_id)
        )
    assert suggested > 0


def _wait_for(predicate, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _descendants(pid: int) -> list[int]:
    """Return the ids of every process under `pid` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in map(int, children):
            found += [child, *_descendants(child)]
    return found


def _kill_all(pid: int) -> None:
    """SIGKILL `pid` and every process under it, as a power cut or the OOM killer would."""
    for victim in [*_descendants(pid), pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)


def _slow_worker(
    tmp_path, redis_url, queue_name, seconds: float, output: Path | None = None
) -> subprocess.Popen:
    """Start `heard worker --burst` with a topics stand-in taking `seconds`; output to a file."""
    sink = open(output, "w") if output else subprocess.DEVNULL  # noqa: SIM115 (closed by the child)
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.survey.analysis.slow_worker"],
            cwd=REPO,
            env=_environment(tmp_path, redis_url, queue_name, HEARD_TEST_SLOW_SECONDS=str(seconds)),
            stdout=sink,
            stderr=subprocess.STDOUT if output else subprocess.DEVNULL,
            start_new_session=True,
        )
    finally:
        if output:
            sink.close()


def _state(job: AnalysisJob) -> tuple[str, int, int]:
    return job.status, job.attempts, job.progress


def _killed_mid_job(tmp_path, redis_url, queue_name, redis_app, job_id: int, attempt: int) -> None:
    """Start a worker, let it reach the middle of `attempt` of the job, then SIGKILL it all."""
    doomed = _slow_worker(tmp_path, redis_url, queue_name, seconds=120)
    try:
        _wait_for(lambda: _state(job_row(redis_app, job_id)) == ("running", attempt, 10))
    finally:
        _kill_all(doomed.pid)  # the worker and its work horse (RQ gives it its own group)
        doomed.wait(30)
    assert derived_rows(redis_app, job_id) == (0, 0, 0)  # nothing half-written
    time.sleep(1.5)  # the heartbeat goes stale (HEARD_JOB_STALE_SECONDS=1)


def test_a_worker_killed_mid_job_leaves_no_half_result_and_the_job_is_run_again_once(
    tmp_path, redis_app, redis_url, queue_name
):
    study_id = text_study(redis_app, 6)
    job_id, public_id, _ = start(redis_app, study_id, "topics", TOPICS)
    doomed = _slow_worker(tmp_path, redis_url, queue_name, seconds=120)
    try:
        _wait_for(lambda: job_row(redis_app, job_id).progress == 10)
    finally:
        _kill_all(doomed.pid)  # the worker and its work horse (RQ gives it its own group)
        doomed.wait(30)
    assert job_row(redis_app, job_id).status == "running"
    assert derived_rows(redis_app, job_id) == (0, 0, 0)

    time.sleep(1.5)  # the heartbeat goes stale (HEARD_JOB_STALE_SECONDS=1)
    with redis_app.app_context():
        seen = jobs.job_for(db.session, db.session.get(Study, study_id), public_id)
        assert (seen.status, seen.stage) == ("queued", jobs.RESTARTING)
    again = _slow_worker(tmp_path, redis_url, queue_name, seconds=0)
    assert again.wait(120) == 0

    job = job_row(redis_app, job_id)
    assert (job.status, job.attempts) == ("done", 2)
    assert derived_rows(redis_app, job_id) == (1, 6, 0)
    with redis_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(AnalysisJob)) == 1


def _rq_retries_the_abandoned_executions(redis_url: str, queue_name: str) -> int:
    """Make RQ treat every execution a killed worker left as expired; return how many it re-queued.

    RQ's maintenance does this by itself a minute or so after the kill; the
    timestamp from the future brings that moment forward.
    """
    from redis import Redis
    from rq import Queue

    with Redis.from_url(redis_url) as connection:
        rq_queue = Queue(queue_name, connection=connection)
        before = rq_queue.count
        rq_queue.started_job_registry.cleanup(timestamp=time.time() + 24 * 3600)
        return rq_queue.count - before


def test_a_fresh_worker_runs_a_killed_workers_job_again_though_no_page_looks(
    tmp_path, redis_app, redis_url, queue_name
):
    study_id = text_study(redis_app, 6, sentinel=SENTINEL)
    job_id, _, _ = start(redis_app, study_id, "topics", TOPICS)
    _killed_mid_job(tmp_path, redis_url, queue_name, redis_app, job_id, attempt=1)
    assert job_row(redis_app, job_id).status == "running"  # nobody has looked

    output = tmp_path / "sweeping-worker.log"
    fresh = _slow_worker(tmp_path, redis_url, queue_name, seconds=0, output=output)
    assert fresh.wait(120) == 0, output.read_text()[-2000:]

    job = job_row(redis_app, job_id)
    assert (job.status, job.attempts) == ("done", 2)
    assert derived_rows(redis_app, job_id) == (1, 6, 0)
    logged = output.read_text()
    assert f"analysis jobs [{job_id}] queued" in logged  # the sweep said what it did, by id
    assert SENTINEL.lower() not in logged.lower()

    # RQ's own retry of the killed execution is a second delivery: it finds the job done.
    assert _rq_retries_the_abandoned_executions(redis_url, queue_name) == 1
    again = _slow_worker(tmp_path, redis_url, queue_name, seconds=0)
    assert again.wait(120) == 0
    assert _rq_jobs(redis_url, queue_name) == []  # the retry was taken and ran
    job = job_row(redis_app, job_id)
    assert (job.status, job.attempts) == ("done", 2)
    assert derived_rows(redis_app, job_id) == (1, 6, 0)


def test_a_job_whose_worker_is_killed_on_every_attempt_ends_failed_with_no_result(
    tmp_path, redis_app, redis_url, queue_name
):
    study_id = text_study(redis_app, 6)
    job_id, _, _ = start(redis_app, study_id, "topics", TOPICS)
    for attempt in (1, 2, 3):  # from the second on, the sweep of the next worker re-queues it
        _killed_mid_job(tmp_path, redis_url, queue_name, redis_app, job_id, attempt)

    last = _slow_worker(tmp_path, redis_url, queue_name, seconds=0)
    assert last.wait(120) == 0

    job = job_row(redis_app, job_id)
    assert (job.status, job.attempts) == ("failed", 3)
    code, message = jobs.error_of(job)
    assert code == "jobs.worker_lost"
    assert message == running.GAVE_UP.format(n=3)
    assert derived_rows(redis_app, job_id) == (0, 0, 0)
