"""A respondent on a phone answers the demo study and sends it, with JavaScript on and off.

The respondent answers every question put to them by a fixed rule, clicking
labels and typing text as a person would, skips the first sensitive section,
and sends. Whatever the study's wording and pages, every answer given must be
stored, once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Response, Submission
from survey.services.answers import Stored
from survey.services.responses import stored_answers
from tests.survey.browser.pages import (
    AGREE,
    DEMO,
    DEMO_INSTRUMENT,
    TEXT_TYPES,
    choose,
    demo_path,
    first_sensitive_section,
    phrase,
    press,
    text_box,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from instruments.schema import Item

pytestmark = pytest.mark.browser

STEERED = {"police_contact": "yes"}  # so that the questions about the police are asked
MAX_STEPS = 40


def answer(page: Page, item: Item) -> dict[str, Stored]:
    """Answer `item` on the page by a fixed rule; return what should be stored for it."""
    values = item.choice_values()
    if item.type in TEXT_TYPES:
        words = f"My own words for {item.id}."
        text_box(page, item).fill(words)
        return {item.id: Stored(value=words)}
    if item.type == "multiple_choice":
        chosen = list(values[:2])
        for value in chosen:
            choose(page, item, value)
        return {item.id: Stored(value=chosen)}
    value = STEERED.get(item.id, values[-1] if item.type == "yes_no" else values[1])
    choose(page, item, value)
    if value == item.self_describe:
        words = f"Described for {item.id}."
        text_box(page, item).fill(words)
        return {item.id: Stored(value=value), f"{item.id}__text": Stored(value=words)}
    return {item.id: Stored(value=int(value) if item.type == "scale" else value)}


def answer_what_is_asked(page: Page) -> tuple[dict[str, Stored], list[str]]:
    """Answer every page until "Check your answers"; return the answers and the paths seen."""
    given: dict[str, Stored] = {}
    seen: list[str] = []
    for _ in range(MAX_STEPS):
        path = urlsplit(page.url).path.removeprefix(DEMO)
        seen.append(path)
        if path == "/check":
            return given, seen
        if path.startswith("/section/"):
            skip = DEMO + path == demo_path(f"section/{first_sensitive_section()}")
            press(page, "Skip this section" if skip else "Answer these questions")
            continue
        asked = page.locator("fieldset input, fieldset textarea").evaluate_all(
            "fields => fields.map(field => field.name)"
        )
        for item in DEMO_INSTRUMENT.items():
            if item.answerable and item.id in asked:
                given.update(answer(page, item))
        press(page, "Continue")
    raise AssertionError(f"never reached Check your answers: {seen}")


def skipped_section_codes() -> dict[str, Stored]:
    """Return the codes the skipped section's unconditional questions must be stored with."""
    section = next(s for s in DEMO_INSTRUMENT.sections if s.id == first_sensitive_section())
    return {
        item.id: Stored(code="skipped")
        for item in section.items
        if item.answerable and item.show_if is None
    }


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_answers_given_on_a_phone_are_sent_and_stored_once(browsing, live_server, javascript):
    page = browsing.page(javascript=javascript, width=360, height=740)
    page.goto(DEMO)
    press(page, "Start")
    assert page.get_by_role("heading", name="Staying safe while you answer").is_visible()
    press(page, "Continue")
    press(page, AGREE)
    given, seen = answer_what_is_asked(page)
    assert demo_path(f"section/{first_sensitive_section()}").removeprefix(DEMO) in seen
    assert page.get_by_role("heading", name="Check your answers before sending them").is_visible()
    press(page, "Send my answers")
    assert page.get_by_role("heading", name="Thank you. We have your answers.").is_visible()
    assert len(phrase(page).split()) == 5
    with live_server.app.app_context():
        [response] = db.session.scalars(select(Response)).all()
        assert response.status == "completed"
        assert db.session.scalar(select(Submission.response_id)) == response.id
        stored = stored_answers(db.session, response.id)
    expected = {**given, **skipped_section_codes()}
    assert len(given) >= 10, f"too few questions were asked: {seen}"
    assert {item: stored.get(item) for item in expected} == expected
