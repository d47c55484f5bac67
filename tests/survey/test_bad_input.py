"""Bad input gets a clear page and a fitting status, never a 500, and stores nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.extensions import db, write_transaction
from survey.models import Answer, Study
from tests.factories import add_study, csrf_token
from tests.survey.journey import Respondent, step_path


@pytest.fixture
def person(app, client) -> Respondent:
    """Someone on the first question page of the tiny study."""
    add_study(app)
    respondent = Respondent(client, "tiny")
    respondent.begin()
    return respondent


def answer_count(app) -> int:
    """Return how many answer rows exist."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Answer))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"contact_kind": "bribed"}, "Select one of the answers shown."),
        ({"contact_kind": ["called", "found"]}, "Choose only one answer."),
        ({"story": "x" * 51}, "Your answer must be 50 characters or fewer. It is 51 now."),
        ({"story": "fine", "story__na": "prefer_not_to_say"}, "but not both"),
        ({"story__na": "skipped"}, "Choose only one of the options shown."),
    ],
)
def test_a_forged_or_invalid_answer_is_refused_with_a_message(app, person, data, message):
    response = person.answer(data)
    assert response.status_code == 400
    assert "There is a problem" in person.html
    assert message in person.html
    assert answer_count(app) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"help": ["housing", "castle"]}, "Select only the answers shown."),
        ({"help": ["housing", "prefer_not_to_say"]}, "but not both"),
        ({"age": "twelve"}, "Enter a whole number, like 3."),
        ({"age": "17"}, "Enter a number that is 18 or more."),
        ({"age": "1e400"}, "Enter a whole number, like 3."),
        ({"when__month": "13", "when__year": "2020"}, "Choose a month."),
        ({"when__month": "2", "when__year": "20"}, "Enter a year between 1900 and"),
    ],
)
def test_bad_values_on_later_pages_are_refused(app, person, data, message):
    person.answer({})
    person.answer({}, action="skip")
    assert person.path == step_path("tiny", "page/more")
    response = person.answer(data)
    assert response.status_code == 400
    assert message in person.html


def test_an_error_links_from_the_summary_to_its_field(person):
    person.answer({"story": "x" * 51})
    # By the field's place on the page, never its item id: a followed link is kept in history.
    assert '<a href="#Q2">' in person.html
    assert '<textarea id="Q2" name="story"' in person.html


def test_what_was_typed_is_shown_again_after_an_error(person):
    person.answer({"contact_kind": "bribed", "story": "x" * 51})
    assert "x" * 51 in person.html


def test_hostile_text_is_stored_as_text_and_shown_escaped(app, person):
    hostile = "<script>alert(1)</script>{{7*7}}\x00\u202e"
    person.answer({"story": hostile[:40]})
    person.answer({}, action="back")
    assert "<script>alert(1)" not in person.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in person.html
    assert "49" not in person.html.split("</textarea>")[0].split("<textarea")[-1]


def test_an_unknown_study_is_not_found(client):
    assert client.get("/s/no-such-study").status_code == 404
    assert "Study not found" in client.get("/s/no-such-study").get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/s/tiny/p/no_such_page",
        "/s/tiny/p/about",  # a key: steps are named by position only
        "/s/tiny/p/0",
        "/s/tiny/p/6",  # the tiny study has five steps
        "/s/tiny/p/99999999999999999999",
        "/s/tiny/p/-1",
        "/s/tiny/p/01",
        "/s/tiny/p/1.0",
        "/s/tiny/p/%D9%A1",  # an Arabic-Indic one
        "/s/tiny/p/1%00",
        "/s/tiny/p/2",  # the section opening, asked for as a question page
        "/s/tiny/section/1",  # a question page, asked for as a section opening
        "/s/tiny/section/hard",
    ],
)
def test_an_unknown_page_of_a_study_is_not_found(person, path):
    response = person.client.get(path)
    assert response.status_code == 404, path
    assert "Page not found" in response.get_data(as_text=True)
    posted = person.client.post(path, data={"csrf_token": csrf_token(person.html)})
    assert posted.status_code == 404, path


def test_a_draft_study_is_not_found(app, client):
    add_study(app, slug="draft-one")
    with app.app_context(), write_transaction(db.session):
        db.session.scalar(select(Study).where(Study.slug == "draft-one")).status = "draft"
    assert client.get("/s/draft-one").status_code == 404


def test_a_closed_study_says_so_and_takes_no_answers(app, person):
    with app.app_context(), write_transaction(db.session):
        db.session.scalar(select(Study)).status = "closed"
    assert person.client.get("/s/tiny").status_code == 410
    response = person.answer({"contact_kind": "found"})
    assert response.status_code == 410
    assert "This study is closed" in person.html
    assert answer_count(app) == 0


def test_a_page_without_a_session_explains_that_it_ended(app, client):
    add_study(app)
    response = client.get(step_path("tiny", "page/about"))
    assert response.status_code == 409
    assert "Your session has ended" in response.get_data(as_text=True)


def test_a_post_without_its_csrf_token_is_refused_kindly(person):
    response = person.client.post(step_path("tiny", "page/about"), data={"contact_kind": "found"})
    assert response.status_code == 400
    assert "This page has expired" in response.get_data(as_text=True)


def test_an_oversized_post_is_refused_kindly(person):
    response = person.post(data={"story": "x" * (3 * 1024 * 1024), "action": "continue"})
    assert response.status_code == 413
    assert "too much to send" in person.html


def test_a_wrong_phrase_gets_a_calm_message(app, client):
    add_study(app)
    person = Respondent(client, "tiny")
    person.get("/s/tiny/resume")
    response = person.post(data={"phrase": "apple river candle orbit meadow"})
    assert response.status_code == 400
    assert "We could not find answers for that phrase" in person.html


def test_wrong_phrases_are_limited_per_session(app, client):
    add_study(app)
    person = Respondent(client, "tiny")
    person.get("/s/tiny/resume")
    statuses = [person.post(data={"phrase": f"wrong words {n}"}).status_code for n in range(7)]
    assert statuses[:5] == [400] * 5
    assert statuses[5:] == [429, 429]
    assert "tried too many times" in person.html


def test_wrong_phrases_are_limited_across_sessions(app):
    app.config["HEARD_PHRASE_ATTEMPTS_GLOBAL"] = 3
    add_study(app)
    statuses = []
    for _ in range(4):
        person = Respondent(app.test_client(), "tiny")
        person.get("/s/tiny/withdraw")
        statuses.append(person.post(data={"phrase": "not a code", "confirm": "yes"}).status_code)
    assert statuses == [400, 400, 400, 429]


def test_withdrawal_asks_for_confirmation(app, client):
    add_study(app)
    person = Respondent(client, "tiny")
    person.get("/s/tiny/withdraw")
    assert person.post(data={"phrase": "any words"}).status_code == 400
    assert "Tick the box to confirm." in person.html

