"""An analyst builds a findings report of the demo in the analysis area and downloads it.

Everything is plain forms (no script needed): start a report, add two themes
from the codebook, move one up, write a theme's text, tick two quotes, look
at the preview, check and download the HTML. Each page passes axe-core's
WCAG checks, and the Content-Security-Policy blocks nothing on the way.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import html as lxml_html

from instruments import load_library
from survey.extensions import db
from survey.services.coding import demo
from tests.factories import STAFF_PASSWORD
from tests.survey.browser.conftest import SCREENSHOTS
from tests.survey.browser.pages import press
from tests.survey.browser.test_accessibility import RUN_AXE, WCAG_TAGS, describe
from tests.survey.coding.helpers import coder

pytestmark = pytest.mark.browser

NARRATIVE = "Many were not believed when they first spoke to the police."


def _axe(page, axe_source: str, where: str) -> None:
    if os.environ.get("HEARD_SCREENSHOTS") == "1":  # for a person to look at (not in git)
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"report-{where.replace(' ', '-')}.png", full_page=True)
    page.evaluate(axe_source)
    violations = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert not violations, f"{where}:\n{describe(violations)}"


def test_an_analyst_builds_a_report_and_downloads_it(browsing, live_server, axe_source):
    app = live_server.app
    with app.app_context():
        study = demo.create_demo(db.session, load_library("police-response")).study
        slug, study_id = study.slug, study.id
    analyst = coder(app, study_id)
    page = browsing.page(width=1280, height=900)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)

    page.goto("/studio/login")
    page.get_by_label("Email address").fill(analyst.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    press(page, "Sign in")
    page.goto(f"/analysis/{slug}")
    with page.expect_event("load"):
        page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_label("Title").fill("What survivors told us")
    press(page, "Start the report")

    for name in ("Not believed", "Treated with kindness"):
        page.get_by_label("Add a theme from the codebook").select_option(label=f"– {name}")
        press(page, "Add the theme")
    press(page, "Move up Treated with kindness")
    themes = page.locator(".report-item-head a")
    assert themes.all_inner_texts() == [
        "How the police treated them › Treated with kindness",
        "How the police treated them › Not believed",
    ]
    _axe(page, axe_source, "the builder")

    with page.expect_event("load"):
        themes.nth(1).click()
    page.get_by_label("What this theme shows (optional)").fill(NARRATIVE)
    boxes = page.locator("input[name=quote]")
    chosen = [page.locator(f"label[for={boxes.nth(i).get_attribute('id')}] .quote-words")
              .inner_text().strip("“”") for i in range(2)]  # fmt: skip
    for i in range(2):
        boxes.nth(i).check()
    _axe(page, axe_source, "the theme page")
    press(page, "Save this theme")
    assert "Text written; 2 quotes chosen." in page.locator("#themes ~ ol").first.inner_text()

    with page.expect_event("load"):
        page.get_by_role("link", name="Preview the report").click()
    assert NARRATIVE in page.locator("#preview").inner_text()
    _axe(page, axe_source, "the preview")
    with page.expect_event("load"):
        page.get_by_role("link", name="Back to the report builder").click()

    press(page, "Check and export")
    assert page.locator("#passed").is_visible()
    _axe(page, axe_source, "the check and export page")
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download as HTML page").click()
    download = waiting.value
    assert download.suggested_filename.startswith(f"{slug}-what-survivors-told-us-")
    tree = lxml_html.fromstring(Path(download.path()).read_bytes())
    text = " ".join(tree.text_content().split())
    assert [h.text_content() for h in tree.iter("h2")][1:3] == [
        "Treated with kindness",
        "Not believed",
    ]
    assert NARRATIVE in text and all(" ".join(q.split()) in text for q in chosen)
    assert not refused, refused
