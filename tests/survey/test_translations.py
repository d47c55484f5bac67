"""The respondent interface speaks the chosen language from gettext catalogues."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from survey.extensions import db
from survey.services.messages import N_, NP_
from tests.conftest import make_app
from tests.factories import add_study
from tests.survey.journey import Respondent, step_path
from tests.survey.test_exit_and_languages import arabic_instrument

REPO = Path(__file__).resolve().parents[2]
TRANSLATED = (
    "Exit this page",
    "Start",
    "Continue",
    "Prefer not to say",
    "Select one of the answers shown.",
    "Your internet (IP) address.",
    "Modern Slavery & Exploitation Helpline",
)
PLURAL = (
    "Your answers to the questions you choose to answer (up to %(num)s question).",
    "Your answers to the questions you choose to answer (up to %(num)s questions).",
)


def marked(text: str) -> str:
    """Return how the test catalogue writes `text`: unmistakably not the English."""
    return f"⟦{text}⟧"


@pytest.fixture
def arabic_app(tmp_path: Path):
    """An app whose only catalogue beyond English is a test-only Arabic one."""
    catalogues = tmp_path / "translations"
    folder = catalogues / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog = Catalog(locale="ar")
    for text in TRANSLATED:
        catalog.add(text, marked(text))
    catalog.add(PLURAL, tuple(marked(f"{n} questions") for n in range(6)))
    with open(folder / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)
    app = make_app(tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(catalogues))
    add_study(app, arabic_instrument(), slug="ar")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_catalogues_are_up_to_date_with_the_code():
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "messages.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_service_message_reads_as_english_until_translated():
    assert (
        N_("Enter a number that is %(min)s or more.", min="3")
        == "Enter a number that is 3 or more."
    )
    assert (
        NP_(*PLURAL, 1) == "Your answers to the questions you choose to answer (up to 1 question)."
    )
    assert NP_(*PLURAL, 7).endswith("(up to 7 questions).")


def test_the_chosen_languages_catalogue_gives_the_interface_text(arabic_app):
    person = Respondent(arabic_app.test_client(), "ar")
    person.get("/s/ar")
    assert marked("Exit this page") not in person.html  # English until Arabic is chosen
    person.post(data={"lang": "ar"})
    assert marked("Exit this page") in person.html and ">Exit this page</a>" not in person.html
    assert marked("Modern Slavery & Exploitation Helpline") not in person.html  # own support list
    person.post()
    person.post(data={"choice": "agree"})
    assert '<html lang="ar" dir="rtl">' in person.html
    assert marked("Continue") in person.html and marked("Prefer not to say") in person.html
    person.answer({"felt_safe": "perhaps"})
    assert person.page.status_code == 400
    assert marked("Select one of the answers shown.") in person.html


def test_the_receipt_and_its_plurals_come_from_the_catalogue(arabic_app):
    person = Respondent(arabic_app.test_client(), "ar")
    person.get("/s/ar")
    person.post(data={"lang": "ar"})
    person.get("/s/ar")
    assert marked("Your internet (IP) address.") in person.html
    assert "questions⟧" in person.html and "choose to answer" not in person.html


def test_the_browsers_language_header_does_not_choose_the_language(arabic_app):
    person = Respondent(arabic_app.test_client(), "ar", headers={"Accept-Language": "ar"})
    person.get("/s/ar")
    assert '<html lang="en" dir="ltr">' in person.html
    assert ">Exit this page</a>" in person.html and marked("Exit this page") not in person.html


def test_an_error_page_keeps_the_respondents_language(arabic_app):
    person = Respondent(arabic_app.test_client(), "ar")
    person.get("/s/ar")
    person.post(data={"lang": "ar"})
    # before consent: "Your session has ended"
    page = person.get(step_path("ar", "page/about", arabic_instrument()))
    assert page.status_code == 409
    assert '<html lang="ar" dir="rtl">' in person.html and marked("Exit this page") in person.html
