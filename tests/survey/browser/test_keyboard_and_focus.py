"""What axe-core cannot check: focus, keyboard use, the place of help and what is announced.

- After a submit with an error, the focus is on the error summary, and each of
  its links takes the focus to the field it names.
- "Exit this page" never covers the field that has the focus, at 320 px.
- Help ("If you need help or support") is in the same place on every page.
- The whole survey can be answered and sent with Tab, Space, Enter and typing.
- Errors and the exit control are announced: the summary is an alert named
  "There is a problem", each question names its error, and the exit control
  is a button called "Exit this page", first in the tab order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Response
from survey.services.responses import stored_answers
from tests.survey.browser.keys import answer_by_keyboard, focused, is_button, press_button, tab_to
from tests.survey.browser.kinds import PAGES, open_kind
from tests.survey.browser.pages import AGREE, DEMO, DEMO_INSTRUMENT, consented, hand_over

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ERROR_KINDS = ("question-error-choice", "question-error-text", "resume-error")
QUESTION_ERRORS = ("question-error-choice", "question-error-text")
LONG_PAGES = ("question-several-with-scale", "question-error-choice", "check-answers", "consent")
MAX_STEPS = 40
# The landmarks of the page, in order, and where the help box is among them.
LANDMARKS = """() => {
  const roles = {HEADER: 'banner', MAIN: 'main', ASIDE: 'complementary', NAV: 'navigation',
                 FOOTER: 'contentinfo'};
  const marks = [...document.body.children].filter(el => roles[el.tagName])
    .map(el => roles[el.tagName] + ':' + (el.getAttribute('aria-labelledby')
      ? document.getElementById(el.getAttribute('aria-labelledby')).innerText : ''));
  return marks;
}"""
OVERLAP = """() => {
  if (document.activeElement === document.body) { return null; }
  const exit = document.querySelector('header .exit');
  const a = exit.getBoundingClientRect();
  const el = document.activeElement.getBoundingClientRect();
  const left = Math.max(a.left, el.left), right = Math.min(a.right, el.right);
  const top = Math.max(a.top, el.top), bottom = Math.min(a.bottom, el.bottom);
  // Covered: where the two boxes meet, what is painted on top is the exit button.
  const covered = right > left && bottom > top
    && exit.contains(document.elementFromPoint((left + right) / 2, (top + bottom) / 2));
  return {covered: covered, top: el.top, bottom: el.bottom, height: window.innerHeight,
          exit: document.activeElement.hasAttribute('data-exit'),
          help: document.activeElement.closest('aside.support') !== null};
}"""


@pytest.mark.parametrize("kind", ERROR_KINDS)
def test_after_a_submit_with_an_error_the_focus_is_on_the_error_summary(
    browsing, live_server, kind
):
    page = browsing.page(width=320, height=640)
    open_kind(page, live_server, kind)
    summary = page.get_by_role("alert", name="There is a problem")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.title().startswith("Error:")


def error_links(page: Page) -> list[tuple[str, str]]:
    """Return the (target, words) of every link in the error summary."""
    return page.locator(".error-summary a").evaluate_all(
        "links => links.map(a => [a.getAttribute('href'), a.innerText.trim()])"
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
@pytest.mark.parametrize("kind", QUESTION_ERRORS)
def test_each_error_summary_link_takes_the_focus_to_its_field(
    browsing, live_server, kind, javascript
):
    page = browsing.page(width=320, height=640, javascript=javascript)
    open_kind(page, live_server, kind)
    links = error_links(page)
    assert links, f"{kind}: the error summary has no links"
    for target, words in links:
        page.locator(f".error-summary a[href='{target}']").focus()
        page.keyboard.press("Enter")
        el = focused(page)
        assert el is not None and el["tag"] in ("input", "textarea", "select"), (
            f"{kind}: the link {target} left the focus on {el}"
        )
        field = page.evaluate("document.activeElement.closest('.field').innerText")
        assert words in field, f"{kind}: the link {target} went to a field without its error"


@pytest.mark.parametrize("kind", LONG_PAGES)
def test_exit_this_page_never_covers_the_focused_element_at_320_px(browsing, live_server, kind):
    page = browsing.page(width=320, height=480)
    open_kind(page, live_server, kind)
    page.evaluate("window.scrollTo(0, 0); document.activeElement.blur()")
    seen: list[dict] = []
    for _ in range(200):
        page.keyboard.press("Tab")
        box = page.evaluate(OVERLAP)
        if box is None or box["exit"]:
            continue  # the exit control itself, or the skip link that does the same
        seen.append(focused(page))
        assert not box["covered"], f"{kind}: Exit this page covers {seen[-1]}"
        assert box["bottom"] > 0 and box["top"] < box["height"], f"{kind}: focus is out of view"
        if box["help"]:
            break  # the help box comes last: the whole page has been tabbed through
    else:
        raise AssertionError(f"{kind}: Tab never reached the help box")
    assert sum(el["tag"] == "button" for el in seen) >= 1, f"{kind}: no button took the focus"


def test_help_is_in_the_same_place_on_every_respondent_page(browsing, live_server):
    places = {}
    for kind in PAGES:
        page = browsing.page(width=320, height=640)
        open_kind(page, live_server, kind)
        places[kind] = tuple(page.evaluate(LANDMARKS))
        page.context.close()
    help_box = "complementary:If you need help or support"
    assert all(help_box in marks for marks in places.values()), places
    assert len(set(places.values())) == 1, f"help moves between pages: {places}"
    assert places["landing"][-1] == help_box, "help is not the last part of the page"


def words_for(name: str) -> str:
    """Return what to type into the text box `name`: a number where a number is asked."""
    item = next(item for item in DEMO_INSTRUMENT.items() if item.id == name)
    return "3" if item.type == "number" else f"Typed for {name}"


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_the_whole_survey_is_answered_and_sent_with_the_keyboard_alone(
    browsing, live_server, javascript
):
    page = browsing.page(width=320, height=640, javascript=javascript)
    page.goto(DEMO)
    press_button(page, "Start")
    press_button(page, "Continue")
    press_button(page, AGREE)
    given: dict[str, str] = {}
    for _ in range(MAX_STEPS):
        path = urlsplit(page.url).path.removeprefix(DEMO)
        if path == "/check":
            break
        if path.startswith("/section/"):
            press_button(page, "Answer these questions")
            continue
        assert page.locator(".error-summary").count() == 0, f"an error on {path}"
        given |= answer_by_keyboard(page, words_for)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    press_button(page, "Send my answers")
    assert page.get_by_role("heading", name="Thank you. We have your answers.").is_visible()
    with live_server.app.app_context():
        [response] = db.session.scalars(select(Response)).all()
        assert response.status == "completed"
        stored = stored_answers(db.session, response.id)
    assert len(given) >= 10, f"too few questions were answered: {given}"
    kept = {name: stored[name].value for name in given}
    kept = {name: str(v[0] if isinstance(v, list) else v) for name, v in kept.items()}
    assert kept == given


def test_errors_are_announced_with_the_question_they_belong_to(browsing, live_server):
    page = browsing.page(width=320, height=640)
    open_kind(page, live_server, "question-error-text")
    [(target, words)] = error_links(page)
    described = page.evaluate(
        """(target) => {
          const group = document.querySelector(target).closest('fieldset');
          return group.getAttribute('aria-describedby').split(' ')
            .map(id => document.getElementById(id).innerText).join(' ');
        }""",
        target,
    )
    assert words in described and "Error:" in described


def test_the_exit_control_is_a_button_called_exit_this_page_and_first_in_the_tab_order(
    browsing, live_server
):
    page = browsing.page(width=320, height=640)
    hand_over(consented(live_server), page, live_server)
    open_kind(page, live_server, "question-first-page")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first is not None and first["text"] == "Exit this page"
    exit_button = page.get_by_role("banner").get_by_role("button", name="Exit this page")
    assert exit_button.is_visible()
    help_text = page.get_by_role("complementary", name="If you need help or support").inner_text()
    assert "press Shift 3 times" in help_text
    assert tab_to(page, is_button("Continue"), what="Continue")
