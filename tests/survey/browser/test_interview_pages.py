"""Interviewer mode, transcripts and the redaction review pass the WCAG 2.2 A and AA checks a
machine can make, at 320 and 1280 px, and work with JavaScript off.

The data: the tiny study with three answers (one naming a person and a phone
number), a pasted transcript whose respondent says their name (so the document
view shows speaker turns and a placeholder), the tiny study in English and
Arabic for interpreter mode, and a study that follows the bundled
`police-response-interview` guide. A researcher runs the interviews and reads
the transcripts; a data steward has accepted, rejected and added spans on the
named answer before reviewing it.

One live server serves the module; a signed-in browser page per person (and
one more each with JavaScript off) is reused by every test. Each page is
reached as a person would reach it (a link, or a form sent: the end of an
interview is the answer to a POST), every <details> on it is opened, and it is
audited at 320 and 1280 px: axe-core finds nothing, nothing needs sideways
scrolling, the title is plain words, the Content-Security-Policy refuses
nothing and no request leaves the live server.

HEARD_SCREENSHOTS=1 also saves a full-page screenshot of each page at both
widths to test-artifacts/ (not in git), for a person to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from instruments import load_library
from survey.extensions import db, write_transaction
from survey.models import CodingDocument, Membership, Redaction
from tests.conftest import make_app
from tests.factories import STAFF_PASSWORD, add_study
from tests.survey.browser.conftest import (
    SCREENSHOTS,
    TIMEOUT_MS,
    LiveServer,
    origin,
    serving,
)
from tests.survey.browser.pages import press
from tests.survey.browser.test_accessibility import MARKUP, RUN_AXE, WCAG_TAGS, WIDTHS, describe
from tests.survey.coding.helpers import BASE, coder, coding_study
from tests.survey.coding.transcript_files import add_transcript
from tests.survey.studio import post
from tests.survey.test_exit_and_languages import arabic_instrument

if TYPE_CHECKING:
    from flask import Flask
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

ARBEN = "My name is Arben Hoxha and my phone was 07700 900123. Arben left in the night."
STORIES = (ARBEN, "They did not believe me. I was scared of the police.")
# Subtitles: each turn's time is shown before it, outside the text.
TRANSCRIPT = (
    b"WEBVTT\n\n"
    b"00:00:01.000 --> 00:00:04.000\n<v Interviewer>How did you come here?\n\n"
    b"00:00:05.500 --> 00:00:19.250\n"
    b"<v Respondent>My name is Arben Hoxha. We came by lorry, at night. Nobody told us where.\n\n"
    b"00:00:21.000 --> 00:00:23.000\n<v Interviewer>Who met you when you arrived?\n\n"
    b"00:01:02.000 --> 00:01:09.000\n<v Respondent>A man met us at the farm and took our phones.\n"
)
TRANSCRIPT_NAME = "Interview 3, second part of the conversation after the lunch break"
GUIDE_SLUG, AR_SLUG = "guide-study", "ar"
OPEN_EVERY_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
SHOTS = os.environ.get("HEARD_SCREENSHOTS") == "1"


@dataclass(frozen=True)
class Data:
    """What the pages are reached by: the people's emails and the documents' GUIDs."""

    researcher: str
    steward: str
    transcript: str  # the transcript's document
    named: str  # the answer naming Arben, its spans decided by the steward


def build(app: Flask) -> Data:
    """Make the studies, the people, a transcript and the steward's decisions."""
    study_id = coding_study(app, STORIES)
    others = (
        add_study(app, arabic_instrument(), slug=AR_SLUG),
        add_study(app, load_library("police-response-interview"), slug=GUIDE_SLUG),
    )
    lead = coder(app, study_id, role="researcher")
    with app.app_context(), write_transaction(db.session):
        db.session.add_all(Membership(user_id=lead.user_id, study_id=other) for other in others)
    added = add_transcript(lead.client, "interview.vtt", TRANSCRIPT, name=TRANSCRIPT_NAME)
    assert added.status_code == 303, added.get_data(as_text=True)[:500]
    steward = coder(app, study_id, role="data_steward")
    with app.app_context():
        documents = list(db.session.scalars(select(CodingDocument)))
        # Texts are sealed at rest, so they are compared here rather than in SQL.
        [transcript] = [d.public_id for d in documents if d.kind == "transcript"]
        [named] = [d.public_id for d in documents if d.text == ARBEN]
    decide(app, steward.client, named)
    pause_an_interview(lead.client)
    return Data(lead.email, steward.email, transcript, named)


def pause_an_interview(client) -> None:
    """Start an interview on the tiny study and pause it: the list has one in progress."""
    started = post(client, "/interview/tiny/start", {"language": "en", "second_language": ""})
    base = started.headers["Location"].removesuffix("/consent")
    post(client, f"{base}/consent", {"consent": "agree"})
    assert post(client, f"{base}/pause", {"reason": "interruption"}).status_code == 303


def decide(app: Flask, client, guid: str) -> None:
    """Accept the phone number, reject the second "Arben", and hide "the night" as a place."""
    url = f"{BASE}/redaction/{guid}"
    post(client, f"{url}/add", {"how": "words", "words": "the night", "kind": "place"})
    with app.app_context():
        spans = dict(
            db.session.execute(
                select(Redaction.start, Redaction.public_id)
                .join(CodingDocument, CodingDocument.id == Redaction.document_id)
                .where(CodingDocument.public_id == guid)
            ).all()
        )
    for words, action in (("07700 900123", "accept"), ("Arben left", "reject")):
        response = post(client, f"{url}/{spans[ARBEN.index(words)]}", {"action": action})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Data]]:
    """Serve an app holding the studies on a free port, for the whole module."""
    app = make_app(tmp_path_factory.mktemp("interview-pages"))
    data = build(app)
    with serving(app, dispose=True) as live:
        yield live, data


@dataclass
class Person:
    """A signed-in browser page, with every URL it asked for and what the CSP refused."""

    page: Page
    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@dataclass
class People:
    """The module's browser pages, made when first asked for: (email, JavaScript on?)."""

    browser: Browser
    server: LiveServer
    data: Data
    made: dict[tuple[str, bool], Person] = field(default_factory=dict)

    def person(self, email: str, javascript: bool = True) -> Person:
        """Return the page signed in as `email`, with or without JavaScript."""
        if (email, javascript) not in self.made:
            context = self.browser.new_context(
                base_url=self.server.url,
                viewport={"width": 320, "height": WIDTHS[320]},
                java_script_enabled=javascript,
            )
            context.set_default_timeout(TIMEOUT_MS)
            person = Person(context.new_page())
            context.on("request", lambda request: person.requests.append(request.url))
            person.page.on(
                "console",
                lambda m: person.refused.append(m.text) if "Security Policy" in m.text else None,
            )
            person.page.goto("/studio/login")
            person.page.get_by_label("Email address").fill(email)
            person.page.get_by_label("Password").fill(STAFF_PASSWORD)
            press(person.page, "Sign in")
            self.made[(email, javascript)] = person
        return self.made[(email, javascript)]


@pytest.fixture(scope="module")
def people(browser, server) -> Iterator[People]:
    """The browser pages of the module's people, closed at the end."""
    live, data = server
    made = People(browser, live, data)
    yield made
    for person in made.made.values():
        person.page.context.close()


# ---- reaching each page, as a person would ----


def start_interview(page: Page, slug: str, second: str = "") -> str:
    """Start an interview from the list (with an interpreter's language); return its base URL."""
    page.goto(f"/interview/{slug}")
    page.get_by_label("Language of the interview").select_option("en")
    if second:
        page.locator("#second_language").select_option(second)
    press(page, "Start an interview")
    assert page.url.endswith("/consent"), page.url
    return page.url.removesuffix("/consent")


def agree(page: Page) -> None:
    """Record the respondent's consent."""
    page.get_by_label("Agrees to take part").check()
    press(page, "Record the answer")


def interview_on(page: Page, slug: str, second: str = "") -> str:
    """Start an interview and agree; return its base URL (now on its first question page)."""
    base = start_interview(page, slug, second)
    agree(page)
    return base


def to_section(page: Page) -> str:
    """Reach the tiny study's sensitive section through its first page; return the base URL."""
    base = interview_on(page, "tiny")
    page.get_by_label("Tell us more").fill("They listened to me.")
    press(page, "Save and continue")
    assert page.url.endswith("/section/hard"), page.url
    return base


def goto(path: str) -> Callable[[Page, Data], None]:
    """Return a step that opens `path` (formatted with the module's data)."""

    def step(page: Page, data: Data) -> None:
        response = page.goto(path.format(data=data))
        assert response is not None and response.status == 200, f"{path}: {response.status}"

    return step


def consent_error(page: Page, data: Data) -> None:
    start_interview(page, AR_SLUG, second="ar")
    press(page, "Record the answer")


def question_error(page: Page, data: Data) -> None:
    to_section(page)
    press(page, "Skip this section")
    page.get_by_label("How old are you?").fill("5")
    press(page, "Save and continue")


def at(suffix: str) -> Callable[[Page, Data], None]:
    """Return a step that opens `suffix` of an interview at the tiny study's sensitive section."""

    def step(page: Page, data: Data) -> None:
        base = to_section(page)
        if suffix:
            page.goto(base + suffix)

    return step


def reason_needed(page: Page, data: Data) -> None:
    base = to_section(page)
    page.goto(f"{base}/page/about")
    page.get_by_label("Pause because").select_option(index=0)
    page.evaluate("() => document.getElementById('pause-reason').value = 'nonsense'")
    press(page, "Save this page and pause")


def sent(page: Page, data: Data) -> None:
    base = to_section(page)
    page.goto(f"{base}/check")
    press(page, "Send the answers")


def stopped(page: Page, data: Data) -> None:
    base = to_section(page)
    page.goto(f"{base}/stop?reason=distress")
    page.get_by_label("Keep them", exact=False).check()
    press(page, "Stop the interview")


def declined(page: Page, data: Data) -> None:
    start_interview(page, "tiny")
    page.get_by_label("Does not agree", exact=False).check()
    press(page, "Record the answer")


def transcript_error(page: Page, data: Data) -> None:
    page.goto(f"{BASE}/transcripts/new")
    press(page, "Add the transcript")


def redaction_error(page: Page, data: Data) -> None:
    page.goto(f"{BASE}/redaction/{data.named}")
    press(page, "Hide these words")


RESEARCHER, STEWARD = "researcher", "steward"
# name: (who, how to reach it, what its main heading says)
KINDS: dict[str, tuple[str, Callable[[Page, Data], None], str]] = {
    "interview list": (RESEARCHER, goto("/interview/tiny"), "Interviews"),
    "interview list of a guide study": (RESEARCHER, goto(f"/interview/{GUIDE_SLUG}"), "Interviews"),
    "consent with an interpreter": (
        RESEARCHER,
        lambda page, data: start_interview(page, AR_SLUG, second="ar"),
        "Consent: read this aloud",
    ),
    "consent error": (RESEARCHER, consent_error, "Consent: read this aloud"),
    "question with an interpreter": (
        RESEARCHER,
        lambda page, data: interview_on(page, AR_SLUG, second="ar"),
        "About you",
    ),
    "question": (RESEARCHER, lambda page, data: interview_on(page, "tiny"), "About you"),
    "question error": (RESEARCHER, question_error, "More"),
    "sensitive section": (RESEARCHER, at(""), "Hard things"),
    "check": (RESEARCHER, at("/check"), "Check the answers with the respondent"),
    "distress check": (RESEARCHER, at("/distress-check"), "Distress check"),
    "stop": (RESEARCHER, at("/stop?reason=distress"), "Stop the interview"),
    "support": (RESEARCHER, at("/support"), "Where to get help"),
    "reason needed": (RESEARCHER, reason_needed, "Choose a reason to pause"),
    "done": (RESEARCHER, sent, "The answers have been sent"),
    "stopped": (RESEARCHER, stopped, "The interview has stopped"),
    "declined": (RESEARCHER, declined, "The respondent does not want to take part"),
    "guide": (RESEARCHER, goto(f"/interview/{GUIDE_SLUG}/guide"), ""),
    "transcripts": (RESEARCHER, goto(f"{BASE}/transcripts"), "Transcripts"),
    "transcript new": (RESEARCHER, goto(f"{BASE}/transcripts/new"), "Add a transcript"),
    "transcript error": (RESEARCHER, transcript_error, "Add a transcript"),
    "transcript document": (RESEARCHER, goto(BASE + "/documents/{data.transcript}"), ""),
    "redaction list": (STEWARD, goto(f"{BASE}/redaction"), "Redaction"),
    "redaction document": (
        STEWARD,
        goto(BASE + "/redaction/{data.named}"),
        "Redaction review",
    ),
    "redaction error": (STEWARD, redaction_error, "Redaction review"),
}


def open_kind(people: People, kind: str, javascript: bool = True) -> Person:
    """Reach the page `kind` as its person would; return that person's page."""
    who, reach, heading = KINDS[kind]
    email = people.data.researcher if who == RESEARCHER else people.data.steward
    person = people.person(email, javascript)
    person.page.set_viewport_size({"width": 320, "height": WIDTHS[320]})
    reach(person.page, people.data)
    if heading:
        assert person.page.get_by_role("heading", level=1).inner_text().startswith(heading)
    return person


def screenshot(page: Page, kind: str, width: int) -> None:
    """Save the page as a person sees it, when asked to."""
    if SHOTS:
        SCREENSHOTS.mkdir(exist_ok=True)
        name = re.sub(r"\W+", "-", kind)
        page.screenshot(path=SCREENSHOTS / f"interview-{name}-{width}px.png", full_page=True)


@pytest.mark.parametrize("kind", KINDS)
def test_page_passes_automated_wcag_checks_at_320_and_1280_px(people, axe_source, kind):
    person = open_kind(people, kind)
    page = person.page
    page.evaluate(OPEN_EVERY_DETAILS)
    page.evaluate(axe_source)
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, kind, width)
        violations = page.evaluate(RUN_AXE, WCAG_TAGS)
        assert not violations, f"{kind} at {width}px:\n{describe(violations)}"
        overflow = page.evaluate(OVERFLOW)
        assert overflow <= 0, f"{kind} at {width}px scrolls sideways by {overflow}px"
    title = page.title()
    assert title and not MARKUP.search(title), f"{kind}: the title is not plain words: {title!r}"
    assert not person.refused, f"{kind}: the Content-Security-Policy refused {person.refused}"
    own = origin(people.server.url)
    foreign = [url for url in person.requests if origin(url) != own]
    assert not foreign, f"{kind}: requests went to another origin: {foreign}"


@pytest.mark.parametrize("kind", KINDS)
def test_page_is_reached_and_read_with_javascript_off(people, kind):
    # Every step above is links and forms: with JavaScript off the same steps reach the page.
    page = open_kind(people, kind, javascript=False).page
    assert page.evaluate(OVERFLOW) <= 0, f"{kind} at 320px scrolls sideways without JavaScript"
    assert page.locator("main h1").is_visible()


def test_the_pages_show_what_the_audit_is_meant_to_cover(people):
    # Without these the audit above would pass on pages missing their hardest parts.
    page = open_kind(people, "interview list").page
    assert page.locator("main table tbody tr").count() >= 1  # an interview in progress
    page = open_kind(people, "question with an interpreter").page
    assert page.locator('.lang-col.interpreter[lang="ar"][dir="rtl"]').count() == 1
    page = open_kind(people, "transcript document").page
    assert page.locator("#doc-text .turn").count() == 4
    assert page.locator("#doc-text .ph").count() >= 1
    assert "Arben" not in page.locator("#doc-text").inner_text()
    page = open_kind(people, "redaction document").page
    for status in ("proposed", "accepted", "rejected"):
        assert page.locator(f"#raw-text mark.red-{status}").count() >= 1, status
    assert page.get_by_text("added by a steward", exact=False).count() >= 1
    assert page.locator("#redacted-text").inner_text().count("[") >= 2
    page = open_kind(people, "done").page
    assert page.locator(".phrase").inner_text().strip()


def test_a_whole_interview_runs_with_javascript_off(people):
    page = people.person(people.data.researcher, javascript=False).page
    page.set_viewport_size({"width": 320, "height": WIDTHS[320]})
    base = interview_on(page, "tiny")
    page.get_by_label("I called them").check()
    press(page, "Save and continue")
    press(page, "Skip this section")
    press(page, "Save and continue")
    assert page.url == f"{base}/check"
    assert "I called them" in page.locator("main").inner_text()
    press(page, "Send the answers")
    assert page.locator(".phrase").inner_text().strip()
