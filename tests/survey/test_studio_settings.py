"""Study settings: every field checked, every change audited, and each honoured for respondents."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from survey.extensions import db, write_transaction
from survey.models import Response
from survey.models.studies import today
from survey.services.responses import purge_unsaved
from tests.factories import add_study, make_staff, sign_in
from tests.survey.journey import Respondent
from tests.survey.studio import audit_actions, post, respondent_rows, study_row, team_study, text
from tests.survey.test_exit_and_languages import arabic_instrument

SETTINGS = "/studio/studies/tiny/settings"
VALID = {
    "title": "A tiny survey",
    "slug": "tiny",
    "opens_on": "",
    "closes_on": "",
    "languages": ["en"],
    "exit_url": "",
    "retention_days": "730",
    "disclosure_threshold": "10",
    "resume_enabled": "yes",
    "draft_lifetime_hours": "24",
    "support_en": "",
}


@pytest.fixture
def researcher(app, client):
    """`client`, signed in as a researcher on the tiny study's team."""
    member = make_staff(app, "researcher")
    team_study(app, member.id)
    sign_in(client, member.email, member.password)
    return client


def save(client, path: str = SETTINGS, **changes):
    """Post the settings form: the valid values with `changes`."""
    form = {**VALID, **changes}
    return post(client, path, {k: v for k, v in form.items() if v is not None})


def landing(app, slug: str = "tiny") -> str:
    """Return a fresh respondent's landing page."""
    return text(app.test_client().get(f"/s/{slug}"))


def test_the_form_shows_the_current_settings(app, researcher):
    page = text(researcher.get(SETTINGS))

    assert 'value="A tiny survey"' in page and 'value="730"' in page
    assert 'id="resume_enabled" name="resume_enabled" type="checkbox" value="yes" checked' in page


def test_valid_settings_are_saved_and_each_change_is_audited_by_name(app, researcher):
    response = save(
        researcher, title="Renamed", disclosure_threshold="20", exit_url="https://a.org/"
    )

    assert response.status_code == 303
    saved = study_row(app, "tiny")
    assert (saved.title, saved.disclosure_threshold, saved.exit_url) == (
        "Renamed",
        20,
        "https://a.org/",
    )
    events = [
        json.loads(detail) for action, detail in audit_actions(app) if action == "study.settings"
    ]
    assert {"setting": "title"} in events
    assert {"setting": "exit_url", "old": "", "new": "https://a.org/"} in events
    assert {"setting": "disclosure_threshold", "value": 20} in events
    assert len(events) == 3


def test_saving_without_changes_audits_nothing(app, researcher):
    save(researcher)

    assert [a for a, _ in audit_actions(app) if a == "study.settings"] == []


BAD = [
    ("title", "", "Give the study a title."),
    ("title", "x" * 201, "at most 200 characters"),
    ("slug", "Bad Slug", "lower-case letters, digits and hyphens"),
    ("slug", "new", "a word the studio uses itself"),
    ("opens_on", "31/03/2025", "year-month-day"),
    ("languages", [], "Choose at least one of the instrument"),
    ("languages", ["fr"], "Choose at least one of the instrument"),
    ("exit_url", "http://example.org/", "must start with https://"),
    ("exit_url", "javascript:alert(1)", "Enter a whole web address"),
    ("exit_url", "https://", "Enter a whole web address"),
    ("retention_days", "0", "from 1 to 3650"),
    ("retention_days", "two years", "from 1 to 3650"),
    ("disclosure_threshold", "4", "from 5 to 1000"),
    ("draft_lifetime_hours", "0", "from 1 to 168"),
    ("draft_lifetime_hours", "1000", "from 1 to 168"),
    ("support_en", "| 0800 000 000", "Line 1: start with the name"),
    ("support_en", "Help\nLine | call us", "Line 2: the phone number"),
    ("support_en", "Help | 0800 | http://help.org", "Line 1: the web address must start"),
    ("support_en", "A | 1 | https://a.org | b | c", "use at most 4 parts"),
]


@pytest.mark.parametrize(("field", "value", "words"), BAD, ids=lambda v: str(v)[:24])
def test_a_bad_setting_is_refused_with_a_message_beside_its_field(
    app, researcher, field, value, words
):
    response = save(researcher, **{"title": "Not saved", field: value})

    assert response.status_code == 400
    page = text(response)
    assert words in page
    assert f'href="#{field}"' in page
    assert study_row(app, "tiny").title == "A tiny survey"


def test_every_bad_field_is_reported_at_once(app, researcher):
    response = save(researcher, title="", retention_days="0", exit_url="ftp://x")

    page = text(response)
    assert "there are 3 problems" in page


def test_the_closing_date_cannot_come_before_the_opening_date(app, researcher):
    response = save(researcher, opens_on="2030-05-02", closes_on="2030-05-01")

    assert "on or after the opening date" in text(response)


def test_the_slug_is_refused_when_another_study_has_it(app, researcher):
    add_study(app, slug="other")

    assert "Another study uses /s/other already" in text(save(researcher, slug="other"))


def test_changing_the_slug_moves_the_respondent_link(app, researcher):
    response = save(researcher, slug="tiny-2025")

    assert response.headers["Location"] == "/studio/studies/tiny-2025/settings"
    assert app.test_client().get("/s/tiny-2025").status_code == 200
    assert app.test_client().get("/s/tiny").status_code == 404


def test_the_slug_cannot_change_once_someone_has_answered(app, researcher):
    Respondent(app.test_client(), "tiny").begin()

    response = save(researcher, slug="tiny-2025")

    assert response.status_code == 400
    assert "People have answered at this address already" in text(response)


# --- what respondents see -----------------------------------------------------


def test_an_opening_date_in_the_future_keeps_the_study_closed(app, researcher):
    save(researcher, opens_on=(today() + dt.timedelta(days=1)).isoformat())

    assert app.test_client().get("/s/tiny").status_code == 410


def test_a_closing_date_in_the_past_closes_the_study(app, researcher):
    save(researcher, closes_on=(today() - dt.timedelta(days=1)).isoformat())

    assert app.test_client().get("/s/tiny").status_code == 410


def test_dates_around_today_keep_it_open(app, researcher):
    save(researcher, opens_on=today().isoformat(), closes_on=today().isoformat())

    assert app.test_client().get("/s/tiny").status_code == 200


def test_the_exit_url_is_where_quick_exit_goes(app, researcher):
    save(researcher, exit_url="https://news.example.org/")

    client = app.test_client()
    assert 'data-exit="https://news.example.org/"' in text(client.get("/s/tiny"))
    assert client.get("/x").headers["Location"] == "https://news.example.org/"


def test_a_local_exit_url_may_use_http(app, researcher):
    assert save(researcher, exit_url="http://localhost:8000/weather").status_code == 303


def test_without_save_and_resume_respondents_are_not_offered_it(app, researcher):
    save(researcher, resume_enabled=None)

    person = Respondent(app.test_client(), "tiny")
    person.begin()
    assert "Save and come back later" not in person.html
    assert person.client.get("/s/tiny/resume").status_code == 404


def test_with_save_and_resume_respondents_are_offered_it(app, researcher):
    person = Respondent(app.test_client(), "tiny")
    person.begin()

    assert "Save and come back later" in person.html


def test_the_draft_lifetime_decides_when_unsaved_answers_are_deleted(app, researcher):
    save(researcher, draft_lifetime_hours="72")
    Respondent(app.test_client(), "tiny").begin()

    assert "within 4 days" in landing(app)
    with app.app_context():
        assert purge_unsaved(db.session, on=today() + dt.timedelta(days=3)) == 0
        assert purge_unsaved(db.session, on=today() + dt.timedelta(days=4)) == 1


def test_only_the_languages_offered_are_in_the_picker(app, staff):
    admin = staff("admin")
    add_study(app, arabic_instrument(), slug="ar")
    assert '<option value="en"' in landing(app, "ar")

    save(admin, "/studio/studies/ar/settings", slug="ar", languages=["ar"], support_en=None)

    page = landing(app, "ar")
    assert '<select id="lang"' not in page
    assert '<html lang="ar" dir="rtl">' in page


def test_a_language_not_offered_cannot_be_chosen(app, staff):
    admin = staff("admin")
    add_study(app, arabic_instrument(), slug="ar")
    save(admin, "/studio/studies/ar/settings", slug="ar", languages=["ar"], support_en=None)

    person = Respondent(app.test_client(), "ar")
    person.get("/s/ar")
    person.post(data={"lang": "en"})

    assert '<html lang="ar" dir="rtl">' in person.html


def test_the_studys_own_support_list_replaces_the_default(app, researcher):
    save(researcher, support_en="Local Help | 0800 111 222 | https://help.example.org | Free")

    page = landing(app)
    assert "Local Help" in page and "0800 111 222" in page
    assert "Modern Slavery &amp; Exploitation Helpline" not in page


def test_support_is_shown_in_the_chosen_language(app, staff):
    admin = staff("admin")
    add_study(app, arabic_instrument(), slug="ar")
    save(
        admin,
        "/studio/studies/ar/settings",
        slug="ar",
        languages=["en", "ar"],
        support_en="",
        support_ar="مساعدة محلية | 0800 333 444",
    )

    person = Respondent(app.test_client(), "ar")
    person.get("/s/ar")
    assert "Helpline" in person.html and "مساعدة محلية" not in person.html
    person.post(data={"lang": "ar"})
    assert "مساعدة محلية" in person.html


def test_the_disclosure_threshold_decides_which_counts_are_shown(app, researcher):
    with app.app_context(), write_transaction(db.session):
        study_id = study_row(app, "tiny").id
        version = study_row(app, "tiny").instrument_version_id
        for _ in range(6):
            db.session.add(
                Response(
                    study_id=study_id,
                    instrument_version_id=version,
                    language="en",
                    status="completed",
                )
            )
    assert "fewer than 10" in text(researcher.get("/studio/studies/tiny"))

    save(researcher, disclosure_threshold="5")

    page = text(researcher.get("/studio/studies/tiny"))
    assert "<td>6</td>" in page and "fewer than 5" in page
    assert respondent_rows(app) == (6, 0)


def test_a_pasted_nul_or_control_character_is_removed_not_a_lost_form(app, researcher):
    # On PostgreSQL a NUL in text is refused by the database (the form would be lost
    # behind a 400); on SQLite it would be stored. Typed settings are cleaned first.
    response = save(researcher, title="A tiny\x00 survey\x07 again")
    assert response.status_code in (302, 303), text(response)[:500]
    assert study_row(app, "tiny").title == "A tiny survey again"
