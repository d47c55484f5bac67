"""The analysis and data-out pages of the synthetic demo pass the WCAG 2.2 A and AA machine checks.

The data is the coding demo built as `heard demo` builds it, with its topic
fit run synchronously (automatic k, so the k curve is there), plus a fit
that is still running (the progress page) and a queue of code suggestions
trained on the signed-in lead's coder (inserted in the shape the job leaves).

One live server and one signed-in page serve the whole module. Each page is
audited at 320 and 1280 px with every <details> open; nothing may need
sideways scrolling (a wide table scrolls inside its own region), the title
is plain words, the Content-Security-Policy refuses nothing, and no request
leaves the live server. Screenshots go to test-artifacts/analysis-*.png.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from instruments import load_library
from survey.extensions import db, write_transaction
from survey.models import (
    AnalysisJob,
    AnalysisResult,
    Code,
    CodeSuggestion,
    CodingDocument,
    Study,
    User,
)
from survey.services.analysis import jobs
from survey.services.coding import demo
from survey.services.coding.coders import coder_for
from tests.conftest import make_app
from tests.survey.browser.conftest import SCREENSHOTS, LiveServer, origin, serving
from tests.survey.browser.staff import SignedIn, signed_in_page
from tests.survey.browser.test_accessibility import MARKUP, RUN_AXE, WCAG_TAGS, WIDTHS, describe
from tests.survey.coding.helpers import coder

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails) with the reason
    expect = None

if TYPE_CHECKING:
    from flask import Flask

pytestmark = pytest.mark.browser

BASE = f"/analysis/{demo.SLUG}"
OPEN_EVERY_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"
SUGGESTIONS_RESULT = {
    "kind": "suggestions", "trained_on": 24, "threshold": 0.5,
    "codes": [{"code_id": 0, "name": "Not believed", "precision": 0.75, "recall": 0.6,
               "f1": 0.67, "support": 10}],
    "skipped": [{"code_id": 0, "name": "Debt", "reason": "only 2 coded examples; 5 are needed"}],
}  # fmt: skip


@dataclass(frozen=True)
class Demo:
    """What the analysis pages of the demo are reached by."""

    fit: str  # the finished automatic topic fit
    running: str  # a fit still running
    item: str  # the question the suggestions are for
    attribute: str  # a closed question to split prevalence by


def run_demo_fit(app: Flask, study_id: int) -> str:
    """Run the demo's topic fit (automatic k, all free text) as `heard demo` does; return its id."""
    with app.app_context():
        study = db.session.get(Study, study_id)
        params = {"item_id": None, "n_topics": "auto", "method": "nmf", "seed": 0}
        job = jobs.start(db.session, study, None, "topics", params)
        assert job.status == "done", job.error
        return job.public_id


def add_running_fit(app: Flask, study_id: int) -> str:
    """Insert a fit that a worker is running; return its id."""
    with app.app_context(), write_transaction(db.session):
        job = AnalysisJob(
            study_id=study_id, kind="topics", status="running", progress=35, stage="fitting k=8",
            params_json=json.dumps({"item_id": None, "n_topics": "auto", "method": "nmf",
                                    "seed": 1, "segmenting": "auto"}),
        )  # fmt: skip
        db.session.add(job)
        db.session.flush()
        return job.public_id


def add_suggestions(app: Flask, study_id: int, coder_id: int) -> str:
    """Insert a finished suggestions job on `coder_id` with five open suggestions; return item."""
    with app.app_context(), write_transaction(db.session):
        item, code = db.session.execute(
            select(CodingDocument.item_id, Code.id)
            .join(Code, Code.study_id == CodingDocument.study_id)
            .where(CodingDocument.study_id == study_id, Code.codable.is_(True))
            .order_by(CodingDocument.id, Code.id)
            .limit(1)
        ).one()
        params = {"item_id": item, "coder_id": coder_id, "threshold": 0.5}
        job = AnalysisJob(
            study_id=study_id, kind="suggestions", status="done", params_json=json.dumps(params)
        )
        db.session.add(job)
        db.session.flush()
        result = {**SUGGESTIONS_RESULT, "item_id": item, "coder_id": coder_id}
        db.session.add(AnalysisResult(job_id=job.id, result_json=json.dumps(result)))
        documents = db.session.scalars(
            select(CodingDocument.id).where(CodingDocument.item_id == item).limit(5)
        ).all()
        for number, document in enumerate(documents):
            db.session.add(
                CodeSuggestion(
                    job_id=job.id, document_id=document, code_id=code, probability=0.9 - number / 20
                )
            )
        return item


def build(app: Flask) -> tuple[Demo, str]:
    """Make the demo with its fit, a running fit and the lead's suggestions; return ids, email."""
    with app.app_context():
        study = demo.create_demo(db.session, load_library("police-response")).study
        study_id = study.id
    fit = run_demo_fit(app, study_id)
    lead = coder(app, study_id, role="researcher")
    with app.app_context():
        study, user = db.session.get(Study, study_id), db.session.get(User, lead.user_id)
        coder_id = coder_for(db.session, study, user).id
        db.session.commit()
    item = add_suggestions(app, study_id, coder_id)
    return Demo(fit, add_running_fit(app, study_id), item, "contact_how"), lead.email


def paths(ids: Demo) -> dict[str, str]:
    """Return the path of every kind of analysis page, by a name for the test report."""
    return {
        "overview": BASE,
        "descriptives": f"{BASE}/describe",
        "words": f"{BASE}/words",
        "topics list": f"{BASE}/topics",
        "explorer": f"{BASE}/topics/{ids.fit}",
        "explorer by attribute": f"{BASE}/topics/{ids.fit}?by={ids.attribute}",
        "running fit": f"{BASE}/topics/{ids.running}",
        "suggestions": f"{BASE}/suggestions",
        "suggestion queue": f"{BASE}/suggestions/{ids.item}",
        "codes by answer": f"{BASE}/codes?by={ids.attribute}",
        # The studio's data-out pages of the same study (the lead is a researcher on it).
        "studio export": f"/studio/studies/{demo.SLUG}/export",
        "studio export settings": f"/studio/studies/{demo.SLUG}/export/settings",
        "studio settings": f"/studio/studies/{demo.SLUG}/settings",
    }


@pytest.fixture(scope="module")
def analysis_server(tmp_path_factory) -> Iterator[tuple[LiveServer, str, dict[str, str]]]:
    """Serve an app holding the analysed coding demo on a free port, for the whole module."""
    app = make_app(tmp_path_factory.mktemp("analysis-pages"))
    ids, email = build(app)
    with serving(app, dispose=True) as server:
        yield server, email, paths(ids)


@pytest.fixture(scope="module")
def signed_in(browser, analysis_server) -> Iterator[SignedIn]:
    """One browser page, signed in as a researcher on the demo's team, for the whole module."""
    server, email, found = analysis_server
    with signed_in_page(browser, server, email, found, 320, WIDTHS[320]) as session:
        yield session


KINDS = (
    "overview",
    "descriptives",
    "words",
    "topics list",
    "explorer",
    "explorer by attribute",
    "running fit",
    "suggestions",
    "suggestion queue",
    "codes by answer",
    "studio export",
    "studio export settings",
    "studio settings",
)


@pytest.mark.parametrize("kind", KINDS)
def test_analysis_page_passes_automated_wcag_checks_at_320_and_1280_px(signed_in, axe_source, kind):
    page = signed_in.page
    page.set_viewport_size({"width": 320, "height": WIDTHS[320]})
    response = page.goto(signed_in.paths[kind])
    assert response is not None and response.status == 200, f"{kind} did not load"
    page.evaluate(OPEN_EVERY_DETAILS)
    page.evaluate(axe_source)
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        violations = page.evaluate(RUN_AXE, WCAG_TAGS)
        assert not violations, f"{kind} at {width}px:\n{describe(violations)}"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{kind} at {width}px scrolls sideways by {overflow}px"
        SCREENSHOTS.mkdir(exist_ok=True)
        name = kind.replace(" ", "-")
        page.screenshot(path=str(SCREENSHOTS / f"analysis-{name}-{width}.png"), full_page=True)
    title = page.title()
    assert title and not MARKUP.search(title), f"{kind}: the title is not plain words: {title!r}"
    assert not signed_in.refused, f"{kind}: the Content-Security-Policy refused {signed_in.refused}"
    own = origin(signed_in.server.url)
    foreign = [url for url in signed_in.requests if origin(url) != own]
    assert not foreign, f"{kind}: requests went to another origin: {foreign}"


def test_the_topic_explorer_of_the_demo_shows_its_topics_and_the_k_curve(signed_in):
    page = signed_in.page
    page.goto(signed_in.paths["explorer"])
    topics = page.get_by_role("table", name="Topics with their top 10 words")
    assert topics.locator("tbody tr").count() >= 2
    assert page.locator("section:has(#curve-h) svg").count() == 1
    assert page.locator("#quotes-h ~ ul.quotes blockquote").count() >= 1


def test_the_running_fits_progress_bar_follows_the_job_and_the_page_reloads_when_done(
    signed_in,
):
    app = signed_in.server.app
    with app.app_context():
        study_id = db.session.scalar(select(Study.id).where(Study.slug == demo.SLUG))
    job = add_running_fit(app, study_id)
    page = signed_in.page
    page.goto(f"{BASE}/topics/{job}")
    assert page.locator("progress").get_attribute("value") == "35"
    with app.app_context(), write_transaction(db.session):
        row = db.session.scalar(select(AnalysisJob).where(AnalysisJob.public_id == job))
        row.progress, row.stage = 80, "naming topics"
    expect(page.locator("#job-percent")).to_have_text("80%")
    expect(page.locator("#job-bar")).to_have_attribute("value", "80")
    assert page.locator("#job-stage").inner_text() == "naming topics"
    with app.app_context(), write_transaction(db.session):
        row = db.session.scalar(select(AnalysisJob).where(AnalysisJob.public_id == job))
        row.status, row.error = "failed", "topics.test: Stopped by the test."
    page.wait_for_selector("text=Stopped by the test.")
