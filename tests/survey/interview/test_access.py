"""Who may open which interview route: every route, every role, allowed and refused.

Interviewing needs the `interview` permission: administrators, and
researchers and interviewers on the study's team. Anyone else (an analyst or
data steward on the team, a researcher or interviewer on another team) gets
404, exactly like a study that does not exist; someone not signed in is sent
to sign in. An interview id from another study is never accepted, every POST
needs its CSRF token, and no GET writes anything.

One app for the module (accounts are slow to make); each role in each test
gets studies of its own with an interview in progress.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from instruments import load_library
from survey.extensions import db, write_transaction
from survey.models import (
    Answer,
    AuditEvent,
    CodingDocument,
    InterviewEvent,
    Membership,
    Response,
    Study,
    User,
)
from survey.services import interview, responses
from tests.conftest import make_app
from tests.factories import add_study, form_token, make_staff, sign_in

ROLES = ["admin", "researcher", "other_researcher", "interviewer", "other_interviewer",
         "analyst", "data_steward", "anonymous"]  # fmt: skip
ON_TEAM = {"researcher", "interviewer", "analyst", "data_steward"}
ALLOWED = {"admin", "researcher", "interviewer"}
_numbers = itertools.count(1)


@dataclass(frozen=True)
class World:
    """One role's studies: a survey with an interview in progress, and a guide."""

    slug: str
    guide: str
    rid: str

    def fill(self, template: str) -> str:
        """Return `template` with this world's ids filled in."""
        return template.format(**self.__dict__)


@dataclass(frozen=True)
class Route:
    """One interview route: what an allowed person gets, and the form it posts."""

    method: str
    path: str
    status: int
    form: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Return a short name for test ids."""
        return f"{self.method} {self.path.removeprefix('/interview/{slug}')}"


RID = "/interview/{slug}/{rid}"
TABLE = [
    Route("GET", "/interview/{slug}", 200),
    Route("POST", "/interview/{slug}/start", 303, {"language": "en"}),
    Route("POST", f"{RID}/resume", 303),
    Route("GET", f"{RID}/consent", 200),
    Route("POST", f"{RID}/consent", 303, {"consent": "agree"}),
    Route("GET", f"{RID}/page/about", 200),
    Route("POST", f"{RID}/page/about", 303, {"contact_kind": "called"}),
    Route("GET", f"{RID}/section/hard", 200),
    Route("POST", f"{RID}/section/hard", 303, {"action": "skip"}),
    Route("GET", f"{RID}/check", 200),
    Route("POST", f"{RID}/check", 200),
    Route("POST", f"{RID}/pause", 303, {"reason": "distress"}),
    Route("GET", f"{RID}/stop?reason=distress", 200),
    Route("POST", f"{RID}/stop", 200, {"reason": "distress", "answers": "delete"}),
    Route("GET", f"{RID}/distress-check", 200),
    Route("POST", f"{RID}/distress-check", 303),
    Route("GET", f"{RID}/continue", 303),
    Route("GET", f"{RID}/support", 200),
    Route("GET", "/interview/{guide}/guide", 200),
    Route("POST", "/interview/{guide}/guide", 303, {"action": "keep", "note-change": "A note"}),
]


@dataclass
class Site:
    """One app for the whole module: an account and a signed-in client per role."""

    app: Flask
    clients: dict[str, FlaskClient]
    users: dict[str, int]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """Build the app once (accounts are slow to make: their passwords are hashed)."""
    app = make_app(tmp_path_factory.mktemp("interview-access"))
    clients, users = {"anonymous": app.test_client()}, {}
    for role in ROLES[:-1]:
        member = make_staff(app, role.removeprefix("other_"))
        users[role] = member.id
        clients[role] = app.test_client()
        sign_in(clients[role], member.email, member.password)
    yield Site(app, clients, users)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _world(site: Site, role: str) -> tuple[FlaskClient, World]:
    """Build a survey study with an interview at its first page, and a guide study."""
    app, number = site.app, next(_numbers)
    slug, guide = f"s{number}", f"g{number}"
    study_id = add_study(app, slug=slug)
    guide_id = add_study(app, load_library("police-response-interview"), slug=guide)
    with app.app_context():
        study = db.session.get(Study, study_id)
        admin = db.session.get(User, site.users["admin"])
        rid = interview.start_interview(db.session, study, admin, "en")
        responses.save_page(db.session, rid, {}, "page/about")
        if role in ON_TEAM:
            with write_transaction(db.session):
                for sid in (study_id, guide_id):
                    db.session.add(Membership(user_id=site.users[role], study_id=sid))
    return site.clients[role], World(slug, guide, rid)


def _request(client, route: Route, world: World):
    path = world.fill(route.path)
    if route.method == "GET":
        return client.get(path)
    data = {key: world.fill(value) for key, value in route.form.items()}
    return client.post(path, data={"csrf_token": form_token(client), **data})


def expected(route: Route, role: str) -> int:
    """Return the status `role` gets from `route`."""
    if role == "anonymous":
        return 302
    return route.status if role in ALLOWED else 404


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
    client, world = _world(site, "analyst")
    missing = World("no-such", "no-such", world.rid)

    refused = _request(client, route, world)
    absent = _request(client, route, missing)

    assert refused.status_code == absent.status_code == 404
    assert refused.get_data() == absent.get_data()


WITH_RID = [route for route in TABLE if "{rid}" in route.path]


@pytest.mark.parametrize("route", WITH_RID, ids=lambda route: route.id)
def test_an_interview_of_another_study_is_not_found(site, route):
    client, mine = _world(site, "admin")
    _, theirs = _world(site, "admin")

    response = _request(client, route, World(mine.slug, mine.guide, theirs.rid))

    assert response.status_code == 404


def test_a_self_completed_response_is_not_an_interview(site):
    client, world = _world(site, "admin")
    with site.app.app_context():
        study = db.session.scalar(select(Study).where(Study.slug == world.slug))
        rid = responses.start_response(db.session, study, "en")

    assert client.get(f"/interview/{world.slug}/{rid}/consent").status_code == 404


def test_the_table_lists_every_interview_route(site):
    adapter = site.app.url_map.bind("localhost")
    world = World("s", "g", "r")
    listed = {
        (adapter.match(world.fill(r.path).split("?")[0], r.method)[0], r.method) for r in TABLE
    }
    routes = {
        (rule.endpoint, method)
        for rule in site.app.url_map.iter_rules()
        if rule.endpoint.startswith("interview.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    assert routes - listed == set()


POSTS = [route for route in TABLE if route.method == "POST"]


@pytest.mark.parametrize("route", POSTS, ids=lambda route: route.id)
def test_every_post_without_its_csrf_token_is_refused(site, route):
    client, world = _world(site, "admin")
    data = {key: world.fill(value) for key, value in route.form.items()}

    response = client.post(world.fill(route.path), data=data)

    assert response.status_code == 400
    assert "This page has expired" in response.get_data(as_text=True)


def _row_counts(app) -> tuple[int, ...]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Response, Answer, InterviewEvent, AuditEvent, CodingDocument)
        )


GETS = [route for route in TABLE if route.method == "GET"]


@pytest.mark.parametrize("route", GETS, ids=lambda route: route.id)
def test_a_get_writes_nothing(site, route):
    client, world = _world(site, "interviewer")
    before = _row_counts(site.app)

    _request(client, route, world)

    assert _row_counts(site.app) == before
