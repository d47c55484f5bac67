"""Quick exit: leave for a neutral site at once, end the session, leave nothing behind Back.

The neutral site (BBC Weather by default) is a local stand-in answering with a
tiny page (see the `neutral_site` fixture), so no test touches the real network.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response, WebSession
from tests.survey.browser.conftest import Browsing, NeutralSiteServer, PlaywrightError
from tests.survey.browser.pages import (
    DEMO,
    EXIT_URL,
    TEXT_TYPES,
    consented,
    demo_path,
    first_page_where,
    hand_over,
    press,
    text_box,
    visible_text,
)

if TYPE_CHECKING:
    from flask import Flask
    from playwright.sync_api import Page

    from instruments.schema import Item

pytestmark = pytest.mark.browser

SAVED = "Saved on a page before"
TYPED = "Typed and never sent"


def text_answer(items: list[Item]) -> Item | None:
    """Return the first question answered in words."""
    return next((item for item in items if item.type in TEXT_TYPES), None)


def somewhere_to_type(items: list[Item]) -> Item | None:
    """Return the first question with a text box (its answer, or its "describe" box)."""
    return next((item for item in items if item.type in TEXT_TYPES or item.self_describe), None)


SAVED_ON, SAVED_IN = first_page_where(text_answer)
TYPED_ON, TYPED_IN = first_page_where(somewhere_to_type, excluding=SAVED_ON)
QUESTION = demo_path(f"page/{TYPED_ON}")


def press_exit_button(page: Page) -> None:
    """Tap "Exit this page" at the top of the page."""
    page.get_by_role("button", name="Exit this page").click()


def press_shift_three_times(page: Page) -> None:
    """Press Shift on its own three times, quickly."""
    for _ in range(3):
        page.keyboard.press("Shift")


# name: (JavaScript on, how the person leaves, whether leaving replaces the page in history)
WAYS_OUT: dict[str, tuple[bool, Callable[[Page], None], bool]] = {
    "exit-button": (True, press_exit_button, True),
    "shift-three-times": (True, press_shift_three_times, True),
    "exit-link-without-javascript": (False, press_exit_button, False),
}


def count(app: Flask, model: type) -> int:
    """Return how many rows of `model` the database holds now."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Return True as soon as `check()` holds, False if it never does within `seconds`.

    With JavaScript the session is ended by a beacon sent as the page leaves,
    so the server may still be handling it when the browser has arrived.
    """
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def loaded(page: Page) -> bool:
    """Return True once the page shown has loaded, however it came (fetched or from memory)."""
    try:
        return page.evaluate("document.readyState") == "complete"
    except PlaywrightError:  # the document was being replaced
        return False


@pytest.fixture
def visits(neutral_site: NeutralSiteServer) -> list[str]:
    """The paths asked of the exit site's stand-in during this test."""
    neutral_site.paths.clear()
    return neutral_site.paths


def midway(browsing: Browsing, *, javascript: bool) -> Page:
    """Open a question page with an answer typed and not sent, after saving one on another."""
    page = browsing.page(javascript=javascript, exits=True)
    hand_over(consented(browsing.server), page, browsing.server)
    page.goto(demo_path(f"page/{SAVED_ON}"))
    text_box(page, SAVED_IN).fill(SAVED)
    press(page, "Continue")
    page.goto(QUESTION)
    text_box(page, TYPED_IN).fill(TYPED)
    return page


@pytest.mark.parametrize("way", WAYS_OUT)
def test_quick_exit_leaves_ends_the_session_and_leaves_nothing_behind_back(
    browsing, live_server, visits, way
):
    javascript, leave, replaces_history = WAYS_OUT[way]
    page = midway(browsing, javascript=javascript)
    app = live_server.app
    assert (count(app, WebSession), count(app, Response)) == (1, 1)
    leave(page)
    page.wait_for_url(EXIT_URL)
    assert page.title() == "Weather"
    assert eventually(lambda: count(app, WebSession) == 0), "the server session is still there"
    assert count(app, Response) == 0, "the unsaved response was kept"
    page.go_back(wait_until="commit")  # a page restored from memory fires no load event
    assert eventually(lambda: loaded(page)), f"the page Back went to never loaded: {page.url}"
    back_on_question = page.url == live_server.url + QUESTION
    assert back_on_question is not replaces_history, f"Back went to {page.url}"
    shown = visible_text(page)
    assert SAVED not in shown, f"Back shows an answer saved before leaving:\n{shown}"
    assert TYPED not in shown, f"Back shows an answer typed before leaving:\n{shown}"


def test_shift_held_to_type_capital_letters_does_not_leave(browsing, live_server, visits):
    page = midway(browsing, javascript=True)
    box = text_box(page, TYPED_IN)
    box.fill("")
    for letter in "ABC":  # Shift goes down and up three times within five seconds
        page.keyboard.down("Shift")
        page.keyboard.press(f"Key{letter}")
        page.keyboard.up("Shift")
    page.wait_for_timeout(500)  # long enough for an exit to have begun
    assert page.url.endswith(QUESTION), f"typing capitals left the page for {page.url}"
    assert visits == []
    assert count(live_server.app, WebSession) == 1
    assert box.input_value() == "ABC"


def test_the_first_tab_stop_is_a_link_out(browsing, live_server):
    page = browsing.page(exits=True)
    page.goto(DEMO)
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.inner_text() == "Exit this page"
    page.keyboard.press("Enter")
    page.wait_for_url(EXIT_URL)
