"""Analysis jobs: checked before they are queued, stored in one transaction, safe to run again.

These tests swap the computation of a job kind (`running.RUNNERS`) for small
stand-ins, so they test the machinery: claiming, progress, failures, crashes
and re-runs. The real computations have their own tests (test_topics_job.py,
test_suggest_job.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading

import pytest
from sqlalchemy import select, update

from survey.extensions import db, write_transaction
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
from survey.services.analysis import jobs, running
from survey.services.analysis.corpus import study_corpus
from tests.factories import make_staff
from tests.survey.analysis.helpers import (
    built_apps,
    count,
    derived_rows,
    document_ids,
    job_row,
    start,
    text_study,
)
from tests.survey.coding.helpers import add_code
from tests.survey.journey import Respondent
from tests.survey.test_journey import answer_everything

SENTINEL = "Zqxwvjentinel"
TOPICS = {"item_id": "story", "n_topics": 3, "seed": 7}


def fake_topics(session, job, params, progress) -> running.Output:
    """Give every document of the study all its weight on topic 0 (what a 1-topic fit would)."""
    progress(0.5, "pretending to fit")
    study = session.get(Study, job.study_id)
    documents = study_corpus(session, study, item_id=params["item_id"])
    rows = [
        DocumentTopics(document_id=d.id, weights_json="[1.0, 0.0, 0.0]", top_topic=0)
        for d in documents
    ]
    return running.Output(
        result={"kind": "topics", "documents": len(documents), "params": params},
        versions={"scikit-learn": "test"},
        n_topics=params["n_topics"],
        seed=params["seed"],
        rows=rows,
    )


@pytest.fixture
def app_with(tmp_path):
    """A maker of apps with extra settings, closed after the test."""
    yield from built_apps(tmp_path)


@pytest.fixture
def study_id(app) -> int:
    """A study with 12 free-text answers."""
    return text_study(app, 12)


@pytest.fixture
def fake(monkeypatch) -> dict:
    """Swap the topics computation for `fake_topics`; the dict lets a test swap it again."""
    runners = dict(running.RUNNERS, topics=fake_topics)
    monkeypatch.setattr(running, "RUNNERS", runners)
    return runners


def test_a_job_runs_and_stores_its_result_with_parameters_k_seed_and_versions(app, study_id, fake):
    job_id, _, status = start(app, study_id, "topics", TOPICS)
    assert status == "done"
    job = job_row(app, job_id)
    assert (job.progress, job.stage, job.attempts, job.error) == (100, "done", 1, None)
    params = json.loads(job.params_json)
    assert params == {**TOPICS, "method": "nmf", "segmenting": "auto"}
    with app.app_context():
        result = db.session.scalar(select(AnalysisResult).where(AnalysisResult.job_id == job_id))
        assert (result.n_topics, result.seed) == (3, 7)
        assert json.loads(result.versions_json) == {"scikit-learn": "test"}
        assert jobs.result_of(db.session, db.session.get(AnalysisJob, job_id))["documents"] == 12
    assert derived_rows(app, job_id) == (1, 12, 0)


@pytest.mark.parametrize(
    ("kind", "params", "code"),
    [
        ("clustering", {}, "jobs.unknown_kind"),
        ("topics", {"item_id": "no_such_item"}, "jobs.unknown_item"),
        ("topics", {"item_id": "contact_kind"}, "jobs.unknown_item"),
        ("topics", {"n_topics": 1}, "jobs.k_out_of_range"),
        ("topics", {"n_topics": 51}, "jobs.k_out_of_range"),
        ("topics", {"n_topics": "many"}, "jobs.k_out_of_range"),
        ("topics", {"n_topics": True}, "jobs.k_out_of_range"),
        ("topics", {"method": "svd"}, "jobs.unknown_method"),
        ("topics", {"seed": -1}, "jobs.bad_seed"),
        ("topics", {"segmenting": "sentences"}, "jobs.unknown_segmenting"),
        ("suggestions", {"item_id": "story", "coder_id": 999}, "jobs.unknown_coder"),
    ],
)
def test_bad_parameters_are_refused_with_a_stable_code_and_nothing_is_queued(
    app, study_id, kind, params, code
):
    with pytest.raises(jobs.JobParamsInvalid) as refused:
        start(app, study_id, kind, params)
    assert refused.value.code == code
    assert str(refused.value)  # a message for a person
    assert count(app, AnalysisJob) == 0


@pytest.mark.parametrize("threshold", [0, -0.1, 1.5, "half", float("nan"), None])
def test_a_suggestion_threshold_must_be_a_probability(app, study_id, threshold):
    from tests.survey.analysis.helpers import coder_id
    from tests.survey.coding.helpers import code_span, coder

    member = coder(app, study_id)
    wages = add_code(app, study_id, "Wages")
    guid = db_guid(app, study_id)
    code_span(app, study_id, member.user_id, guid, 0, 3, wages)
    params = {"item_id": "story", "coder_id": coder_id(app, study_id, member.user_id)}
    with pytest.raises(jobs.JobParamsInvalid) as refused:
        start(app, study_id, "suggestions", {**params, "threshold": threshold})
    assert refused.value.code == "jobs.threshold_out_of_range"


def db_guid(app, study_id: int) -> str:
    """Return the GUID of the study's first document."""
    with app.app_context():
        return db.session.scalar(
            select(CodingDocument.public_id)
            .where(CodingDocument.study_id == study_id)
            .order_by(CodingDocument.id)
        )


def test_a_refusal_by_the_library_fails_the_job_with_its_message(app, study_id, fake):
    from analysis.suggest import SuggestError

    def refuse(session, job, params, progress):
        raise SuggestError("suggest.too_few_coded", "Only 3 coded answers: at least 10 are needed.")

    fake["topics"] = refuse
    job_id, _, status = start(app, study_id, "topics", TOPICS)
    assert status == "failed"
    assert job_row(app, job_id).error == (
        "suggest.too_few_coded: Only 3 coded answers: at least 10 are needed."
    )
    with app.app_context():
        code, message = jobs.error_of(db.session.get(AnalysisJob, job_id))
    assert (code, message) == (
        "suggest.too_few_coded",
        "Only 3 coded answers: at least 10 are needed.",
    )
    assert derived_rows(app, job_id) == (0, 0, 0)


def test_an_unexpected_error_is_reported_by_class_without_its_message_or_the_text(
    app, fake, caplog
):
    study_id = text_study(app, 6, sentinel=SENTINEL)

    def crash(session, job, params, progress):
        study = session.get(Study, job.study_id)
        texts = [d.text for d in study_corpus(session, study)]
        raise KeyError(texts[0])  # an exception whose message quotes an answer

    fake["topics"] = crash
    with caplog.at_level(logging.DEBUG):
        job_id, _, status = start(app, study_id, "topics", TOPICS)
    job = job_row(app, job_id)
    assert status == "failed"
    assert job.error.startswith("jobs.unexpected: ") and "KeyError" in job.error
    assert SENTINEL.lower() not in job.error.lower()
    assert "KeyError" in caplog.text
    assert SENTINEL.lower() not in caplog.text.lower()


def test_an_error_inside_the_final_write_leaves_no_result_and_no_rows(app, study_id, fake):
    def half_bad(session, job, params, progress):
        output = fake_topics(session, job, params, progress)
        first = output.rows[0].document_id  # a second row for one document breaks a unique key
        output.rows.append(DocumentTopics(document_id=first, weights_json="[]"))
        return output

    fake["topics"] = half_bad
    job_id, _, status = start(app, study_id, "topics", TOPICS)
    assert status == "failed"
    assert job_row(app, job_id).status == "failed"
    assert derived_rows(app, job_id) == (0, 0, 0)


@pytest.mark.parametrize("gone", ["document", "code"])
def test_a_document_or_code_deleted_while_the_job_ran_is_left_out_and_the_rest_is_stored(
    app, study_id, fake, gone
):
    code = add_code(app, study_id, "Wages")

    def withdrawn_meanwhile(session, job, params, progress):
        output = fake_topics(session, job, params, progress)
        code_id = session.scalar(select(db.text("id FROM code WHERE public_id = :p")), {"p": code})
        first = output.rows[0].document_id
        output.rows += [CodeSuggestion(document_id=first, code_id=code_id, probability=0.9)]
        with write_transaction(session):  # a withdrawal (or a code deleted) lands now
            model, row_id = (CodingDocument, first) if gone == "document" else (Code, code_id)
            session.execute(db.delete(model).where(model.id == row_id))
        return output

    fake["topics"] = withdrawn_meanwhile
    job_id, _, status = start(app, study_id, "topics", TOPICS)

    assert status == "done"
    assert derived_rows(app, job_id) == ((1, 11, 0) if gone == "document" else (1, 12, 0))


def _crash(app, job_id: int, *, attempts: int, minutes_ago: int) -> None:
    """Leave the job as a worker that died mid-run would: running, an old heartbeat."""
    with app.app_context(), write_transaction(db.session):
        db.session.execute(
            update(AnalysisJob)
            .where(AnalysisJob.id == job_id)
            .values(
                status="running",
                attempts=attempts,
                progress=40,
                heartbeat_at=now() - dt.timedelta(minutes=minutes_ago),
            )
        )
        for model in (AnalysisResult, DocumentTopics):
            db.session.execute(db.delete(model).where(model.job_id == job_id))


def _look(app, study_id: int, public_id: str) -> AnalysisJob:
    with app.app_context():
        study = db.session.get(Study, study_id)
        job = jobs.job_for(db.session, study, public_id)
        db.session.expunge(job)
        return job


def test_a_job_whose_worker_died_is_run_again_and_stores_exactly_one_result(app, study_id, fake):
    job_id, public_id, _ = start(app, study_id, "topics", TOPICS)
    _crash(app, job_id, attempts=1, minutes_ago=10)
    # A stray row from the dead attempt must not survive next to the new ones.
    with app.app_context(), write_transaction(db.session):
        db.session.add(
            DocumentTopics(
                job_id=job_id,
                document_id=document_ids(app, study_id)[0],
                weights_json="[0.5, 0.5, 0]",
            )
        )
    assert job_row(app, job_id).status == "running"

    job = _look(app, study_id, public_id)  # a page looks: the job is re-queued and (inline) run

    assert (job.status, job.attempts) == ("done", 2)
    assert derived_rows(app, job_id) == (1, 12, 0)
    assert count(app, DocumentTopics, job_id=job_id, top_topic=0) == 12


def test_a_running_job_with_a_fresh_heartbeat_is_left_alone(app, study_id, fake):
    job_id, public_id, _ = start(app, study_id, "topics", TOPICS)
    _crash(app, job_id, attempts=1, minutes_ago=1)
    assert _look(app, study_id, public_id).status == "running"


def test_a_job_whose_worker_died_three_times_is_reported_failed(app, study_id, fake):
    job_id, public_id, _ = start(app, study_id, "topics", TOPICS)
    _crash(app, job_id, attempts=3, minutes_ago=10)
    job = _look(app, study_id, public_id)
    assert job.status == "failed"
    assert job.error.startswith("jobs.worker_lost: ") and "start it again" in job.error
    assert derived_rows(app, job_id) == (0, 0, 0)


def test_running_a_finished_job_again_changes_nothing(app, study_id, fake):
    job_id, _, _ = start(app, study_id, "topics", TOPICS)
    before = job_row(app, job_id)
    with app.app_context():
        assert running.run(db.session, job_id) is None
    after = job_row(app, job_id)
    assert (after.status, after.attempts, after.finished_at) == (
        before.status,
        before.attempts,
        before.finished_at,
    )
    assert derived_rows(app, job_id) == (1, 12, 0)


def test_an_attempt_taken_over_by_another_worker_writes_nothing(app, study_id, fake):
    def overtaken(session, job, params, progress):
        output = fake_topics(session, job, params, progress)
        # Meanwhile the job was given up for dead and claimed by another worker.
        with write_transaction(session):
            session.execute(update(AnalysisJob).where(AnalysisJob.id == job.id).values(attempts=2))
        return output

    fake["topics"] = overtaken
    job_id, _, status = start(app, study_id, "topics", TOPICS)
    assert status == "running"  # still the other attempt's
    assert derived_rows(app, job_id) == (0, 0, 0)


def test_jobs_of_another_study_are_not_found(app, study_id, fake):
    _, public_id, _ = start(app, study_id, "topics", TOPICS)
    other = text_study_other(app)
    with app.app_context(), pytest.raises(jobs.JobNotFound):
        jobs.job_for(db.session, db.session.get(Study, other), public_id)


def text_study_other(app) -> int:
    """Create a second, empty study."""
    from tests.factories import add_study, tiny_instrument

    return add_study(app, tiny_instrument(), slug="other")


def test_a_queue_that_cannot_be_reached_fails_the_job_clearly(app_with, fake):
    app = app_with(HEARD_JOBS="redis", HEARD_REDIS_URL="redis://127.0.0.1:1/0")
    study_id = text_study(app, 3)
    with pytest.raises(jobs.JobQueueUnavailable) as refused:
        start(app, study_id, "topics", TOPICS)
    assert refused.value.code == "jobs.queue_unavailable"
    [job] = all_jobs(app)
    assert job.status == "failed" and "queue cannot be reached" in job.error


def all_jobs(app) -> list[AnalysisJob]:
    """Return every job row."""
    with app.app_context():
        found = list(db.session.scalars(select(AnalysisJob)))
        db.session.expunge_all()
        return found


def test_in_thread_mode_the_page_sees_the_job_running_then_its_result(app_with, monkeypatch):
    app = app_with(HEARD_JOBS="thread")
    study_id = text_study(app, 12)
    reached, release = threading.Event(), threading.Event()

    def slow(session, job, params, progress):
        progress(0.3, "fitting k=3")
        reached.set()
        assert release.wait(30)
        return fake_topics(session, job, params, progress)

    monkeypatch.setattr(running, "RUNNERS", dict(running.RUNNERS, topics=slow))
    job_id, public_id, status = start(app, study_id, "topics", TOPICS)
    assert status == "queued"  # start returns at once
    assert reached.wait(30)
    seen = _look(app, study_id, public_id)
    assert (seen.status, seen.progress, seen.stage) == ("running", 30, "fitting k=3")
    release.set()
    app.extensions["heard_jobs"].dispatch.wait()
    assert _look(app, study_id, public_id).status == "done"
    assert derived_rows(app, job_id) == (1, 12, 0)


def test_withdrawing_a_response_removes_the_result_of_a_fit_that_read_it(app, client, fake):
    from tests.factories import add_study

    study_id = add_study(app)
    person = Respondent(client, "tiny")
    person.begin()
    answer_everything(person)
    person.submit()
    phrase = person.phrase()
    from tests.survey.coding.helpers import respond, sync

    for text in ("Another answer about wages.", "A third answer about papers."):
        respond(app, study_id, text)
    sync(app, study_id)
    code = add_code(app, study_id, "Wages")

    def with_suggestions(session, job, params, progress):
        output = fake_topics(session, job, params, progress)
        code_id = session.scalar(select(db.text("id FROM code WHERE public_id = :p")), {"p": code})
        output.rows += [
            CodeSuggestion(document_id=row.document_id, code_id=code_id, probability=0.9)
            for row in list(output.rows)
        ]
        return output

    fake["topics"] = with_suggestions
    job_id, _, _ = start(app, study_id, "topics", TOPICS)
    assert derived_rows(app, job_id) == (1, 3, 3)
    make_staff(app, "admin")

    other = Respondent(app.test_client(), "tiny")
    other.get("/s/tiny/withdraw")
    other.post(data={"phrase": phrase, "confirm": "yes"})

    assert "Your answers are deleted" in other.html
    assert derived_rows(app, job_id) == (0, 0, 0)  # the whole fit read their words
    job = job_row(app, job_id)
    assert (job.status, job.error.split(":")[0]) == ("failed", "jobs.withdrawn")


def test_in_thread_mode_a_job_whose_process_ended_before_running_it_is_handed_over_again(
    app_with, fake
):
    app = app_with(HEARD_JOBS="thread", HEARD_JOB_STALE_SECONDS=60)
    study_id = text_study(app, 12)
    with app.app_context(), write_transaction(db.session):
        job = AnalysisJob(
            study_id=study_id,
            kind="topics",
            params_json=json.dumps({**TOPICS, "item_id": "story", "seed": 0, "segmenting": "auto"}),
            created_at=now() - dt.timedelta(minutes=5),
        )
        db.session.add(job)  # queued by a process that ended: no thread has it
        db.session.flush()
        job_id, public_id = job.id, job.public_id

    assert _look(app, study_id, public_id).status in ("queued", "running", "done")
    app.extensions["heard_jobs"].dispatch.wait()
    assert _look(app, study_id, public_id).status == "done"
    assert derived_rows(app, job_id)[0] == 1
