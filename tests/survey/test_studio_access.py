"""Who may open which studio route: every route, every role, allowed and refused.

The table lists each (method, route) with what it needs and what a person
allowed gets; the roles are an administrator, a researcher on the study's
team, a researcher on another team, an analyst and a data steward on the
team, and someone not signed in. Refusals answer 404, as the administration
pages do, so a refusal never tells whether a study exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey.extensions import db, write_transaction
from survey.models import AuditEvent, Membership, Study, User
from tests import databases
from tests.conftest import make_app
from tests.factories import form_token, make_staff, sign_in
from tests.survey.coding.helpers import respond
from tests.survey.studio import edited_yaml, team_study
from tests.survey.test_admin import ROUTES as ADMIN_ROUTES

STUDY = "/studio/studies/tiny"
PREVIEW = f"{STUDY}/preview/en"
COLLEAGUE = "colleague@example.org"
ROLES = ["admin", "researcher", "other_researcher", "analyst", "data_steward", "anonymous"]
SIGNED_IN = {"admin", "researcher", "other_researcher", "analyst", "data_steward"}
ALLOWED = {
    "signed_in": SIGNED_IN,
    "create": {"admin", "researcher", "other_researcher"},
    "view": {"admin", "researcher", "analyst", "data_steward"},
    "edit": {"admin", "researcher"},
    "team": {"admin", "researcher"},
    "export": {"admin", "researcher", "analyst", "data_steward"},
    "export_settings": {"admin", "researcher", "data_steward"},
}
SETTINGS = {
    "title": "Renamed study",
    "slug": "tiny",
    "languages": "en",
    "retention_days": "365",
    "disclosure_threshold": "10",
    "draft_lifetime_hours": "24",
    "resume_enabled": "yes",
}


def _close(app, study_id: int) -> None:
    with app.app_context(), write_transaction(db.session):
        db.session.get(Study, study_id).status = "closed"


def _one_response(app, study_id: int) -> None:
    respond(app, study_id, "Words to export.")


def _colleague_on_team(app, study_id: int) -> None:
    with app.app_context(), write_transaction(db.session):
        user = db.session.scalar(select(User).where(User.email == COLLEAGUE))
        db.session.add(Membership(user_id=user.id, study_id=study_id))


@dataclass(frozen=True)
class Route:
    """One studio route: what it needs, what an allowed person gets, and any preparation."""

    method: str
    path: str
    needs: str
    status: int
    form: dict = field(default_factory=dict)
    setup: Callable | None = None

    @property
    def id(self) -> str:
        """Return a short name for test ids."""
        return f"{self.method} {self.path.removeprefix('/studio')}"


TABLE = [
    Route("GET", "/studio/", "signed_in", 200),
    Route("GET", "/studio/studies/new", "create", 200),
    Route("POST", "/studio/studies/new", "create", 303,
          {"slug": "fresh", "source": "library", "library": "police-response"}),
    Route("GET", STUDY, "view", 200),
    Route("POST", f"{STUDY}/publish", "edit", 303),
    Route("POST", f"{STUDY}/close", "edit", 303),
    Route("POST", f"{STUDY}/reopen", "edit", 303, setup=_close),
    Route("GET", f"{STUDY}/edit", "edit", 200),
    Route("POST", f"{STUDY}/edit", "edit", 303, {"source": edited_yaml(title="Changed")}),
    Route("POST", f"{STUDY}/discard", "edit", 303),
    Route("GET", f"{STUDY}/settings", "edit", 200),
    Route("POST", f"{STUDY}/settings", "edit", 303, SETTINGS),
    Route("GET", f"{STUDY}/versions", "view", 200),
    Route("GET", f"{STUDY}/team", "team", 200),
    Route("POST", f"{STUDY}/team", "team", 303, {"email": COLLEAGUE}),
    Route("POST", f"{STUDY}/team/{{colleague}}/remove", "team", 303, setup=_colleague_on_team),
    Route("GET", f"{STUDY}/preview", "view", 303),
    Route("GET", PREVIEW, "view", 200),
    Route("POST", PREVIEW, "view", 303, {"lang": "en"}),
    Route("GET", f"{PREVIEW}/safety", "view", 200),
    Route("POST", f"{PREVIEW}/safety", "view", 303),
    Route("GET", f"{PREVIEW}/consent", "view", 200),
    Route("POST", f"{PREVIEW}/consent", "view", 303, {"choice": "agree"}),
    Route("GET", f"{PREVIEW}/declined", "view", 200),
    Route("GET", f"{PREVIEW}/section/hard", "view", 200),
    Route("POST", f"{PREVIEW}/section/hard", "view", 303, {"action": "skip"}),
    Route("GET", f"{PREVIEW}/p/about", "view", 200),
    Route("POST", f"{PREVIEW}/p/about", "view", 303, {"action": "continue"}),
    Route("GET", f"{PREVIEW}/check", "view", 200),
    Route("POST", f"{PREVIEW}/check", "view", 303),
    Route("GET", f"{PREVIEW}/done", "view", 200),
    Route("GET", f"{PREVIEW}/saved", "view", 200),
    Route("GET", f"{PREVIEW}/resume", "view", 200),
    Route("POST", f"{PREVIEW}/resume", "view", 200, {"phrase": "a b c d e"}),
    Route("GET", f"{PREVIEW}/withdraw", "view", 200),
    Route("POST", f"{PREVIEW}/withdraw", "view", 200, {"phrase": "a b c d e", "confirm": "yes"}),
    Route("GET", f"{PREVIEW}/exit", "view", 200),
    Route("GET", f"{STUDY}/export", "export", 200),
    Route("POST", f"{STUDY}/export", "export", 200, {"format": "csv"}, setup=_one_response),
    Route("GET", f"{STUDY}/export/settings", "export_settings", 200),
    Route("POST", f"{STUDY}/export/settings", "export_settings", 303, {"free_text": "withheld"}),
]  # fmt: skip


def expected(route: Route, role: str) -> int:
    """Return the status `role` gets from `route`."""
    if role == "anonymous":
        return 302
    return route.status if role in ALLOWED[route.needs] else 404


@dataclass
class Site:
    """One app for the module: an account and a signed-in session per role, a colleague.

    Each test starts from `start`: every table as it was once they had all
    signed in, so cases share the slow part (hashing passwords, signing in) and
    nothing else.
    """

    app: Flask
    sessions: dict[str, str]
    users: dict[str, int]
    colleague: str
    start: databases.Snapshot


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """Build the app, the accounts and their sessions once."""
    app = make_app(tmp_path_factory.mktemp("studio-access"))
    cookie = app.config["SESSION_COOKIE_NAME"]
    sessions, users = {}, {}
    for role in sorted(SIGNED_IN):
        member = make_staff(app, "researcher" if role == "other_researcher" else role)
        client = app.test_client()
        sign_in(client, member.email, member.password)
        sessions[role], users[role] = client.get_cookie(cookie).value, member.id
    with app.app_context(), write_transaction(db.session):
        user = User(email=COLLEAGUE, role="analyst", must_change_password=False)
        db.session.add(user)
    with app.app_context():
        start = databases.snapshot(db.engine, db.metadata)
    yield Site(app, sessions, users, user.public_id, start)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def fresh(site: Site) -> Site:
    """The module's site, its database put back as it was after everyone signed in."""
    with site.app.app_context():
        databases.restore(db.engine, db.metadata, site.start)
    return site


def _client_for(site: Site, role: str, study_id: int) -> FlaskClient:
    """Return a new client signed in as `role` (on the study's team where the role says so)."""
    client = site.app.test_client()
    if role == "anonymous":
        return client
    if role in ("researcher", "analyst", "data_steward"):
        with site.app.app_context(), write_transaction(db.session):
            db.session.add(Membership(user_id=site.users[role], study_id=study_id))
    client.set_cookie(site.app.config["SESSION_COOKIE_NAME"], site.sessions[role])
    return client


def _request(client, route: Route, colleague: str):
    path = route.path.format(colleague=colleague)
    if route.method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf_token": form_token(client), **route.form})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", TABLE, ids=lambda route: route.id)
def test_each_role_gets_what_the_table_says(fresh, route, role):
    study_id = team_study(fresh.app, draft=edited_yaml())
    if route.setup:
        route.setup(fresh.app, study_id)
    client = _client_for(fresh, role, study_id)

    response = _request(client, route, fresh.colleague)

    assert response.status_code == expected(route, role), response.get_data(as_text=True)[:500]
    if role == "anonymous":
        assert response.headers["Location"].startswith("/studio/login")


STUDY_ROUTES = [route for route in TABLE if route.path.startswith(STUDY)]


@pytest.mark.parametrize("route", STUDY_ROUTES, ids=lambda route: route.id)
def test_a_refusal_is_the_same_page_as_a_study_that_does_not_exist(fresh, route):
    team_study(fresh.app, draft=edited_yaml())
    client = _client_for(fresh, "other_researcher", 0)
    elsewhere = Route(route.method, route.path.replace("/tiny", "/no-such"), route.needs, 404)

    refused = _request(client, route, fresh.colleague)
    missing = _request(client, elsewhere, fresh.colleague)

    assert refused.status_code == missing.status_code == 404
    assert refused.get_data() == missing.get_data()


def test_the_table_lists_every_studio_route(site):
    app = site.app
    adapter = app.url_map.bind("localhost")
    listed = {(adapter.match(r.path.format(colleague="x"), r.method)[0], r.method) for r in TABLE}
    admin = {(adapter.match(path.format(target="x"), method)[0], method)
             for method, path, _, _ in ADMIN_ROUTES}  # fmt: skip
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("studio.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    assert routes - listed - admin == set()


POSTS = [route for route in TABLE if route.method == "POST"]


def _state(app) -> tuple:
    """Return what any studio POST could change: studies, teams and the audit log."""
    with app.app_context():
        studies = db.session.execute(
            select(Study.slug, Study.status, Study.title, Study.draft_source, Study.exit_url)
        ).all()
        teams = db.session.execute(select(Membership.user_id, Membership.study_id)).all()
        audit = db.session.scalar(select(func.count()).select_from(AuditEvent))
        return sorted(studies), sorted(teams), audit


@pytest.mark.parametrize("route", POSTS, ids=lambda route: route.id)
def test_every_post_without_its_csrf_token_is_refused_and_changes_nothing(fresh, route):
    study_id = team_study(fresh.app, draft=edited_yaml())
    if route.setup:
        route.setup(fresh.app, study_id)
    client = _client_for(fresh, "admin", study_id)
    before = _state(fresh.app)

    response = client.post(route.path.format(colleague=fresh.colleague), data=route.form)

    assert response.status_code == 400
    assert "This page has expired" in response.get_data(as_text=True)
    assert _state(fresh.app) == before
