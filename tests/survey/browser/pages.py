"""Acting on respondent pages in a browser, and the demo study's questions as a person sees them.

Questions are found by the words on the page: the labels come from the bundled
instrument itself, so the tests follow its wording and its pages when they change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from instruments import load_library
from instruments.schema import Item
from survey.config import DEFAULT_EXIT_URL
from survey.services.navigation import PAGE, SECTION, all_steps, visible_items
from tests.survey.journey import Respondent, step_path

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.survey.browser.conftest import LiveServer

DEMO = "/s/police-response"
DEMO_INSTRUMENT = load_library("police-response")
LANGUAGE = "en"
EXIT_URL = DEFAULT_EXIT_URL
AGREE = "I understand and want to take part"
YES_NO = {"yes": "Yes", "no": "No"}  # the words the page template gives yes_no items
TEXT_TYPES = ("short_text", "long_text")


def press(page: Page, name: str) -> None:
    """Press the button called `name` and wait until the page it leads to has loaded."""
    with page.expect_event("load"):
        page.get_by_role("button", name=name, exact=True).click()


def label_of(item: Item) -> str:
    """Return the question's words."""
    return item.label.get(LANGUAGE)


def choice_label(item: Item, value: str) -> str:
    """Return the words shown for `value` of `item`."""
    return YES_NO[value] if item.type == "yes_no" else item.choice_label(value, LANGUAGE)


def question(page: Page, item: Item) -> Locator:
    """Return the group of fields that asks `item` (its fieldset, named by its legend)."""
    return page.get_by_role("group", name=re.compile("^" + re.escape(label_of(item))))


def choose(page: Page, item: Item, value: str) -> None:
    """Tick the radio or checkbox of `value`, by its label, under the question `item`."""
    question(page, item).get_by_label(choice_label(item, value), exact=True).check()


def text_box(page: Page, item: Item) -> Locator:
    """Return the text box under the question `item` (its answer, or its "describe" box)."""
    return question(page, item).get_by_role("textbox")


def phrase(page: Page) -> str:
    """Return the words shown in the phrase box of this page."""
    return page.locator("#phrase").inner_text().strip()


def visible_text(page: Page) -> str:
    """Return what the page shows: its text and whatever its form fields hold."""
    fields = page.locator("input, textarea, select")
    values = [fields.nth(i).input_value() for i in range(fields.count())]
    return "\n".join([page.locator("body").inner_text(), *values])


def first_page_where(
    test: Callable[[list[Item]], Item | None], *, excluding: str = ""
) -> tuple[str, Item]:
    """Return the first page a new respondent can see whose questions pass `test`, and the item."""
    for step in all_steps(DEMO_INSTRUMENT):
        if step.kind == PAGE and step.key != excluding:
            items = [item for item in visible_items(step.page, {}) if item.answerable]
            found = test(items)
            if found is not None:
                return step.key, found
    raise AssertionError("the demo study has no such page")


def demo_path(token: str) -> str:
    """Return the demo study's URL of a step named as stored (``page/KEY``, ``section/KEY``)."""
    return step_path(DEMO.removeprefix("/s/"), token, DEMO_INSTRUMENT)


def first_sensitive_section() -> str:
    """Return the key of the first section that opens with a content note."""
    return next(step.key for step in all_steps(DEMO_INSTRUMENT) if step.kind == SECTION)


def consented(server: LiveServer) -> Respondent:
    """Agree to take part in the demo study through the Flask test client.

    Getting to a page is not what the accessibility, weight and exit tests are
    about (the journey tests click through every step), so they get there this
    way and hand the session to the browser.
    """
    person = Respondent(server.app.test_client(), DEMO.removeprefix("/s/"))
    person.begin()
    return person


def hand_over(person: Respondent, page: Page, server: LiveServer) -> None:
    """Give the browser the session cookie of `person`, so it carries on from there."""
    name = server.app.config["SESSION_COOKIE_NAME"]
    cookie = person.client.get_cookie(name)
    assert cookie is not None, "the test client has no session"
    session = {"name": name, "value": cookie.value, "url": server.url, "httpOnly": True}
    page.context.add_cookies([{**session, "sameSite": "Strict"}])


def sent(server: LiveServer) -> Respondent:
    """Agree, skip the first page and send, through the test client."""
    person = consented(server)
    person.answer({})
    person.get(f"{DEMO}/check")
    person.submit()
    return person
