"""An analyst selects words in an answer, codes them, and finds those very words in the code view.

The answer has an emoji before the words, so the browser's UTF-16 positions
and the server's code points differ by one; the selection starts inside an
earlier coding's mark, so its start sits in a nested text node. The coding
form gets the positions from static/coding.js and the server converts them.
The document view also passes axe-core's WCAG checks.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Code, Segment
from tests.factories import STAFF_PASSWORD
from tests.survey.browser.pages import press
from tests.survey.browser.test_accessibility import RUN_AXE, WCAG_TAGS, describe
from tests.survey.coding.helpers import add_code, coder, coding_study, sync

pytestmark = pytest.mark.browser

STORY = "Nobody asked what happened to me 🙁 — they asked for my papers."
EARLIER = "what happened to me 🙁 — they"
CHOSEN = "they asked for my papers"

SELECT = """([text, words]) => {
  const box = document.getElementById('doc-text');
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  const nodes = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
  const at = box.textContent.indexOf(words);
  let seen = 0, range = document.createRange();
  for (const node of nodes) {
    const from = seen, to = seen + node.length;
    if (at >= from && at < to) range.setStart(node, at - from);
    const end = at + words.length;
    if (end > from && end <= to) range.setEnd(node, end - from);
    seen = to;
  }
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return range.startContainer.parentNode.nodeName;
}"""


def test_an_analyst_codes_selected_words_and_finds_them_in_the_code_view(
    browsing, live_server, axe_source
):
    app = live_server.app
    study_id = coding_study(app, [STORY, "I was scared of the police."])
    guid = next(g for g, body in sync(app, study_id) if body == STORY)
    fear, papers = add_code(app, study_id, "Fear"), add_code(app, study_id, "Papers")
    analyst = coder(app, study_id)
    page = browsing.page(width=1280, height=900)
    refused: list[str] = []  # what the Content-Security-Policy blocked (an inline style, say)
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)

    page.goto("/studio/login")
    page.get_by_label("Email address").fill(analyst.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    press(page, "Sign in")
    page.goto(f"/coding/tiny/documents/{guid}")
    assert page.locator("#doc-text").text_content() == STORY

    # First, without a selection: type the words of an earlier coding.
    page.get_by_label("Papers").check()
    page.get_by_label("Or type the exact words to code").fill(EARLIER)
    press(page, "Code these words")
    assert page.locator("#doc-text mark").count() == 1
    assert page.locator("#doc-text").text_content() == STORY

    # Then select words starting inside that mark, choose a code and code the selection.
    assert page.evaluate(SELECT, ["", CHOSEN]) == "MARK"
    selected = page.locator("#selection")
    selected.filter(has_text=f"Selected: “{CHOSEN}”").wait_for()
    assert page.locator("#sel-units").input_value() == "utf16"
    assert int(page.locator("#sel-start").input_value()) == STORY.index(CHOSEN) + 1
    page.get_by_label("Fear").check()
    press(page, "Code the selected words")
    assert page.get_by_text("Coded: 1 segment added or widened.").is_visible()
    assert page.locator("#doc-text").text_content() == STORY

    with app.app_context():
        spans = db.session.execute(
            select(Code.public_id, Segment.start, Segment.end)
            .join(Code, Code.id == Segment.code_id)
            .order_by(Segment.start)
        ).all()
    assert [(code, STORY[start:end]) for code, start, end in spans] == [
        (papers, EARLIER),
        (fear, CHOSEN),
    ]

    # The document view passes the automated WCAG checks, codings and all, and so do the
    # codebook, a code's edit page and the log.
    for path in ("", "/coding/tiny/codebook", f"/coding/tiny/codebook/{fear}", "/coding/tiny/log"):
        if path:
            page.goto(path)
        page.evaluate(axe_source)
        violations = page.evaluate(RUN_AXE, WCAG_TAGS)
        assert not violations, f"{path or 'the document view'}:\n{describe(violations)}"

    # The code view shows exactly the selected words as the coded span.
    page.goto(f"/coding/tiny/codes/{fear}")
    marks = page.locator(".in-context mark")
    assert marks.count() == 1
    assert marks.first.text_content() == CHOSEN
    assert re.search(r"1 segment\b", page.locator("main").inner_text())
    assert not refused, refused
