"""The code-suggestion queue: scores, open suggestions, accept and reject, and whose queue is whose.

Suggestions are inserted directly in the shapes of the contract (a finished
job trained on one person's coder, its result and `CodeSuggestion` rows), so
what the page must show is known; one test trains for real with the inline
job mode.
"""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from lxml import html as lxml_html
from sqlalchemy import func, select

from survey.extensions import db, write_transaction
from survey.models import (
    AnalysisJob,
    AnalysisResult,
    Code,
    CodeSuggestion,
    CodingDocument,
    CodingLogEntry,
    Segment,
    Study,
    User,
)
from survey.services.coding import coders, segments
from tests.factories import csrf_token
from tests.survey.coding.helpers import SLUG, add_code, coder, coding_study, segment_rows

BASE = f"/analysis/{SLUG}/suggestions"
STORIES = (
    "They did not believe me. I was scared of the police.",
    "The officer listened and found me a place to stay.",
    "My boss Peter Wilson kept my passport and my wages.",
)
RESULT = {
    "kind": "suggestions", "item_id": "story", "trained_on": 40, "threshold": 0.5,
    "codes": [{"code_id": 0, "name": "Disbelief", "precision": 0.8, "recall": 0.6,
               "f1": 0.69, "support": 12}],
    "skipped": [{"code_id": 0, "name": "Debt", "reason": "only 2 coded examples; 5 are needed"}],
}  # fmt: skip


def coder_id(app: Flask, study_id: int, user_id: int) -> int:
    """Return the person's coder id on the study, making it."""
    with app.app_context():
        study, user = db.session.get(Study, study_id), db.session.get(User, user_id)
        found = coders.coder_for(db.session, study, user).id
        db.session.commit()
        return found


def add_queue(app: Flask, study_id: int, owner: int, codes: dict[str, str], **job) -> str:
    """Insert a finished suggestions job on coder `owner`, one open suggestion per document."""
    with app.app_context(), write_transaction(db.session):
        row = AnalysisJob(
            study_id=study_id,
            kind="suggestions",
            params_json=json.dumps({"item_id": "story", "coder_id": owner, "threshold": 0.5}),
            status=job.pop("status", "done"),
            **job,
        )
        db.session.add(row)
        db.session.flush()
        db.session.add(AnalysisResult(job_id=row.id, result_json=json.dumps(RESULT)))
        documents = db.session.execute(
            select(CodingDocument.id, CodingDocument.text).where(
                CodingDocument.study_id == study_id
            )
        ).all()
        for document_id, text in documents:
            code = db.session.scalar(select(Code.id).where(Code.public_id == codes[text]))
            probability = 0.9 - list(codes).index(text) / 10  # in the order of `codes`
            db.session.add(
                CodeSuggestion(
                    job_id=row.id, document_id=document_id, code_id=code, probability=probability
                )
            )
        return row.public_id


@pytest.fixture
def queue(app):
    """A study of three answers, a person's finished queue on them, and their signed-in client."""
    study_id = coding_study(app, STORIES, disclosure_threshold=5)
    disbelief, wages = add_code(app, study_id, "Disbelief"), add_code(app, study_id, "Wages")
    person = coder(app, study_id)
    codes = {STORIES[0]: disbelief, STORIES[1]: disbelief, STORIES[2]: wages}
    add_queue(app, study_id, coder_id(app, study_id, person.user_id), codes)
    return study_id, person


def suggestion_ids(app: Flask) -> list[str]:
    """Return the suggestions' public ids, most probable first."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(CodeSuggestion.public_id).order_by(CodeSuggestion.probability.desc())
            )
        )


def post(client, path: str, page: str = f"{BASE}/story"):
    """POST to `path` with the CSRF token of `page`."""
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token})


def statuses(app: Flask) -> list[str]:
    """Return the suggestions' statuses, most probable first."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(CodeSuggestion.status).order_by(CodeSuggestion.probability.desc())
            )
        )


def test_the_queue_shows_scores_skipped_codes_and_open_suggestions_from_redacted_text(app, queue):
    _, person = queue
    response = person.client.get(f"{BASE}/story")
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.get_data(as_text=True))
    score = [c.text_content() for c in tree.xpath("//table[contains(@class,'scores')]//tbody//td")]
    assert score == ["80%", "60%", "0.69", "12"]
    assert (
        "only 2 coded examples; 5 are needed"
        in tree.xpath("//ul[@class='skipped']")[0].text_content()
    )
    items = tree.xpath("//li[@class='suggestion']")
    assert [i.xpath(".//strong")[0].text for i in items] == ["Disbelief", "Disbelief", "Wages"]
    assert [re.search(r"\d+%", i.text_content()).group() for i in items] == ["90%", "80%", "70%"]
    text = " ".join(i.text_content() for i in items)
    assert "Peter" not in text and "[NAME-" in text


def test_accepting_applies_the_code_to_the_whole_answer_once_even_when_posted_twice(app, queue):
    study_id, person = queue
    first = suggestion_ids(app)[0]
    path = f"{BASE}/story/{first}/accept"
    assert post(person.client, path).status_code == 302
    assert post(person.client, path).status_code == 302
    rows = segment_rows(app, study_id)
    assert [(code, start, end) for _, code, _, start, end, _, _ in rows] == [
        ("Disbelief", 0, len(STORIES[0]))
    ]
    assert statuses(app) == ["accepted", "open", "open"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CodingLogEntry)) == 1


def test_an_accepted_suggestion_can_be_undone_like_any_coding(app, queue):
    study_id, person = queue
    post(person.client, f"{BASE}/story/{suggestion_ids(app)[0]}/accept")
    with app.app_context():
        study, user = db.session.get(Study, study_id), db.session.get(User, person.user_id)
        segments.undo_last(db.session, user, study)
        assert db.session.scalar(select(func.count()).select_from(Segment)) == 0


def test_rejecting_applies_nothing_and_leaves_the_queue(app, queue):
    study_id, person = queue
    response = post(person.client, f"{BASE}/story/{suggestion_ids(app)[1]}/reject")
    assert response.status_code == 302
    assert segment_rows(app, study_id) == []
    assert statuses(app) == ["open", "rejected", "open"]
    after = person.client.get(f"{BASE}/story").get_data(as_text=True)
    assert after.count('class="suggestion"') == 2


def test_nothing_is_applied_by_showing_or_training(app, queue):
    study_id, person = queue
    person.client.get(f"{BASE}/story")
    assert segment_rows(app, study_id) == []


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_someone_elses_suggestion_is_not_found_and_left_alone(app, queue, action):
    study_id, _ = queue
    other = coder(app, study_id)
    coder_id(app, study_id, other.user_id)
    path = f"{BASE}/story/{suggestion_ids(app)[0]}/{action}"
    assert post(other.client, path).status_code == 404
    assert statuses(app) == ["open", "open", "open"]


def test_someone_else_sees_no_suggestions_trained_on_another_persons_codings(app, queue):
    study_id, _ = queue
    other = coder(app, study_id)
    page = other.client.get(f"{BASE}/story").get_data(as_text=True)
    assert 'class="suggestion"' not in page and "No suggestions yet" in page


def test_the_status_of_someone_elses_training_is_not_found(app, queue):
    study_id, person = queue
    with app.app_context():
        job = db.session.scalar(select(AnalysisJob.public_id))
    assert person.client.get(f"/analysis/{SLUG}/jobs/{job}/status").status_code == 200
    other = coder(app, study_id)
    assert other.client.get(f"/analysis/{SLUG}/jobs/{job}/status").status_code == 404


def test_a_question_without_answers_is_not_found(app, queue):
    _, person = queue
    assert person.client.get(f"{BASE}/nope").status_code == 404


def test_training_on_my_codings_makes_suggestions_for_the_answers_i_have_not_coded(app):
    police = "The police did not believe me and the officer shouted at me."
    house = "A charity found me a safe house with a room and food."
    stories = [(police if i % 2 else house) + f" Day {i}." for i in range(30)]
    study_id = coding_study(app, stories, disclosure_threshold=5)
    disbelief, shelter = add_code(app, study_id, "Disbelief"), add_code(app, study_id, "Shelter")
    person = coder(app, study_id)
    with app.app_context():
        study, user = db.session.get(Study, study_id), db.session.get(User, person.user_id)
        docs = db.session.execute(select(CodingDocument.public_id, CodingDocument.text)).all()
        coded = [(guid, text) for guid, text in docs if int(text.split()[-1][:-1]) < 20]
        for guid, text in coded:
            targets = [segments.Target(guid, 0, len(text))]
            code = disbelief if "police" in text else shelter
            segments.apply_codes(db.session, user, study, targets, [code])
    response = post(person.client, f"{BASE}/story/train")
    assert response.status_code == 302
    page = person.client.get(f"{BASE}/story").get_data(as_text=True)
    with app.app_context():
        job = db.session.scalar(select(AnalysisJob))
        assert job.status == "done", job.error
    tree = lxml_html.fromstring(page)
    assert tree.xpath("//table[contains(@class, 'scores-table')]//th[text()='Disbelief']")
    suggested = [li.text_content() for li in tree.xpath("//li[@class='suggestion']")]
    # Only answers not coded yet (days 20 to 29) are suggested; Disbelief for police ones.
    assert suggested and all(int(re.search(r"Day (\d+)", t).group(1)) >= 20 for t in suggested)
    assert all("police" in t for t in suggested if "Disbelief" in t)
