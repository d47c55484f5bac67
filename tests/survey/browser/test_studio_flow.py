"""A researcher makes a study from an XLSForm in the studio, and a respondent answers it.

The researcher signs in, uploads a workbook whose second question blames the
person ("Why didn't you tell the police?"), sees the lint error beside its
line in the editor, rewrites the draft (that question and the placeholders the
importer wrote for what a workbook cannot hold), previews it, and publishes.
Then a respondent, in a browser of their own, answers and sends: the study
has exactly one completed response.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from sqlalchemy import select

from instruments.xlsform import PLACEHOLDER_MARK
from survey.extensions import db
from survey.models import Response
from survey.services.answers import Stored
from survey.services.responses import stored_answers
from tests.factories import make_staff, study
from tests.instruments.xlsform_builders import survey, workbook
from tests.survey.browser.pages import AGREE, press

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser

SLUG = "work-safety"
TITLE = "Work and safety"
WHERE = "Where did you work?"
BLAME = "Why didn't you tell the police?"
NEUTRAL = "What made it hard to tell the police?"
OWN_WORDS = "Written by the research team for this study."
ANSWER = "In a warehouse"


def xlsform(folder: Path) -> Path:
    """Write an XLSForm with two text questions, one worded as blame, and no Heard texts."""
    rows = survey(["text", "workplace", WHERE], ["text", "silence", BLAME])
    path = folder / "work-safety.xlsx"
    path.write_bytes(workbook(rows, None, {"form_title": TITLE, "form_id": SLUG}))
    return path


def corrected(draft: str) -> str:
    """Return the draft with the blaming question reworded and every placeholder written."""

    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: fix(value) for key, value in node.items()}
        if isinstance(node, list):
            return [fix(value) for value in node]
        if node == BLAME:
            return NEUTRAL
        if isinstance(node, str) and node.startswith(PLACEHOLDER_MARK):
            return OWN_WORDS
        return node

    document = yaml.safe_load(draft)
    assert PLACEHOLDER_MARK in draft, "the import wrote no placeholders"
    return yaml.safe_dump(fix(document), sort_keys=False, allow_unicode=True)


def group(page: Page, label: str) -> Locator:
    """Return the question asking `label` (its fieldset, named by its legend)."""
    return page.get_by_role("group", name=re.compile("^" + re.escape(label)))


def test_a_researcher_publishes_an_xlsform_study_that_a_respondent_then_answers(
    browsing, live_server, tmp_path
):
    app = live_server.app
    member = make_staff(app, "researcher")
    page = browsing.page(width=1280, height=900)

    # Sign in and upload the workbook.
    page.goto("/studio/login")
    page.get_by_label("Email address").fill(member.email)
    page.get_by_label("Password").fill(member.password)
    press(page, "Sign in")
    with page.expect_event("load"):
        page.get_by_role("link", name="New study").click()
    page.get_by_label("Web address").fill(SLUG)
    page.get_by_label(re.compile("^A file")).check()
    page.get_by_label("File", exact=True).set_input_files(xlsform(tmp_path))
    press(page, "Create the draft study")

    # The editor shows the lint error beside the blaming question's label: the note
    # follows the line of its `label:` key, and the words are on that line or the next.
    assert page.url.endswith(f"/studio/studies/{SLUG}/edit")
    assert page.get_by_role("heading", name="Edit the instrument").is_visible()
    wording = page.locator("tr[id^=line-]", has_text=BLAME)
    worded_at = int(wording.get_attribute("id").removeprefix("line-"))
    note = page.locator("tr.notes-row li", has_text="BLAME_WORDING")
    assert note.inner_text().lower().startswith("error blame_wording")
    noted = note.locator("xpath=ancestor::tr[1]/preceding-sibling::tr[1]")
    noted_at = int(noted.get_attribute("id").removeprefix("line-"))
    assert worded_at in (noted_at, noted_at + 1), (noted_at, worded_at)
    assert page.get_by_role("link", name=f"BLAME_WORDING line {noted_at}").is_visible()
    summary = page.locator("#summary").inner_text()
    assert "The lint found 1 error." in summary
    assert "still need your own words" in summary

    # Until then it cannot be published, and respondents cannot reach it.
    study_nav = page.get_by_role("navigation", name="This study")
    with page.expect_event("load"):
        study_nav.get_by_role("link", name="Overview").click()
    blocked = page.locator(".blocked")
    assert blocked.get_by_role("heading", name="Why you cannot publish yet").is_visible()
    assert "The lint found 1 error." in blocked.inner_text()
    assert not page.get_by_role("button", name="Publish the study").count()
    person = browsing.page()
    assert person.goto(f"/s/{SLUG}").status == 404
    with page.expect_event("load"):
        study_nav.get_by_role("link", name="Edit").click()

    # Rewrite the draft and save it: nothing stops it being published any more.
    editor = page.get_by_label("The instrument (YAML)")
    editor.fill(corrected(editor.input_value()))
    press(page, "Save the draft")
    assert page.get_by_text(
        "Draft saved. It loads and nothing stops it being published."
    ).is_visible()
    summary = page.locator("#summary").inner_text()
    assert "Nothing stops it being published" in summary
    assert "BLAME_WORDING" not in summary
    assert not page.locator("tr[id^=line-]", has_text=BLAME).count()

    # Preview: the landing, safety and consent pages, and the first question page.
    with page.expect_event("load"):
        study_nav.get_by_role("link", name="Preview").click()
    banner = page.get_by_role("region", name="Preview")
    assert "Preview: nothing is stored." in banner.inner_text()
    press(page, "Start")
    assert page.get_by_role("heading", name="Staying safe while you answer").is_visible()
    press(page, "Continue")
    assert "Before you start" in page.locator("main").inner_text()
    assert "Preview: nothing is stored." in banner.inner_text()
    press(page, AGREE)
    assert group(page, WHERE).is_visible()
    assert group(page, NEUTRAL).is_visible()
    assert "Preview: nothing is stored." in banner.inner_text()
    with page.expect_event("load"):
        banner.get_by_role("link", name="Back to the study").click()

    # Publish.
    press(page, "Publish the study")
    assert page.get_by_text(re.compile(r"^Published\. New respondents get")).is_visible()
    assert study(app, SLUG).status == "open"

    # A respondent, in a browser of their own, answers one question and sends.
    person.goto(f"/s/{SLUG}")
    press(person, "Start")
    press(person, "Continue")
    press(person, AGREE)
    group(person, WHERE).get_by_role("textbox").fill(ANSWER)
    press(person, "Continue")
    assert person.get_by_role("heading", name="Check your answers before sending them").is_visible()
    assert ANSWER in person.locator("main").inner_text()
    press(person, "Send my answers")
    assert person.get_by_role("heading", name="Thank you. We have your answers.").is_visible()

    with app.app_context():
        responses = db.session.scalars(
            select(Response).where(Response.study_id == study(app, SLUG).id)
        ).all()
        assert [response.status for response in responses] == ["completed"]
        assert stored_answers(db.session, responses[0].id)["workplace"] == Stored(value=ANSWER)
