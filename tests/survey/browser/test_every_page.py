"""Every GET route of the app, as a page in a browser, passes the WCAG 2.2 A and AA machine checks.

The routes come from the app's URL map, through the route inventory's samples
(tests/survey/test_route_inventory.py), on the inventory's world: two studies
with answers, codings, jobs, suggestions, redaction spans and interviews, so
every URL names real objects. A new GET route is audited here without being
listed, or must be named in `NOT_PAGES` (a download, a stylesheet, JSON).

Staff pages are seen by an admin (who sees every page and every control),
the sign-in page by someone not signed in, and the respondent's pages by a
respondent in the middle of a survey, with JavaScript on and off. Each page is
audited at 320 and 1280 px with every <details> opened. The respondent pages
in each state a person can reach (errors, saved, sent, withdrawn...) are
audited by test_accessibility.py; the staff pages with richer data by
test_coding_pages.py, test_analysis_pages.py and test_interview_pages.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.survey.browser.audit import problems_at_both_widths
from tests.survey.browser.conftest import TIMEOUT_MS, LiveServer, origin, serving
from tests.survey.browser.test_accessibility import WIDTHS
from tests.survey.test_route_inventory import INVENTORY
from tests.survey.test_route_inventory_world import Sample, Site, request, samples, sites

pytestmark = pytest.mark.browser

# GET routes whose answer is not a page, and what it is instead.
NOT_PAGES = {
    "static": "text/css",
    "health.healthz": "application/json",
    "health.readyz": "application/json",
    "analysis.job_status": "application/json",
    "analysis.codes_csv": "text/csv",
    "coding.agreement_csv": "text/csv",
    "coding.code_colours": "text/css",
    "coding.export_codebook": "text/csv",
    "coding.export_matrix": "text/csv",
    "coding.export_segments": "text/csv",
    "coding.export_project": "application/zip",
}
QUICK_EXIT = "respond.quick_exit"  # leaves for the exit site: test_quick_exit.py
GETS = [sample for sample in samples(INVENTORY) if sample.method == "GET"]
PAGES = [sample for sample in GETS if sample.endpoint not in {*NOT_PAGES, QUICK_EXIT}]


def actor_of(sample: Sample) -> str:
    """Return who sees the page: a respondent, someone signing in, or an admin on study A."""
    if sample.endpoint.startswith("respond."):
        return "respondent"
    return "anonymous" if sample.endpoint == "auth.login_view" else "admin@own"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, LiveServer]]:
    """The route inventory's world, served on a free port for the whole module."""
    for site in sites(tmp_path_factory.mktemp("every-page")):
        with serving(site.app) as server:
            yield site, server


@pytest.fixture(scope="module")
def pages(browser, world) -> Iterator[dict]:
    """One page per (actor, JavaScript on or off), carrying the actor's session, made when asked."""
    site, server = world
    made: dict = {}

    def page_for(actor: str, javascript: bool):
        if (actor, javascript) not in made:
            context = browser.new_context(
                base_url=server.url, viewport={"width": 320, "height": WIDTHS[320]}
            )
            context.set_default_timeout(TIMEOUT_MS)
            if site.cookies[actor]:
                name = site.app.config["SESSION_COOKIE_NAME"]
                context.add_cookies(
                    [{"name": name, "value": site.cookies[actor], "url": server.url}]
                )
            page = context.new_page()
            page.scripts = context.new_cdp_session(page)  # type: ignore[attr-defined]
            page.requests = []  # type: ignore[attr-defined]
            context.on("request", lambda r, page=page: page.requests.append(r.url))
            made[actor, javascript] = page
        return made[actor, javascript]

    yield page_for
    for page in made.values():
        page.context.close()


def path_of(site: Site, sample: Sample, actor: str) -> str:
    """Return the sample's URL with the ids of the actor's study."""
    role = actor.partition("@")[0]
    values = site.ids["own"] | site.per_role["own"].get(role, site.per_role["own"]["admin"])
    return sample.path.format_map(values)


def test_every_get_route_of_the_url_map_is_audited_here_or_named_as_no_page(world):
    site, _ = world
    in_map = {rule.endpoint for rule in site.app.url_map.iter_rules() if "GET" in rule.methods}
    audited = {sample.endpoint for sample in PAGES}
    assert in_map - audited == {*NOT_PAGES, QUICK_EXIT}


@pytest.mark.parametrize("sample", [s for s in GETS if s.endpoint in NOT_PAGES], ids=lambda s: s.id)
def test_a_route_named_as_no_page_answers_with_no_page(world, sample):
    site, _ = world
    response = request(site, sample, actor_of(sample))
    assert response.status_code == 200, f"{sample.id}: {response.status_code}"
    assert response.mimetype == NOT_PAGES[sample.endpoint], f"{sample.id}: {response.mimetype}"


def audit(pages, world, axe_source, sample: Sample, javascript: bool) -> None:
    """Load the sample's page as its actor and assert it passes every check."""
    site, server = world
    actor = actor_of(sample)
    page = pages(actor, javascript)
    page.requests.clear()
    page.set_viewport_size({"width": 320, "height": WIDTHS[320]})
    # The page loads with scripts on or off; axe-core then needs them on to run.
    page.scripts.send("Emulation.setScriptExecutionDisabled", {"value": not javascript})
    response = page.goto(path_of(site, sample, actor))
    assert response is not None and response.status == 200, f"{sample.id} did not load"
    assert "text/html" in response.headers["content-type"]
    page.scripts.send("Emulation.setScriptExecutionDisabled", {"value": False})
    problems = problems_at_both_widths(page, axe_source, sample.id)
    assert not problems, "\n".join(problems)
    foreign = [url for url in page.requests if origin(url) != origin(server.url)]
    assert not foreign, f"{sample.id}: requests went to another origin: {foreign}"


@pytest.mark.parametrize("sample", PAGES, ids=lambda s: s.id)
def test_page_passes_automated_wcag_checks_at_320_and_1280_px(pages, world, axe_source, sample):
    audit(pages, world, axe_source, sample, javascript=True)


RESPONDENT_PAGES = [sample for sample in PAGES if sample.endpoint.startswith("respond.")]


@pytest.mark.parametrize("sample", RESPONDENT_PAGES, ids=lambda s: s.id)
def test_respondent_page_passes_them_with_javascript_off(pages, world, axe_source, sample):
    audit(pages, world, axe_source, sample, javascript=False)
