"""The "what we store" receipt follows the study's real configuration."""

from __future__ import annotations

from tests.factories import add_study
from tests.survey.journey import Respondent
from tests.survey.test_journey import answer_everything


def test_the_receipt_counts_the_instruments_questions(app, client):
    add_study(app)
    html = client.get("/s/tiny").get_data(as_text=True)
    assert "up to 7 questions, 1 of them in your own words" in html
    assert "Your internet (IP) address." in html
    assert "we keep your answers so far, locked with a phrase" in html


def test_the_receipt_follows_the_draft_lifetime_setting(app, client):
    add_study(app, draft_lifetime_hours=72)
    html = client.get("/s/tiny").get_data(as_text=True)
    assert "unfinished answers are deleted within 4 days" in html


def test_without_save_and_resume_neither_the_receipt_nor_the_pages_offer_it(app, client):
    add_study(app, resume_enabled=False)
    person = Respondent(client, "tiny")
    person.begin()
    assert "Save and come back later" not in person.html
    assert "If you stop before the end, your answers are deleted" in client.get("/s/tiny").get_data(
        as_text=True
    )
    assert client.get("/s/tiny/resume").status_code == 404


def test_the_end_page_repeats_the_receipt_and_support(app, client):
    add_study(app)
    person = Respondent(client, "tiny")
    person.begin()
    answer_everything(person)
    person.submit()
    assert "What we never store" in person.html
    assert "08000 121 700" in person.html
