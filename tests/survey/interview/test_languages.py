"""Interpreter mode: every question in two languages side by side; answers stored once."""

from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db
from survey.models import Answer
from tests.factories import add_study
from tests.survey.interview.helpers import interviewer, start
from tests.survey.studio import post
from tests.survey.test_exit_and_languages import arabic_instrument


def test_a_question_page_shows_both_languages_with_their_lang_and_dir(app):
    add_study(app, arabic_instrument(), slug="ar")
    client, _ = interviewer(app, 1)
    rid = start(client, "ar", language="en", second="ar")
    post(client, f"/interview/ar/{rid}/consent", {"consent": "agree"})

    page = client.get(f"/interview/ar/{rid}/page/about").get_data(as_text=True)

    assert '<div class="lang-col" lang="en" dir="ltr">' in page
    assert '<div class="lang-col interpreter" lang="ar" dir="rtl">' in page
    assert "Did you feel safe?" in page and "هل شعرت بالأمان؟" in page
    assert '<span class="second-title" lang="ar" dir="rtl">عنك</span>' in page


def test_the_consent_is_shown_in_both_languages(app):
    add_study(app, arabic_instrument(), slug="ar")
    client, _ = interviewer(app, 1)
    rid = start(client, "ar", language="en", second="ar")

    page = client.get(f"/interview/ar/{rid}/consent").get_data(as_text=True)

    assert "About purpose." in page and "نص الموافقة." in page


def test_the_answer_is_stored_once_as_a_value_not_a_label(app):
    add_study(app, arabic_instrument(), slug="ar")
    client, _ = interviewer(app, 1)
    rid = start(client, "ar", language="ar", second="en")
    post(client, f"/interview/ar/{rid}/consent", {"consent": "agree"})

    post(client, f"/interview/ar/{rid}/page/about", {"felt_safe": "yes"})

    with app.app_context():
        rows = db.session.execute(select(Answer.item_id, Answer.value)).all()
    assert [tuple(row) for row in rows] == [("felt_safe", '"yes"')]


def test_without_a_second_language_the_page_has_one_column(app):
    add_study(app, arabic_instrument(), slug="ar")
    client, _ = interviewer(app, 1)
    rid = start(client, "ar", language="ar")
    post(client, f"/interview/ar/{rid}/consent", {"consent": "agree"})

    page = client.get(f"/interview/ar/{rid}/page/about").get_data(as_text=True)

    assert 'lang="ar" dir="rtl"' in page and "interpreter" not in page


def test_the_same_language_twice_or_an_unknown_one_is_refused(app):
    add_study(app, arabic_instrument(), slug="ar")
    client, _ = interviewer(app, 1)

    for language, second in (("en", "en"), ("en", "fr"), ("xx", "")):
        response = post(
            client, "/interview/ar/start", {"language": language, "second_language": second}
        )
        assert response.status_code == 400
        assert "Choose a language the study offers" in response.get_data(as_text=True)
