"""Every page of the coding workspace passes the WCAG 2.2 A and AA checks a machine can make.

The data is the synthetic coding demo (two demo coders who mostly agree, a
starter codebook, distressing passages), plus a lead on the study's team who
has coded a passage over the demo coders' ones, marked it distressing, and
chose to see distressing passages collapsed behind a content note, and a
codebook with enough codes that the grid scrolls sideways.

One live server and one signed-in page serve the whole module. Each page is
loaded once, every <details> on it is opened (so the passages behind content
notes, the memos and the filters are audited too), and it is audited at 320
and 1280 px. As for the respondent pages, nothing may need sideways scrolling
at 320 px (1.4.10: a wide table scrolls inside its own region instead), the
title is plain words, the Content-Security-Policy refuses nothing, and no
request leaves the live server.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from instruments import load_library
from survey.extensions import db
from survey.models import Code, Coder, CodingDocument, Segment, Study, User
from survey.services.coding import demo, segments, workspace
from tests.conftest import make_app
from tests.survey.browser.conftest import LiveServer, origin, serving
from tests.survey.browser.staff import SignedIn, signed_in_page
from tests.survey.browser.test_accessibility import MARKUP, RUN_AXE, WCAG_TAGS, WIDTHS, describe
from tests.survey.coding.helpers import add_code, code_span, coder

if TYPE_CHECKING:
    from flask import Flask

pytestmark = pytest.mark.browser

BASE = f"/coding/{demo.SLUG}"
EXTRA_CODES = ("Waiting", "Housing", "Money", "Health", "Phone taken", "Searched", "Trust")
# Coders are named by their email address: a long one must not push a page sideways at 320 px.
LONG_EMAIL = "lead.researcher.with-a-long-address@university.example.org"
OPEN_EVERY_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


@dataclass(frozen=True)
class Workspace:
    """The demo study's identifiers that the pages are reached by."""

    document: str  # an answer with overlapping codings and a distressing passage
    code: str  # a code applied there, some of its segments marked distressing
    coders: tuple[str, ...]  # the demo coders' GUIDs
    question: str


def build_workspace(app: Flask) -> tuple[Workspace, str]:
    """Make the demo, a lead who coded and collapses distressing passages; return ids, email."""
    with app.app_context():
        study = demo.create_demo(db.session, load_library("police-response")).study
        study_id = study.id
    for name in EXTRA_CODES:
        add_code(app, study_id, name)
    lead = coder(app, study_id, role="researcher", email=LONG_EMAIL)
    with app.app_context():
        document, text, code, start = db.session.execute(
            select(CodingDocument.public_id, CodingDocument.text, Code.public_id, Segment.start)
            .join(CodingDocument, CodingDocument.id == Segment.document_id)
            .join(Code, Code.id == Segment.code_id)
            .where(CodingDocument.study_id == study_id, Segment.distressing.is_(True))
            .order_by(Segment.id)
            .limit(1)
        ).one()
        question = db.session.scalar(
            select(CodingDocument.item_id).where(CodingDocument.public_id == document)
        )
        imported = db.session.scalars(
            select(Coder.public_id).where(Coder.study_id == study_id, Coder.kind == "imported")
        ).all()
    # The lead's coding starts inside a demo coder's and runs to the end: overlapping marks.
    code_span(app, study_id, lead.user_id, document, start + 1, len(text), code)
    with app.app_context():
        study, user = db.session.get(Study, study_id), db.session.get(User, lead.user_id)
        mine = db.session.scalar(
            select(Segment.public_id).join(Coder).where(Coder.user_id == lead.user_id)
        )
        segments.update_segment(db.session, user, study, mine, distressing=True, memo="Check")
        workspace.set_collapse(db.session, user, study, True)
    return Workspace(document, code, tuple(imported), question), lead.email


def pages(ids: Workspace) -> dict[str, str]:
    """Return the path of every kind of coding page, by a name for the test report."""
    agreement = urlencode({"unit": "answer", "coders": ids.coders}, doseq=True)
    return {
        "overview": BASE,
        "documents": f"{BASE}/documents",
        "document": f"{BASE}/documents/{ids.document}",
        "codebook": f"{BASE}/codebook",
        "code new": f"{BASE}/codebook/new",
        "code edit": f"{BASE}/codebook/{ids.code}",
        "code delete": f"{BASE}/codebook/{ids.code}/delete",
        "code split": f"{BASE}/codebook/{ids.code}/split",
        "codes": f"{BASE}/codes",
        "code view": f"{BASE}/codes/{ids.code}",
        "search with hits": f"{BASE}/search?q=police",
        "grid": f"{BASE}/grid/{ids.question}",
        "coders": f"{BASE}/coders",
        "compare summary": f"{BASE}/compare",
        "compare a code": f"{BASE}/compare?code={ids.code}",
        "compare an answer": f"{BASE}/compare/{ids.document}?code={ids.code}",
        "agreement": f"{BASE}/agreement?{agreement}",
        "export and import": f"{BASE}/exchange",
        "log": f"{BASE}/log",
    }


@pytest.fixture(scope="module")
def coding_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LiveServer, str, dict[str, str]]]:
    """Serve an app holding the coding demo on a free port, for the whole module."""
    app = make_app(tmp_path_factory.mktemp("coding-pages"))
    ids, email = build_workspace(app)
    with serving(app, dispose=True) as server:
        yield server, email, pages(ids)


@pytest.fixture(scope="module")
def signed_in(browser, coding_server) -> Iterator[SignedIn]:
    """One browser page, signed in as the study's lead, reused by every test of the module."""
    server, email, paths = coding_server
    with signed_in_page(browser, server, email, paths, 320, WIDTHS[320]) as session:
        yield session


KINDS = (
    "overview",
    "documents",
    "document",
    "codebook",
    "code new",
    "code edit",
    "code delete",
    "code split",
    "codes",
    "code view",
    "search with hits",
    "grid",
    "coders",
    "compare summary",
    "compare a code",
    "compare an answer",
    "agreement",
    "export and import",
    "log",
)


@pytest.mark.parametrize("kind", KINDS)
def test_coding_page_passes_automated_wcag_checks_at_320_and_1280_px(signed_in, axe_source, kind):
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
    title = page.title()
    assert title and not MARKUP.search(title), f"{kind}: the title is not plain words: {title!r}"
    assert not signed_in.refused, f"{kind}: the Content-Security-Policy refused {signed_in.refused}"
    own = origin(signed_in.server.url)
    foreign = [url for url in signed_in.requests if origin(url) != own]
    assert not foreign, f"{kind}: requests went to another origin: {foreign}"


def test_the_demo_pages_show_what_the_audit_is_meant_to_cover(signed_in):
    # Without these the audit above would pass on pages missing their hardest parts.
    page = signed_in.page
    page.goto(signed_in.paths["document"])
    assert page.locator("#doc-text details.cn").count() >= 1  # a passage behind a content note
    assert page.locator("#doc-text mark mark").count() >= 1  # overlapping codings
    page.goto(signed_in.paths["grid"])
    assert page.locator(".coding-grid thead th.code-col").count() > 12  # it scrolls sideways
    page.goto(signed_in.paths["agreement"])
    assert page.locator(".agreement-table tbody tr").count() > 12
    page.goto(signed_in.paths["search with hits"])
    assert page.locator(".kwic-line").count() >= 1
