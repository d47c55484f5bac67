"""Every kind of page a respondent can see, and a way for a browser to reach each.

Each way returns words the page must show, so a test on the wrong page fails
instead of passing vacuously.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tests.survey.browser.conftest import CLOSED_SLUG, NO_SAVING_SLUG
from tests.survey.browser.pages import (
    DEMO,
    DEMO_INSTRUMENT,
    LANGUAGE,
    TEXT_TYPES,
    choose,
    consented,
    demo_path,
    first_page_where,
    first_sensitive_section,
    hand_over,
    label_of,
    press,
    question,
    sent,
    text_box,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from instruments.schema import Item
    from tests.survey.browser.conftest import LiveServer

Way = Callable[["Page", "LiveServer"], str]


def of_type(*types: str, at_least: int = 1) -> Callable[[list[Item]], Item | None]:
    """Return a test for pages of `at_least` questions, one of them of one of `types`."""

    def test(items: list[Item]) -> Item | None:
        if len(items) < at_least:
            return None
        return next((item for item in items if item.type in types), None)

    return test


def question_page(test: Callable[[list[Item]], Item | None]) -> Way:
    """Return a way to the first question page that passes `test` (as from a "Change" link)."""

    def go(page: Page, server: LiveServer) -> str:
        key, item = first_page_where(test)
        hand_over(consented(server), page, server)
        page.goto(demo_path(f"page/{key}"))
        return label_of(item)

    return go


def landing(page: Page, server: LiveServer) -> str:
    """The study's front page."""
    page.goto(DEMO)
    return DEMO_INSTRUMENT.title.get(LANGUAGE)


def safety(page: Page, server: LiveServer) -> str:
    """The one-time page about quick exit and browsing safely."""
    page.goto(f"{DEMO}/safety")
    return "Staying safe while you answer"


def consent(page: Page, server: LiveServer) -> str:
    """The consent page."""
    page.goto(f"{DEMO}/consent")
    return "Before you start"


def declined(page: Page, server: LiveServer) -> str:
    """The kind page after saying no."""
    consent(page, server)
    press(page, "No, I do not want to take part")
    return "Thank you for your time"


def section_opening(page: Page, server: LiveServer) -> str:
    """A sensitive section's opening, with its content note and "Skip this section"."""
    hand_over(consented(server), page, server)
    page.goto(demo_path(f"section/{first_sensitive_section()}"))
    return "About this section"


def choice_error(page: Page, server: LiveServer) -> str:
    """A question page showing an error: a radio's value forged to one not offered."""
    key, item = first_page_where(of_type("single_choice", "yes_no", at_least=2))
    hand_over(consented(server), page, server)
    page.goto(demo_path(f"page/{key}"))
    value = item.choice_values()[0]
    question(page, item).locator(f"input[value='{value}']").evaluate("r => { r.value = 'forged'; }")
    choose(page, item, value)
    press(page, "Continue")
    return "Select one of the answers shown."


def text_error(page: Page, server: LiveServer) -> str:
    """A question page showing an error: a text answer longer than the server allows."""
    key, item = first_page_where(of_type(*TEXT_TYPES))
    hand_over(consented(server), page, server)
    page.goto(demo_path(f"page/{key}"))
    box = text_box(page, item)
    limit = int(box.get_attribute("maxlength"))
    box.evaluate("box => box.removeAttribute('maxlength')")  # as a forged post would
    box.fill("a" * (limit + 1))
    press(page, "Continue")
    return "characters or fewer"


def check_answers(page: Page, server: LiveServer) -> str:
    """ "Check your answers", after the first page."""
    person = consented(server)
    person.answer({})
    hand_over(person, page, server)
    page.goto(f"{DEMO}/check")
    return "Check your answers before sending them"


def thank_you(page: Page, server: LiveServer) -> str:
    """The end page, with the withdrawal code."""
    check_answers(page, server)
    press(page, "Send my answers")
    return "Thank you. We have your answers."


def already_sent(page: Page, server: LiveServer) -> str:
    """ "Check your answers" opened again after sending."""
    hand_over(sent(server), page, server)
    page.goto(f"{DEMO}/check")
    return "Your answers were already sent"


def saved(page: Page, server: LiveServer) -> str:
    """The page that shows the phrase for coming back later."""
    hand_over(consented(server), page, server)
    page.goto(f"{DEMO}/continue")
    press(page, "Save and come back later")
    return "Your answers are saved"


def resume(page: Page, server: LiveServer) -> str:
    """The page to type a saved phrase on."""
    page.goto(f"{DEMO}/resume")
    return "Come back to your answers"


def resume_error(page: Page, server: LiveServer) -> str:
    """The resume page after a wrong phrase."""
    resume(page, server)
    page.get_by_label("Type the words you were given").fill("these are not the words")
    press(page, "Continue")
    return "We could not find answers for that phrase"


def no_saving(page: Page, server: LiveServer) -> str:
    """The resume page of a study that does not offer saving."""
    page.goto(f"/s/{NO_SAVING_SLUG}/resume")
    return "Saving is not offered"


def withdraw(page: Page, server: LiveServer) -> str:
    """The page to take answers back with the code."""
    page.goto(f"{DEMO}/withdraw")
    return "Take your answers back"


def withdrawn(page: Page, server: LiveServer) -> str:
    """The page that confirms the answers are deleted."""
    code = sent(server).phrase()
    withdraw(page, server)
    page.get_by_label("Your code").fill(code)
    page.get_by_label("I want all my answers deleted").check()
    press(page, "Delete my answers")
    return "Your answers are deleted"


def closed(page: Page, server: LiveServer) -> str:
    """A closed study's front page."""
    page.goto(f"/s/{CLOSED_SLUG}")
    return "This study is closed"


def not_found(page: Page, server: LiveServer) -> str:
    """The page for an address that does not exist."""
    page.goto(f"{DEMO}/nothing-here")
    return "Page not found"


PAGES: dict[str, Way] = {
    "landing": landing,
    "safety": safety,
    "consent": consent,
    "declined": declined,
    "question-first-page": question_page(lambda items: items[0] if items else None),
    "question-several-with-scale": question_page(of_type("scale", at_least=2)),
    "question-multiple-choice": question_page(of_type("multiple_choice")),
    "question-text-boxes": question_page(of_type(*TEXT_TYPES)),
    "section-content-note": section_opening,
    "question-error-choice": choice_error,
    "question-error-text": text_error,
    "check-answers": check_answers,
    "thank-you": thank_you,
    "already-sent": already_sent,
    "saved": saved,
    "resume": resume,
    "resume-error": resume_error,
    "resume-not-offered": no_saving,
    "withdraw": withdraw,
    "withdrawn": withdrawn,
    "closed-study": closed,
    "not-found": not_found,
}


def open_kind(page: Page, server: LiveServer, kind: str) -> None:
    """Go to a page of `kind` and check it is the page meant."""
    shows = PAGES[kind](page, server)
    page.wait_for_load_state("load")
    text = " ".join(page.locator("main").inner_text().split())
    assert shows in text, f"{kind}: expected {shows!r} on {page.url}"
