"""Quick exit on the server, the one-time safety page, languages and right-to-left scripts."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select, update

from instruments.schema import Consent
from survey.extensions import db
from survey.models import Response, WebSession
from tests.factories import add_study, tiny_instrument
from tests.survey.journey import Respondent, step_path


def rows(app, model) -> int:
    """Return how many rows `model` has."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_quick_exit_ends_the_session_and_drops_unsaved_answers(app, client):
    add_study(app)
    person = Respondent(client, "tiny")
    person.begin()
    person.answer({"contact_kind": "found"})
    assert rows(app, WebSession) == 1 and rows(app, Response) == 1
    response = client.get("/x")
    assert response.status_code == 303
    assert response.headers["Location"] == "https://www.bbc.co.uk/weather"
    assert rows(app, WebSession) == 0 and rows(app, Response) == 0
    assert client.get(step_path("tiny", "page/about")).status_code == 409


def test_quick_exit_keeps_answers_saved_for_later(app, client):
    add_study(app)
    person = Respondent(client, "tiny")
    person.begin()
    person.answer({"contact_kind": "found"}, action="save")
    client.get("/x")
    assert rows(app, Response) == 1


def test_quick_exit_goes_to_the_study_exit_url(app, client):
    add_study(app, exit_url="https://example.org/news")
    Respondent(client, "tiny").get("/s/tiny")
    assert client.get("/x").headers["Location"] == "https://example.org/news"


def test_quick_exit_without_a_session_still_leaves(client):
    response = client.get("/x")
    assert response.status_code == 303
    assert response.headers["Location"] == "https://www.bbc.co.uk/weather"


def test_the_scripts_beacon_ends_the_session_with_an_empty_answer(app, client):
    add_study(app)
    person = Respondent(client, "tiny")
    person.begin()
    response = client.post("/x")
    assert response.status_code == 204 and response.get_data() == b""
    assert '"cookies"' in response.headers["Clear-Site-Data"]
    assert rows(app, WebSession) == 0 and rows(app, Response) == 0


def test_the_exit_link_is_first_in_the_tab_order_and_visible_at_the_top(app, client):
    add_study(app)
    html = client.get("/s/tiny").get_data(as_text=True)
    body = html.split("<body>", 1)[1]
    links = re.findall(r"<a [^>]*>", body)
    assert 'href="/x"' in links[0] and "skip-link" in links[0]
    header = body.split("</header>")[0]
    assert 'class="exit"' in header and 'href="/x"' in header


def test_the_safety_page_is_shown_only_the_first_time(app, client):
    add_study(app)
    person = Respondent(client, "tiny")
    person.get("/s/tiny")
    assert person.post().request.path == "/s/tiny/safety"
    person.post()
    person.get("/s/tiny")
    assert person.post().request.path == "/s/tiny/consent"


def test_declining_consent_leads_to_support_and_stores_nothing(app, client):
    add_study(app)
    person = Respondent(client, "tiny")
    person.get("/s/tiny")
    person.post()
    person.post()
    person.post(data={"choice": "decline"})
    assert person.path == "/s/tiny/declined"
    assert "08000 121 700" in person.html
    assert rows(app, Response) == 0


def test_every_page_shows_the_default_support_lines(app, client):
    add_study(app)
    person = Respondent(client, "tiny")
    person.begin()
    for html in (person.html, client.get("/s/tiny/resume").get_data(as_text=True)):
        assert "Modern Slavery &amp; Exploitation Helpline" in html
        assert "08000 121 700" in html and "999" in html


def arabic_instrument():
    """The tiny instrument in English and Arabic."""
    return tiny_instrument(
        languages=["en", "ar"],
        title={"en": "A tiny survey", "ar": "استبيان صغير"},
        purpose={"en": "To test Heard.", "ar": "لاختبار هيرد."},
        organisation={"name": {"en": "Test team", "ar": "فريق الاختبار"}},
        consent={part: {"en": f"About {part}.", "ar": "نص الموافقة."} for part in Consent.PARTS},
        support={
            "en": [{"name": "Helpline", "phone": "0800 000 000"}],
            "ar": [{"name": "خط المساعدة", "phone": "0800 000 001"}],
        },
        sections=[
            {
                "id": "about",
                "title": {"en": "About you", "ar": "عنك"},
                "items": [
                    {
                        "id": "felt_safe",
                        "type": "yes_no",
                        "label": {"en": "Did you feel safe?", "ar": "هل شعرت بالأمان؟"},
                    }
                ],
            }
        ],
    )


def test_a_chosen_right_to_left_language_renders_right_to_left(app, client):
    add_study(app, arabic_instrument(), slug="ar")
    person = Respondent(client, "ar")
    person.get("/s/ar")
    assert '<option value="ar"' in person.html
    person.post(data={"lang": "ar"})
    person.post()
    assert '<html lang="ar" dir="rtl">' in person.html
    assert "نص الموافقة." in person.html
    assert "خط المساعدة" in person.html and "Helpline<" not in person.html
    person.post(data={"choice": "agree"})
    assert "هل شعرت بالأمان؟" in person.html


def test_one_question_per_page_when_the_instrument_says_so(app, client):
    one = tiny_instrument(layout="item")
    add_study(app, one, slug="one")
    person = Respondent(client, "one")
    person.begin()
    assert person.path == step_path("one", "page/contact_kind", one)
    assert '<h1 class="q-text">How did you meet the police?' in person.html
    person.answer({})
    assert person.path == step_path("one", "page/story", one)


def test_quick_exit_deletes_a_session_that_has_already_expired(app, client):
    add_study(app)
    person = Respondent(client, "tiny")
    person.begin()
    with app.app_context():
        db.session.execute(update(WebSession).values(expires_on=dt.date(2000, 1, 1)))
        db.session.commit()
    assert rows(app, WebSession) == 1

    assert client.get("/x").status_code == 303

    assert rows(app, WebSession) == 0
