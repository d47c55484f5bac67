"""Who may open which analysis route: every route of the blueprint, every role, allowed and refused.

Analysis needs the `analyse` permission: administrators, and researchers and
analysts on the study's team. An analyst on another team, a data steward or
an interviewer on the team, and anyone else get 404, exactly like a study
that does not exist; someone not signed in is sent to sign in. Object ids
from another study are never accepted, and every POST needs its CSRF token.

To add a route: add one `Route` line to `TABLE`. A route that needs objects
of its own (a job, a suggestion) names them as `{placeholders}` in its path
or form, and a function appended to `SETUP` makes them for each world
(`setup(app, study_id, user_id) -> {placeholder: value}`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey.extensions import db, write_transaction
from survey.models import Membership
from tests.conftest import make_app
from tests.factories import add_study, form_token, make_staff, sign_in, tiny_instrument
from tests.survey.coding.helpers import respond, sync

# (role name, account role, on the study's team)
ROLES = {
    "anonymous": (None, False),
    "admin": ("admin", False),
    "researcher": ("researcher", True),
    "analyst": ("analyst", True),
    "other_analyst": ("analyst", False),
    "data_steward": ("data_steward", True),
    "interviewer": ("interviewer", True),
}
ALLOWED = {
    "analyse": {"admin", "researcher", "analyst"},
    # Accepting a code suggestion codes the document: the `code` permission as well.
    "code": {"admin", "researcher", "analyst"},
}
STORIES = ("They kept my wages every week.", "The police found me at the farm.")
_slugs = itertools.count(1)


@dataclass(frozen=True)
class Route:
    """One analysis route: what it needs, what an allowed person gets, the form it posts."""

    method: str
    path: str
    needs: str
    status: int
    form: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Return a short name for test ids."""
        return f"{self.method} {self.path.removeprefix('/analysis/{slug}')}"


BASE = "/analysis/{slug}"
TABLE = [
    Route("GET", BASE, "analyse", 200),
    Route("GET", f"{BASE}/describe", "analyse", 200),
    Route("GET", f"{BASE}/describe/contact_kind", "analyse", 200),
    Route("GET", f"{BASE}/describe/contact_kind?by=arrested", "analyse", 200),
    Route("GET", f"{BASE}/describe/story", "analyse", 200),
    Route("GET", f"{BASE}/words", "analyse", 200),
    Route("GET", f"{BASE}/words?q=wages&question=story", "analyse", 200),
    Route("GET", f"{BASE}/words?q=wages&where=arrested%3DNo", "analyse", 200),
    # Topics and code suggestions (helper "web-topics"): append rows below this line.
    Route("GET", f"{BASE}/topics", "analyse", 200),
    Route("POST", f"{BASE}/topics", "analyse", 302,
          {"item_id": "story", "n_topics": "2", "method": "nmf", "seed": "0"}),
    Route("GET", f"{BASE}/topics/{{fit}}", "analyse", 200),
    Route("GET", f"{BASE}/topics/{{fit}}?by=contact_kind", "analyse", 200),
    Route("GET", f"{BASE}/jobs/{{fit}}/status", "analyse", 200),
    Route("POST", f"{BASE}/topics/{{fit}}/drafts", "code", 302, {"topic": "0"}),
    Route("GET", f"{BASE}/suggestions", "analyse", 200),
    Route("GET", f"{BASE}/suggestions/story", "analyse", 200),
    Route("POST", f"{BASE}/suggestions/story/train", "code", 302),
    Route("POST", f"{BASE}/suggestions/story/{{suggestion}}/accept", "code", 302),
    Route("POST", f"{BASE}/suggestions/story/{{rejectable}}/reject", "code", 302),
    # Codes by answer (helper "disclosure"); the world's code "Wages" gives the table a row.
    Route("GET", f"{BASE}/codes", "analyse", 200),
    Route("GET", f"{BASE}/codes?by=contact_kind", "analyse", 200),
    Route("GET", f"{BASE}/codes.csv?by=contact_kind", "analyse", 200),
    Route("GET", f"{BASE}/codes.csv", "analyse", 302),
    # Findings reports (helper "r3"); exporting also needs `export`, which these roles have.
    Route("GET", f"{BASE}/reports", "analyse", 200),
    Route("POST", f"{BASE}/reports", "analyse", 302, {"title": "Findings"}),
    Route("GET", f"{BASE}/reports/{{report}}", "analyse", 200),
    Route("POST", f"{BASE}/reports/{{report}}", "analyse", 302,
          {"action": "theme_add", "code": "{spare}"}),
    Route("GET", f"{BASE}/reports/{{report}}/themes/{{theme}}", "analyse", 200),
    Route("POST", f"{BASE}/reports/{{report}}/themes/{{theme}}", "analyse", 302,
          {"narrative": "What it shows."}),
    Route("GET", f"{BASE}/reports/{{report}}/preview", "analyse", 200),
    Route("POST", f"{BASE}/reports/{{report}}/delete", "analyse", 302, {"confirm": "yes"}),
    Route("POST", f"{BASE}/reports/{{report}}/builds", "analyse", 302),
    Route("GET", f"{BASE}/reports/{{report}}/builds/{{build}}", "analyse", 200),
    Route("POST", f"{BASE}/reports/{{report}}/builds/{{build}}", "analyse", 200, {"format": "md"}),
]  # fmt: skip

# Functions making a world's own objects for the routes above: (app, study_id, user_id) -> ids.
SETUP: list[Callable[[Flask, int, int], dict[str, str]]] = []


@dataclass(frozen=True)
class World:
    """One role's study: its slug and the ids its routes name."""

    slug: str
    study_id: int
    ids: dict[str, str]

    def fill(self, template: str) -> str:
        """Return `template` with this world's slug and ids filled in."""
        values = type(self.ids)(self.ids)  # keeps _AnyId's default
        values["slug"] = self.slug
        return template.format_map(values)


def expected(route: Route, role: str) -> int:
    """Return the status `role` gets from `route`."""
    if role == "anonymous":
        return 302
    return route.status if role in ALLOWED[route.needs] else 404


@dataclass
class Site:
    """One app for the whole module: an account and a signed-in client per role."""

    app: Flask
    clients: dict[str, FlaskClient]
    users: dict[str, int]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """Build the app once (accounts are slow to make: their passwords are hashed)."""
    app = make_app(tmp_path_factory.mktemp("analysis-access"))
    clients, users = {"anonymous": app.test_client()}, {}
    for role, (account, _) in ROLES.items():
        if account is None:
            continue
        member = make_staff(app, account)
        users[role] = member.id
        clients[role] = app.test_client()
        sign_in(clients[role], member.email, member.password)
    yield Site(app, clients, users)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _world(site: Site, role: str) -> tuple[FlaskClient, World]:
    """Build a study for `role` (on its team if the role says so), with answers and documents."""
    app, slug = site.app, f"a{next(_slugs)}"
    study_id = add_study(app, tiny_instrument(), slug=slug, disclosure_threshold=5)
    for story in STORIES:
        respond(app, study_id, story)
    sync(app, study_id)
    user_id = site.users.get(role) or site.users["admin"]
    if ROLES[role][1]:
        with app.app_context(), write_transaction(db.session):
            db.session.add(Membership(user_id=user_id, study_id=study_id))
    ids: dict[str, str] = {}
    for setup in SETUP:
        ids |= setup(app, study_id, user_id)
    return site.clients[role], World(slug, study_id, ids)


def _request(client: FlaskClient, route: Route, world: World):
    path = world.fill(route.path)
    if route.method == "GET":
        return client.get(path)
    data = {world.fill(key): world.fill(value) for key, value in route.form.items()}
    return client.post(path, data={"csrf_token": form_token(client), **data})


@pytest.mark.parametrize("route", TABLE, ids=lambda route: route.id)
def test_each_role_gets_what_the_table_says(site, route):
    got = {}
    for role in ROLES:
        client, world = _world(site, role)
        response = _request(client, route, world)
        got[role] = response.status_code
        if role == "anonymous":
            assert response.headers["Location"].startswith("/studio/login")
        assert response.status_code < 500, response.get_data(as_text=True)[:500]

    assert got == {role: expected(route, role) for role in ROLES}


@pytest.mark.parametrize("route", TABLE, ids=lambda route: route.id)
def test_a_refusal_is_the_same_page_as_a_study_that_does_not_exist(site, route):
    client, world = _world(site, "other_analyst")
    missing = World("no-such", world.study_id, world.ids)

    refused = _request(client, route, world)
    absent = _request(client, route, missing)

    assert refused.status_code == absent.status_code == 404
    assert refused.get_data() == absent.get_data()


SWAPPABLE = [route for route in TABLE if "{" in route.path.removeprefix(BASE)
             or any("{" in value for value in route.form.values())]  # fmt: skip


@pytest.mark.parametrize("route", SWAPPABLE, ids=lambda route: route.id)
def test_ids_from_another_study_are_not_found(site, route):
    client, mine = _world(site, "admin")
    _, theirs = _world(site, "admin")
    crossed = World(mine.slug, mine.study_id, theirs.ids)

    response = _request(client, route, crossed)

    assert response.status_code == 404, response.get_data(as_text=True)[:300]


def test_the_table_lists_every_analysis_route(site):
    adapter = site.app.url_map.bind("localhost")
    world = World("s", 1, _AnyId())
    listed = {
        (adapter.match(world.fill(r.path).split("?")[0], r.method)[0], r.method) for r in TABLE
    }
    routes = {
        (rule.endpoint, method)
        for rule in site.app.url_map.iter_rules()
        if rule.endpoint.startswith("analysis.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    assert routes - listed == set()


class _AnyId(dict):
    """Ids for matching paths to endpoints: every placeholder is filled with "x"."""

    def __missing__(self, key: str) -> str:
        return "x"


POSTS = [route for route in TABLE if route.method == "POST"]


@pytest.mark.parametrize("route", POSTS or [None], ids=lambda route: route.id if route else "none")
def test_every_post_without_its_csrf_token_is_refused(site, route):
    if route is None:
        pytest.skip("no POST route in the table yet")
    client, world = _world(site, "admin")
    data = {world.fill(key): world.fill(value) for key, value in route.form.items()}

    response = client.post(world.fill(route.path), data=data)

    assert response.status_code == 400
    assert "This page has expired" in response.get_data(as_text=True)


def _topics_and_suggestions(app: Flask, study_id: int, user_id: int) -> dict[str, str]:
    """Make a finished topic fit and a queue of two suggestions for `user_id` (web-topics)."""
    from sqlalchemy import select

    from survey.models import AnalysisJob, CodeSuggestion
    from tests.survey.analysis.test_suggestions_pages import add_queue, coder_id
    from tests.survey.analysis.test_topics_pages import add_fit
    from tests.survey.coding.helpers import add_code

    fit = add_fit(app, study_id)
    code = add_code(app, study_id, "Wages")
    job = add_queue(app, study_id, coder_id(app, study_id, user_id), dict.fromkeys(STORIES, code))
    with app.app_context():
        found = db.session.scalars(
            select(CodeSuggestion.public_id)
            .join(AnalysisJob, AnalysisJob.id == CodeSuggestion.job_id)
            .where(AnalysisJob.public_id == job)
            .order_by(CodeSuggestion.id)
        ).all()
    return {"fit": fit, "suggestion": found[0], "rejectable": found[1]}


SETUP.append(_topics_and_suggestions)


def _report(app: Flask, study_id: int, user_id: int) -> dict[str, str]:
    """Make a findings report with one theme, built once, and a spare code (r3)."""
    import datetime as dt

    from survey.models import Study, User
    from survey.services.reports import exporting, store, theme_edits
    from tests.survey.coding.helpers import add_code

    theme, spare = add_code(app, study_id, "Reported"), add_code(app, study_id, "Spare")
    with app.app_context():
        study, user = db.session.get(Study, study_id), db.session.get(User, user_id)
        report = store.create_report(db.session, study, user, "Findings")
        theme_edits.add_theme(db.session, study, user, report, theme)
        built = exporting.build_report(db.session, study, user, report, today=dt.date(2026, 12, 1))
        return {"report": report.public_id, "build": built.public_id, "theme": theme,
                "spare": spare}  # fmt: skip


SETUP.append(_report)
