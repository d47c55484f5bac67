"""Previewing a study as a respondent, in each language, storing nothing."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Answer, AttemptWindow, Response, Submission, WebSession
from tests.factories import add_study, make_staff, sign_in
from tests.survey.journey import Respondent
from tests.survey.studio import edited_yaml, post, team_study, text
from tests.survey.test_exit_and_languages import arabic_instrument

PREVIEW = "/studio/studies/tiny/preview"
BANNER = "Preview: nothing is stored."
NEXT = re.compile(r'<a href="([^"]+)" rel="next">Next page</a>')
RESPONDENT_KEYS = {"study", "lang", "safety_seen", "consented", "response", "submitted"}


@pytest.fixture
def researcher(app, client):
    """`client`, signed in as a researcher on the tiny study's team (no draft)."""
    member = make_staff(app, "researcher")
    team_study(app, member.id)
    sign_in(client, member.email, member.password)
    return client


def stored(app) -> dict[str, int]:
    """Return how many rows each respondent table holds, and how many sessions exist."""
    with app.app_context():
        return {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Response, Answer, Submission, AttemptWindow, WebSession)
        }


def session_keys(app) -> set[str]:
    """Return every key held in any server session."""
    with app.app_context():
        return {
            key for data in db.session.scalars(select(WebSession.data)) for key in json.loads(data)
        }


def walk_by_forms(client, lang: str = "en") -> list[str]:
    """Go through the whole preview as a respondent would, posting every form; return paths."""
    person = Respondent(client, "tiny")
    person.get(f"{PREVIEW}/{lang}")
    paths = [person.path]
    person.post(data={"lang": lang})
    while "/done" not in person.path:
        assert person.page.status_code == 200, person.path
        assert BANNER in person.html
        paths.append(person.path)
        form = {"choice": "agree"} if person.path.endswith("/consent") else {}
        person.post(data={**form, "action": "continue"})
    return [*paths, person.path]


def test_previewing_every_page_stores_nothing(app, researcher):
    before = stored(app)

    paths = walk_by_forms(researcher)

    assert stored(app) == before
    assert RESPONDENT_KEYS & session_keys(app) == set()
    assert [p.removeprefix(f"{PREVIEW}/en") for p in paths] == [
        "", "/safety", "/consent", "/p/about", "/section/hard", "/p/hard", "/p/charged",
        "/p/more", "/check", "/done",
    ]  # fmt: skip


def test_next_links_lead_through_every_page_without_posting(app, researcher):
    page = text(researcher.get(f"{PREVIEW}/en"))
    visited = 1
    while match := NEXT.search(page):
        response = researcher.get(match.group(1).replace("&amp;", "&"))
        assert response.status_code == 200
        page = text(response)
        visited += 1

    assert visited == 10
    assert "Thank you. We have your answers." in page


def test_the_preview_shows_every_question_with_a_note_on_its_condition(app, researcher):
    page = text(researcher.get(f"{PREVIEW}/en/p/charged"))

    assert "Were you charged?" in page
    assert "Preview: shown only when <code>arrested == &#39;yes&#39;</code>" in page


def test_a_posted_page_is_checked_like_the_real_one_and_nothing_is_kept(app, researcher):
    response = post(researcher, f"{PREVIEW}/en/p/more", {"age": "7", "action": "continue"})

    assert response.status_code == 400
    assert "There is a problem" in text(response)
    assert stored(app)["answer"] == 0


def test_the_preview_shows_the_draft_when_there_is_one(app, researcher):
    post(researcher, "/studio/studies/tiny/edit", {"source": edited_yaml(title="Draft title")})

    page = text(researcher.get(f"{PREVIEW}/en"))

    assert "This is the draft." in page and "Draft title" in page


def test_the_preview_shows_the_published_version_without_a_draft(app, researcher):
    page = text(researcher.get(f"{PREVIEW}/en"))

    assert "This is the published version." in page and "A tiny survey" in page


def test_a_draft_that_does_not_load_cannot_be_previewed_and_says_why(app, researcher):
    post(researcher, "/studio/studies/tiny/edit", {"source": "format: nonsense\n"})

    response = researcher.get(f"{PREVIEW}/en")

    assert response.status_code == 409
    assert "The draft cannot be previewed yet" in text(response)


def test_the_preview_has_no_quick_exit_script_that_would_sign_the_researcher_out(app, researcher):
    page = text(researcher.get(f"{PREVIEW}/en/safety"))
    exit_page = researcher.get(f"{PREVIEW}/en/exit")

    assert "exit.js" not in page
    assert f'href="{PREVIEW}/en/exit"' in page
    assert "https://www.bbc.co.uk/weather" in text(exit_page)
    assert researcher.get("/studio/").status_code == 200


def test_the_real_respondent_pages_still_load_the_quick_exit_script(app, client):
    team_study(app, slug="real")

    page = text(client.get("/s/real"))

    assert "exit.js" in page and "preview.css" not in page and BANNER not in page


def test_each_language_can_be_previewed_and_right_to_left_renders_right_to_left(app, staff):
    researcher = staff("admin")
    add_study(app, arabic_instrument(), slug="ar")

    english = text(researcher.get("/studio/studies/ar/preview/en/p/about"))
    arabic = text(researcher.get("/studio/studies/ar/preview/ar/p/about"))

    assert '<html lang="en" dir="ltr">' in english and "Did you feel safe?" in english
    assert '<html lang="ar" dir="rtl">' in arabic and "هل شعرت بالأمان؟" in arabic
    assert 'hreflang="en"' in arabic


def test_a_language_the_instrument_lacks_is_not_found(app, researcher):
    assert researcher.get(f"{PREVIEW}/fr").status_code == 404


def test_a_step_that_does_not_exist_is_not_found(app, researcher):
    assert researcher.get(f"{PREVIEW}/en/p/nowhere").status_code == 404


def test_the_preview_start_goes_to_the_default_language(app, researcher):
    response = researcher.get(PREVIEW)

    assert response.headers["Location"] == f"{PREVIEW}/en"


def test_a_draft_study_never_published_can_be_previewed(app, researcher):
    post(
        researcher,
        "/studio/studies/new",
        {"slug": "police", "source": "library", "library": "police-response"},
    )
    before = stored(app)

    response = researcher.get("/studio/studies/police/preview/en")

    assert response.status_code == 200
    assert stored(app) == before


def test_saving_for_later_in_the_preview_shows_an_example_phrase(app, researcher):
    response = post(researcher, f"{PREVIEW}/en/p/about", {"action": "save"}, follow_redirects=True)

    assert "Your answers are saved" in text(response)
    assert "apple river candle orbit meadow" in text(response)
    assert stored(app)["response"] == 0


def test_a_phrase_typed_in_the_preview_is_not_checked(app, researcher):
    response = post(researcher, f"{PREVIEW}/en/resume", {"phrase": "one two three four five"})

    assert "no phrase is checked" in text(response)
    assert stored(app)["attempt_window"] == 0


def test_a_sections_intro_is_shown_on_its_first_page(app, researcher):
    sections = [
        {
            "id": "about",
            "title": "About you",
            "intro": "A few questions about how it started.",
            "items": [{"id": "felt_safe", "type": "yes_no", "label": "Did you feel safe?"}],
        }
    ]
    post(researcher, "/studio/studies/tiny/edit", {"source": edited_yaml(sections=sections)})

    page = text(researcher.get(f"{PREVIEW}/en/p/about"))

    assert '<p class="caption">About you</p>' in page
    assert "A few questions about how it started." in page
