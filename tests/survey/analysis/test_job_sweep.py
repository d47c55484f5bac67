"""The sweep: a job whose worker stopped moves on though no page looks at it, and runs once.

`jobs.sweep` is what every `heard worker` runs at start and at each maintenance
(`survey.worker.sweep_stale`). Here the app's dispatcher is inline (the job
runs as soon as it is handed on) or a recorder (to count hand-overs); the
tests with real RQ workers that are killed are in test_jobs_redis.py.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import update

from survey import worker
from survey.extensions import db, write_transaction
from survey.models import AnalysisJob, AnalysisResult, DocumentTopics
from survey.models.staff import now
from survey.services.analysis import jobs, running
from tests.survey.analysis.helpers import derived_rows, job_row, start, text_study
from tests.survey.analysis.test_jobs import SENTINEL, TOPICS, fake_topics


@pytest.fixture
def study_id(app) -> int:
    """A study with 12 free-text answers (each ending with the sentinel word)."""
    return text_study(app, 12, sentinel=SENTINEL)


@pytest.fixture(autouse=True)
def fake(monkeypatch) -> None:
    """Swap the topics computation for the small stand-in of test_jobs.py."""
    monkeypatch.setattr(running, "RUNNERS", dict(running.RUNNERS, topics=fake_topics))


def _recorded(app) -> list[int]:
    """From now on, record the ids handed to the dispatcher instead of running them."""
    ids: list[int] = []
    app.extensions["heard_jobs"].dispatch = ids.append
    return ids


def _left_by_dead_worker(app, job_id: int, *, attempts: int, seconds_ago: float) -> None:
    """Leave the job as a killed worker would: running, its heartbeat `seconds_ago`, no result."""
    with app.app_context(), write_transaction(db.session):
        db.session.execute(
            update(AnalysisJob)
            .where(AnalysisJob.id == job_id)
            .values(
                status="running",
                attempts=attempts,
                progress=40,
                finished_at=None,
                heartbeat_at=now() - dt.timedelta(seconds=seconds_ago),
            )
        )
        for model in (AnalysisResult, DocumentTopics):
            db.session.execute(db.delete(model).where(model.job_id == job_id))


def _sweep(app) -> dict[str, list[int]]:
    with app.app_context():
        try:
            return jobs.sweep(db.session)
        finally:
            db.session.remove()


def _run(app, job_id: int) -> str | None:
    """Deliver the job to a worker once more, as RQ's own retry would."""
    with app.app_context():
        try:
            return running.run(db.session, job_id)
        finally:
            db.session.remove()


def test_a_sweep_runs_a_lost_job_again_to_one_result(app, study_id):
    job_id, _, _ = start(app, study_id, "topics", TOPICS)
    _left_by_dead_worker(app, job_id, attempts=1, seconds_ago=600)

    assert _sweep(app) == {"queued": [job_id], "failed": []}

    job = job_row(app, job_id)  # inline: handed on and run at once
    assert (job.status, job.attempts) == ("done", 2)
    assert derived_rows(app, job_id) == (1, 12, 0)


def test_a_sweep_fails_a_job_whose_worker_stopped_on_every_attempt(app, study_id):
    job_id, _, _ = start(app, study_id, "topics", TOPICS)
    handed = _recorded(app)
    _left_by_dead_worker(app, job_id, attempts=3, seconds_ago=600)

    assert _sweep(app) == {"queued": [], "failed": [job_id]}

    job = job_row(app, job_id)
    assert job.status == "failed" and handed == []
    code, message = jobs.error_of(job)
    assert code == "jobs.worker_lost" and "stopped 3 times" in message
    assert derived_rows(app, job_id) == (0, 0, 0)


def test_a_sweep_leaves_live_finished_and_queued_jobs_alone(app, study_id):
    live, _, _ = start(app, study_id, "topics", TOPICS)
    _left_by_dead_worker(app, live, attempts=1, seconds_ago=5)
    finished, _, _ = start(app, study_id, "topics", TOPICS)
    handed = _recorded(app)
    waiting, _, _ = start(app, study_id, "topics", TOPICS)  # recorded, so still queued

    assert _sweep(app) == {"queued": [], "failed": []}

    assert handed == [waiting]  # from `start` only
    assert [job_row(app, i).status for i in (live, finished, waiting)] == [
        "running",
        "done",
        "queued",
    ]


def test_two_workers_sweeping_hand_a_lost_job_on_once(app, study_id):
    job_id, _, _ = start(app, study_id, "topics", TOPICS)
    handed = _recorded(app)
    _left_by_dead_worker(app, job_id, attempts=1, seconds_ago=600)

    first, second = _sweep(app), _sweep(app)

    assert (first["queued"], second["queued"]) == ([job_id], [])
    assert handed == [job_id]
    assert (job_row(app, job_id).status, job_row(app, job_id).stage) == ("queued", jobs.RESTARTING)


def test_the_sweeps_delivery_and_rqs_own_retry_store_one_result(app, study_id):
    job_id, _, _ = start(app, study_id, "topics", TOPICS)
    handed = _recorded(app)
    _left_by_dead_worker(app, job_id, attempts=1, seconds_ago=600)
    _sweep(app)
    assert handed == [job_id]  # queued again and handed on (recorded, not run, here)

    assert _run(app, job_id) == "done"  # one delivery runs it
    assert _run(app, job_id) is None  # the other finds it done

    job = job_row(app, job_id)
    assert (job.status, job.attempts) == ("done", 2)
    assert derived_rows(app, job_id) == (1, 12, 0)


@pytest.mark.parametrize("attempts", [1, 2, 3])
def test_a_second_delivery_does_not_take_a_job_from_a_live_attempt(app, study_id, attempts):
    job_id, _, _ = start(app, study_id, "topics", TOPICS)
    _left_by_dead_worker(app, job_id, attempts=attempts, seconds_ago=5)

    assert _run(app, job_id) is None

    job = job_row(app, job_id)
    assert (job.status, job.attempts, job.error) == ("running", attempts, None)


def test_a_retry_after_the_heartbeat_went_stale_takes_the_job_over(app, study_id):
    job_id, _, _ = start(app, study_id, "topics", TOPICS)
    _left_by_dead_worker(app, job_id, attempts=1, seconds_ago=600)

    assert _run(app, job_id) == "done"

    assert (job_row(app, job_id).attempts, derived_rows(app, job_id)) == (2, (1, 12, 0))


def test_the_workers_sweep_logs_ids_only_and_survives_a_database_error(
    app, study_id, monkeypatch, caplog
):
    job_id, _, _ = start(app, study_id, "topics", TOPICS)
    _recorded(app)
    _left_by_dead_worker(app, job_id, attempts=1, seconds_ago=600)
    monkeypatch.setattr(worker, "_app", None)  # restored after the test
    monkeypatch.setattr(worker, "_pid", 0)
    worker.use_app(app)

    with caplog.at_level(logging.DEBUG):
        assert worker.sweep_stale() == {"queued": [job_id], "failed": []}

        def broken(session, **kwargs):
            raise RuntimeError(f"cannot reach the database {SENTINEL}")

        monkeypatch.setattr(jobs, "sweep", broken)
        assert worker.sweep_stale() == {"queued": [], "failed": []}

    assert f"analysis job {job_id}" in caplog.text
    assert "sweep of stale analysis jobs failed (RuntimeError)" in caplog.text
    assert SENTINEL.lower() not in caplog.text.lower()
