"""Topics to codebook: chosen topics become draft codes under "Draft codes from topics"."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Code
from survey.services.analysis.drafts import CATEGORY, free_name
from tests.factories import csrf_token
from tests.survey.analysis.test_topics_pages import (
    BASE,
    TERMS,
    add_fit,
    analyst,
    study_with_answers,
)


@pytest.fixture
def fit(app):
    """A finished two-topic fit on twelve answers, and a signed-in analyst's client."""
    study_id = study_with_answers(app, {"called": 6, "found": 6})
    return add_fit(app, study_id), analyst(app, study_id)


def draft(client, job: str, topics: list[str]):
    """Post the draft-codes form of the fit `job` with the topics ticked."""
    token = csrf_token(client.get(f"{BASE}/topics/{job}").get_data(as_text=True))
    return client.post(f"{BASE}/topics/{job}/drafts", data={"csrf_token": token, "topic": topics})


def codes(app) -> list[tuple[str, str | None, bool, str, str]]:
    """Return (name, parent name, codable, definition, example) of every code, by id."""
    with app.app_context():
        rows = db.session.scalars(select(Code).order_by(Code.id)).all()
        names = {c.id: c.name for c in rows}
        return [(c.name, names.get(c.parent_id), c.codable, c.definition, c.example) for c in rows]


def test_chosen_topics_become_draft_codes_in_a_category_with_their_terms_and_examples(app, fit):
    job, client = fit
    response = draft(client, job, ["1"])
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/coding/tiny/codebook")
    (category, *_), (name, parent, codable, definition, example) = codes(app)
    assert (category, parent, codable) == (CATEGORY, CATEGORY, True)
    assert all(term in definition for term in TERMS[1])
    assert all(term in name.casefold() for term in TERMS[1][:3])  # named by its top terms
    assert "place to stay" in example  # a quote of an answer most about topic 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Added 1 draft code" in page and name in page


def test_drafting_the_same_topic_twice_gives_the_second_a_numbered_name(app, fit):
    job, client = fit
    draft(client, job, ["0"])
    draft(client, job, ["0"])
    names = [name for name, parent, *_ in codes(app) if parent == CATEGORY]
    assert len(names) == 2 and names[1] == f"{names[0]} (2)"


def test_choosing_no_topic_adds_nothing_and_says_so(app, fit):
    job, client = fit
    response = draft(client, job, [])
    assert response.status_code == 302 and "/topics/" in response.headers["Location"]
    assert codes(app) == []
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Choose at least one topic." in page


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("Police, fear", [], "Police, fear"),
        ("Police, fear", ["police, FEAR"], "Police, fear (2)"),
        ("Police, fear", ["Police, fear", "Police, fear (2)"], "Police, fear (3)"),
    ],
)
def test_a_free_name_never_collides_with_a_taken_one_in_any_case(name, taken, expected):
    assert free_name(name, taken) == expected
