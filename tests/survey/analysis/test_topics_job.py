"""The topics job fits a topic model on the redacted answers and stores shares per document."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from sqlalchemy import select

from analysis.topics import MIN_DOCUMENTS
from survey.extensions import db
from survey.models import AnalysisResult, CodingDocument, DocumentTopics
from survey.services.analysis import jobs
from tests.factories import add_study, tiny_instrument
from tests.survey.analysis.helpers import THEMES, job_row, start, story, text_study
from tests.survey.coding.helpers import respond, sync

KEYS = {
    "kind", "item_id", "method", "n_topics", "seed", "segmenting", "documents", "segments",
    "coherence_mean", "diversity", "topics", "selection", "params",
}  # fmt: skip


def _stored(app, job_id: int) -> tuple[dict, AnalysisResult, list[DocumentTopics]]:
    with app.app_context():
        job = job_row(app, job_id)
        result = jobs.result_of(db.session, db.session.merge(job))
        row = db.session.scalar(select(AnalysisResult).where(AnalysisResult.job_id == job_id))
        shares = list(
            db.session.scalars(select(DocumentTopics).where(DocumentTopics.job_id == job_id))
        )
        db.session.expunge_all()
        return result, row, shares


def test_an_automatic_fit_stores_the_contracted_result_and_a_share_row_per_document(app):
    study_id = text_study(app, 80)
    job_id, _, status = start(app, study_id, "topics", {"item_id": "story", "n_topics": "auto"})
    assert status == "done", job_row(app, job_id).error
    result, row, shares = _stored(app, job_id)
    assert set(result) >= KEYS
    k = result["n_topics"]
    assert row.n_topics == k == len(result["topics"]) == result["selection"]["chosen"]
    assert (row.seed, result["seed"], result["documents"]) == (0, 0, 80)
    assert {"scikit-learn", "nltk", "numpy", "heard"} <= set(json.loads(row.versions_json))
    assert [t["id"] for t in result["topics"]] == list(range(k))
    assert all(0 < len(t["terms"]) <= 10 for t in result["topics"])
    assert len(shares) == 80
    weights = np.array([json.loads(s.weights_json) for s in shares])
    assert weights.shape == (80, k)
    assert np.allclose(weights.sum(axis=1), 1, atol=1e-3)
    assert [s.top_topic for s in shares] == list(weights.argmax(axis=1))
    assert all(s.segments_json == "[]" for s in shares)  # short answers stay whole
    # A topic's prevalence is its mean share over the documents.
    prevalence = [t["prevalence"] for t in result["topics"]]
    assert prevalence == pytest.approx(weights.mean(axis=0).tolist(), abs=1e-3)


def test_the_same_seed_gives_the_same_topics(app):
    study_id = text_study(app, 60)
    params = {"item_id": "story", "n_topics": 4, "seed": 3}
    first, second = (start(app, study_id, "topics", params)[0] for _ in range(2))
    assert _stored(app, first)[0]["topics"] == _stored(app, second)[0]["topics"]
    assert _stored(app, first)[1].seed == 3


def test_too_few_answers_fail_with_the_models_message(app):
    study_id = text_study(app, MIN_DOCUMENTS - 1)
    job_id, _, status = start(app, study_id, "topics", {"item_id": "story", "n_topics": 3})
    assert status == "failed"
    error = job_row(app, job_id).error
    assert error.startswith("topics.") and str(MIN_DOCUMENTS) in error
    assert _rows(app, job_id) == 0


def _rows(app, job_id: int) -> int:
    with app.app_context():
        return len(
            db.session.scalars(select(DocumentTopics).where(DocumentTopics.job_id == job_id)).all()
        )


def _long_answer(rng: random.Random) -> str:
    """Return four paragraphs of about 60 words each, a name in the first."""
    paragraphs = [
        "My name is Amara. " + " ".join(story(rng, theme, 12) for _ in range(5))
        for theme in sorted(THEMES)
    ]
    return "\n\n".join(paragraphs)


def test_long_answers_are_split_and_their_segments_stored_in_raw_offsets(app):
    study_id = add_study(app, tiny_instrument())
    rng = random.Random(1)
    for i in range(40):
        respond(app, study_id, _long_answer(rng) if i < 3 else story(rng, sorted(THEMES)[i % 4]))
    sync(app, study_id)
    job_id, _, status = start(app, study_id, "topics", {"item_id": "story", "n_topics": 4})
    assert status == "done", job_row(app, job_id).error
    with app.app_context():
        rows = db.session.execute(
            select(CodingDocument.text, DocumentTopics.segments_json)
            .join(DocumentTopics, DocumentTopics.document_id == CodingDocument.id)
            .where(DocumentTopics.job_id == job_id)
        ).all()
    split = [(text, json.loads(segments)) for text, segments in rows if segments != "[]"]
    assert len(split) == 3
    for raw, segments in split:
        assert len(segments) >= 2
        ends = [0]
        for start_, end, topic, weight in segments:
            piece = raw[start_:end]
            assert piece and piece == piece.strip() and start_ >= ends[-1]
            assert 0 <= topic < 4 and 0 < weight <= 1
            ends.append(end)
        assert raw[segments[0][0] :].startswith("My name is Amara.")  # raw text, the name kept
        assert ends[-1] == len(raw.rstrip())


def test_a_topic_never_names_a_word_fewer_respondents_than_the_threshold_used(app):
    study_id = text_study(app, 80)
    # Three people (k is 10) write about the same rare place, heavily.
    for i in range(3):
        respond(app, study_id, f"Kettlewick {i}. " + "Kettlewick mill, Kettlewick mill. " * 8)
    sync(app, study_id)
    job_id, _, status = start(app, study_id, "topics", {"item_id": "story", "n_topics": 8})
    assert status == "done", job_row(app, job_id).error
    result, _, _ = _stored(app, job_id)
    terms = {term for topic in result["topics"] for term in topic["terms"]}
    assert "kettlewick" not in terms
    with app.app_context():
        from survey.models import Study
        from survey.services.analysis.corpus import study_corpus

        corpus = study_corpus(db.session, db.session.get(Study, study_id), item_id="story")
    texts = [d.text.lower() for d in corpus]
    for term in terms:  # every shown term is in at least k answers (one case each here)
        assert sum(term in text for text in texts) >= 10, term


def test_a_fit_on_one_language_models_only_the_answers_given_in_it(app):
    from survey.models import Response

    study_id = text_study(app, 80)
    spanish = (
        "Los trabajadores dijeron que no les pagaron por el trabajo y el jefe se quedó con {}."
    )
    spanish_ids = [respond(app, study_id, spanish.format(i)) for i in range(40)]
    with app.app_context():
        for response in db.session.scalars(select(Response).where(Response.id.in_(spanish_ids))):
            response.language = "es"
        db.session.commit()
    sync(app, study_id)
    _, _, mixed = start(app, study_id, "topics", {"item_id": "story", "n_topics": 3})
    job_id, _, status = start(
        app, study_id, "topics", {"item_id": "story", "n_topics": 3, "language": "en"}
    )
    assert mixed == "failed"  # a third of the answers are Spanish: sorted by language
    assert status == "done", job_row(app, job_id).error
    result, _, shares = _stored(app, job_id)
    assert result["documents"] == 80 == len(shares)
    assert result["params"]["language"] == "en"
