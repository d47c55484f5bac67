"""Moving through a respondent page with the keyboard alone: Tab, Space, Enter and typing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

MAX_TABS = 200
# What has the focus now: enough to decide what to press.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  return {
    tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '', value: el.value || '',
    id: el.id || '', checked: !!el.checked, text: (el.innerText || '').trim(),
    inField: !!el.closest('fieldset'),
  };
}"""

Focused = dict
Test = Callable[[Focused], bool]


def focused(page: Page) -> Focused | None:
    """Return a description of the element with the focus, or None when nothing has it."""
    return page.evaluate(FOCUSED)


def tab_to(page: Page, test: Test, *, what: str) -> Focused:
    """Press Tab until the focused element passes `test`; return it (fail after MAX_TABS)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is not None and test(now):
            return now
    raise AssertionError(f"Tab never reached {what} on {page.url}")


def is_button(name: str) -> Test:
    """Return a test for the submit button called `name`."""
    return lambda el: el["tag"] == "button" and el["text"] == name


def press_button(page: Page, name: str) -> None:
    """Tab to the button `name` and press Enter; wait for the page it leads to."""
    tab_to(page, is_button(name), what=f"the button {name!r}")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def answer_by_keyboard(page: Page, words: Callable[[str], str]) -> dict[str, str]:
    """Tab through the form, answering each question once; return name -> value given.

    A radio group gets Space on the option Tab lands on (its first), a checkbox
    group Space on its first box, a text box `words(its name)`. Boxes that
    belong to a question's other parts (month and year, "describe", non-answers)
    are left. Stops with the focus on "Continue".
    """
    given: dict[str, str] = {}
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        el = focused(page)
        if el is None:
            continue
        if el["tag"] == "button" and el["text"] == "Continue":
            return given
        if not el["inField"] or "__" in el["name"] or el["name"] in given:
            continue
        if el["type"] in ("radio", "checkbox"):
            page.keyboard.press("Space")
            given[el["name"]] = el["value"]
        elif el["tag"] == "textarea" or el["type"] == "text":
            given[el["name"]] = words(el["name"])
            page.keyboard.type(given[el["name"]])
    raise AssertionError(f"Tab never reached Continue on {page.url}")
