"""A job running while a respondent withdraws never stores a result that read their words."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.extensions import db
from survey.models import (
    AnalysisJob,
    AnalysisResult,
    CodingCase,
    CodingDocument,
    DocumentTopics,
    Study,
)
from survey.services import attempts, responses
from survey.services.analysis import running
from survey.services.analysis.corpus import study_corpus
from tests.survey.analysis.helpers import job_row, start, text_study
from tests.survey.rich_study import PHRASE, SENTINEL, withdrawn_response

TOPICS = {"item_id": "story", "n_topics": 3, "seed": 7}


@pytest.fixture
def study(app) -> tuple[int, str]:
    """12 made-up answers and one to withdraw; return (study id, its document's GUID)."""
    study_id = text_study(app, 12)
    _, case = withdrawn_response(app, study_id)
    with app.app_context():
        guid = db.session.scalar(
            select(CodingDocument.public_id)
            .join(CodingCase, CodingCase.id == CodingDocument.case_id)
            .where(CodingCase.public_id == case)
        )
    return study_id, guid


def _withdraw_now(study_id: int, secret_key: str) -> None:
    """Withdraw the response in a session of its own, as the withdrawal page would."""
    with Session(db.engine) as other:
        study = other.get(Study, study_id)
        responses.withdraw(other, study, PHRASE, attempts.Limits(secret_key=secret_key))


@pytest.fixture
def withdrawing_fit(app, monkeypatch) -> list[list[str]]:
    """A stand-in fit that records what it read; on its first run a respondent withdraws."""
    reads: list[list[str]] = []

    def fit(session, job, params, progress):
        progress(0.5, "pretending to fit")
        documents = study_corpus(session, session.get(Study, job.study_id), item_id="story")
        reads.append([d.public_id for d in documents])
        if len(reads) == 1:  # the withdrawal lands while the job runs
            _withdraw_now(job.study_id, app.config["SECRET_KEY"])
        return running.Output(
            result={"kind": "topics", "read": reads[-1], "params": params},
            versions={"scikit-learn": "test"},
            n_topics=3,
            seed=params["seed"],
            rows=[
                DocumentTopics(document_id=d.id, weights_json="[1, 0, 0]", top_topic=0)
                for d in documents
            ],
        )

    monkeypatch.setattr(running, "RUNNERS", dict(running.RUNNERS, topics=fit))
    return reads


def test_a_job_running_during_a_withdrawal_stores_no_result_that_read_the_words(
    app, study, withdrawing_fit
):
    study_id, guid = study

    job_id, _, status = start(app, study_id, "topics", TOPICS)

    assert status == "done"
    assert guid in withdrawing_fit[0]  # the first run read the withdrawn answer...
    assert len(withdrawing_fit) == 2 and guid not in withdrawing_fit[1]  # ...and was run again
    with app.app_context():
        stored = json.loads(
            db.session.scalar(
                select(AnalysisResult.result_json).where(AnalysisResult.job_id == job_id)
            )
        )
    assert stored["read"] == withdrawing_fit[1]
    assert job_row(app, job_id).attempts == 2


def test_the_job_log_says_it_was_queued_again_without_any_words(
    app, study, withdrawing_fit, caplog
):
    caplog.set_level("INFO", logger="survey.services.analysis.running")

    job_id, _, _ = start(app, study[0], "topics", TOPICS)

    assert f"analysis job {job_id}: a respondent withdrew while it ran; queued again" in caplog.text
    assert SENTINEL not in caplog.text


def test_a_queued_job_reads_only_what_remains(app, study, monkeypatch):
    study_id, guid = study
    _withdraw_now_in_app(app, study_id)
    reads: list[list[str]] = []

    def fit(session, job, params, progress):
        documents = study_corpus(session, session.get(Study, job.study_id), item_id="story")
        reads.append([d.public_id for d in documents])
        return running.Output(result={"kind": "topics"}, versions={}, n_topics=3, seed=0)

    monkeypatch.setattr(running, "RUNNERS", dict(running.RUNNERS, topics=fit))
    job_id, _, status = start(app, study_id, "topics", TOPICS)

    assert status == "done" and reads == [reads[0]] and guid not in reads[0]
    with app.app_context():
        assert db.session.get(AnalysisJob, job_id).error is None


def _withdraw_now_in_app(app, study_id: int) -> None:
    with app.app_context():
        _withdraw_now(study_id, app.config["SECRET_KEY"])
