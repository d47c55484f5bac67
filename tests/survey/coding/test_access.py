"""Who may open which coding route: every route, every role, allowed and refused.

Coding needs the `code` permission (administrators, and researchers and
analysts on the study's team); leading it needs `lead_coding`
(administrators and researchers on the team). A data steward, a researcher
on another team and anyone else get 404, exactly like a study that does not
exist; someone not signed in is sent to sign in. Object ids from another
study are never accepted.

The module shares one app, because accounts are slow to make (their
passwords are hashed); each role in each test gets a study of its own, with
its own codes, documents and segments, so a POST by one role cannot change
what the next one finds.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from coding.model import Project
from coding.refi import write_qdpx
from survey.extensions import db, write_transaction
from survey.models import (
    Coder,
    CodingDocument,
    CodingSettings,
    Membership,
    Redaction,
    Segment,
    User,
)
from tests.conftest import make_app
from tests.factories import add_study, form_token, make_staff, sign_in, tiny_instrument
from tests.survey.coding.helpers import add_code, code_span, respond, sync

ROLES = ["admin", "researcher", "other_researcher", "analyst", "data_steward", "anonymous"]
ALLOWED = {
    "code": {"admin", "researcher", "analyst"},
    "lead": {"admin", "researcher"},
    # Adding a transcript: the study lead or an interviewer on the team (interviewers are
    # tested in test_transcripts_app.py).
    "transcribe": {"admin", "researcher"},
    # Raw text and the review of redactions: data stewards (and administrators) only.
    "redact": {"admin", "data_steward"},
    # The whole project: study leads, and data stewards (redacted, or raw with "redact").
    "project": {"admin", "researcher", "data_steward"},
}
STORIES = ("The police did not believe me.", "An officer found me somewhere to stay.")
_slugs = itertools.count(1)


@dataclass(frozen=True)
class World:
    """One role's study: its slug, documents, codes, the role's own segment."""

    slug: str
    study_id: int
    doc: str
    other_doc: str
    code: str
    code2: str
    seg: str
    red: str = "r"  # a redaction span of other_doc

    def fill(self, template: str) -> str:
        """Return `template` with this world's ids filled in."""
        return template.format(**self.__dict__, item="story")


@dataclass(frozen=True)
class Route:
    """One coding route: what it needs, what an allowed person gets, any setup."""

    method: str
    path: str
    needs: str
    status: int
    form: dict = field(default_factory=dict)
    blind: bool = False
    upload: tuple[str, bytes] | None = None

    @property
    def id(self) -> str:
        """Return a short name for test ids."""
        return f"{self.method} {self.path.removeprefix('/coding/{slug}')}"


BASE = "/coding/{slug}"
CODEBOOK_CSV = b"name,kind\nImported code,code\n"
EMPTY_PROJECT = write_qdpx(Project(name="Empty"))
TRANSCRIPT = b"Interviewer: How did you come here?\nRespondent: By lorry, at night.\n"

TABLE = [
    Route("GET", BASE, "code", 200),
    Route("GET", f"{BASE}/documents", "code", 200),
    Route("GET", f"{BASE}/documents?question=story", "code", 200),
    Route("GET", f"{BASE}/documents/{{doc}}", "code", 200),
    Route("POST", f"{BASE}/documents/{{doc}}/codings", "code", 303,
          {"code": "{code2}", "start": "0", "end": "3", "units": "codepoints"}),
    Route("POST", f"{BASE}/segments/{{seg}}", "code", 303, {"memo": "A note"}),
    Route("POST", f"{BASE}/segments/{{seg}}/remove", "code", 303),
    Route("POST", f"{BASE}/undo", "code", 303),
    Route("GET", f"{BASE}/log", "code", 200),
    Route("POST", f"{BASE}/memos", "code", 303, {"target": "study", "text": "A memo"}),
    Route("POST", f"{BASE}/preferences/distressing", "code", 303, {"collapse": "yes"}),
    Route("GET", f"{BASE}/codebook", "code", 200),
    Route("GET", f"{BASE}/codebook/new", "code", 200),
    Route("POST", f"{BASE}/codebook/new", "code", 303, {"name": "Fresh", "kind": "code"}),
    Route("GET", f"{BASE}/codebook/{{code}}", "code", 200),
    Route("POST", f"{BASE}/codebook/{{code}}", "code", 303,
          {"name": "Renamed", "kind": "code", "colour": "#112233"}),
    Route("POST", f"{BASE}/codebook/{{code}}/merge", "lead", 303,
          {"target": "{code2}", "confirm": "yes"}),
    Route("GET", f"{BASE}/codebook/{{code}}/split", "lead", 200),
    Route("POST", f"{BASE}/codebook/{{code}}/split", "lead", 303,
          {"parts": "2", "name-0": "Part one", "name-1": "Part two", "to-{seg}": "0"}),
    Route("GET", f"{BASE}/codebook/{{code2}}/delete", "lead", 200),
    Route("POST", f"{BASE}/codebook/{{code2}}/delete", "lead", 303, {"segments": "remove"}),
    Route("GET", f"{BASE}/colours.css", "code", 200),
    Route("GET", f"{BASE}/codes", "code", 200),
    Route("GET", f"{BASE}/codes/{{code}}", "code", 200),
    Route("GET", f"{BASE}/grid/{{item}}", "code", 200),
    Route("POST", f"{BASE}/grid/{{item}}", "code", 303, {"row": "{doc}"}),
    Route("GET", f"{BASE}/search?q=police", "code", 200),
    Route("POST", f"{BASE}/search", "code", 303,
          {"q": "police", "code": "{code2}", "hit": "{other_doc}:4"}),
    Route("GET", f"{BASE}/exchange", "code", 200),
    Route("GET", f"{BASE}/export/segments", "code", 200),
    Route("GET", f"{BASE}/export/segments?format=xlsx", "code", 200),
    Route("GET", f"{BASE}/export/matrix", "code", 200),
    Route("GET", f"{BASE}/export/codebook", "code", 200),
    Route("GET", f"{BASE}/export/codebook?format=qdc", "code", 200),
    Route("GET", f"{BASE}/export/project", "project", 200),
    Route("GET", f"{BASE}/export/project?text=raw", "redact", 200),
    Route("POST", f"{BASE}/import/codebook", "lead", 303,
          upload=("codebook.csv", CODEBOOK_CSV)),
    Route("POST", f"{BASE}/import/project", "lead", 303, upload=("empty.qdpx", EMPTY_PROJECT)),
    Route("GET", f"{BASE}/coders", "lead", 200),
    Route("POST", f"{BASE}/coders/blind", "lead", 303, {"blind": "on"}),
    Route("POST", f"{BASE}/coders/reveal", "lead", 303, {"reveal": "on"}, blind=True),
    Route("GET", f"{BASE}/compare", "lead", 200),
    Route("GET", f"{BASE}/compare?code={{code}}", "lead", 200),
    Route("GET", f"{BASE}/compare/{{doc}}?code={{code}}", "lead", 200),
    Route("POST", f"{BASE}/compare/{{doc}}", "lead", 303, {"code": "{code}", "take": "union"}),
    Route("POST", f"{BASE}/compare/agreed", "lead", 303, {"code": "{code}"}),
    Route("GET", f"{BASE}/transcripts", "code", 200),
    Route("GET", f"{BASE}/transcripts/new", "transcribe", 200),
    Route("POST", f"{BASE}/transcripts/new", "transcribe", 303, {"case": "new"},
          upload=("interview.txt", TRANSCRIPT)),
    Route("GET", f"{BASE}/agreement", "lead", 200),
    Route("GET", f"{BASE}/agreement.csv", "lead", 200),
    Route("POST", f"{BASE}/agreement/unit", "lead", 303, {"unit": "sentence"}),
    Route("GET", f"{BASE}/redaction", "redact", 200),
    Route("GET", f"{BASE}/redaction?show=unreviewed", "redact", 200),
    Route("GET", f"{BASE}/redaction/{{doc}}", "redact", 200),
    Route("POST", f"{BASE}/redaction/{{other_doc}}/{{red}}", "redact", 303, {"action": "reject"}),
    Route("POST", f"{BASE}/redaction/{{doc}}/add", "redact", 303,
          {"how": "words", "words": "officer", "kind": "name"}),
    Route("POST", f"{BASE}/redaction/{{doc}}/reviewed", "redact", 303, {"reviewed": "on"}),
    Route("POST", f"{BASE}/redaction/{{doc}}/accept-all", "redact", 303),
]  # fmt: skip


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
    colleague: int


def _user_id(app: Flask, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """Build the app once (accounts are slow to make: their passwords are hashed)."""
    app = make_app(tmp_path_factory.mktemp("coding-access"))
    clients, users = {"anonymous": app.test_client()}, {}
    for role in ROLES[:-1]:
        member = make_staff(app, "researcher" if role == "other_researcher" else role)
        users[role] = _user_id(app, member.email)
        clients[role] = app.test_client()
        sign_in(clients[role], member.email, member.password)
    colleague = _user_id(app, make_staff(app, "analyst").email)
    yield Site(app, clients, users, colleague)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _world(site: Site, role: str, blind: bool = False) -> tuple[FlaskClient, World]:
    """Build a study for `role`: two answers, two codes, segments by the role and a colleague."""
    app, slug = site.app, f"s{next(_slugs)}"
    study_id = add_study(app, tiny_instrument(), slug=slug)
    for story in STORIES:
        respond(app, study_id, story)
    (doc, _), (other_doc, _) = sync(app, study_id)
    code, code2 = add_code(app, study_id, "Disbelief"), add_code(app, study_id, "Spare")
    code_span(app, study_id, site.colleague, doc, 0, 10, code)
    if role in ("researcher", "analyst", "data_steward"):
        with app.app_context(), write_transaction(db.session):
            db.session.add(Membership(user_id=site.users[role], study_id=study_id))
    # The role's own segment; someone who may not code gets the colleague's.
    owner = site.users[role] if role in ALLOWED["code"] else site.colleague
    code_span(app, study_id, owner, doc, 4, 12, code)
    with app.app_context():
        seg = _segment_of(owner, study_id)
        red = _redaction_of(other_doc)
        if blind:
            with write_transaction(db.session):
                db.session.add(CodingSettings(study_id=study_id, blind=True, revealed=False))
    return site.clients[role], World(slug, study_id, doc, other_doc, code, code2, seg, red)


def _redaction_of(document: str) -> str:
    """Add a proposed span ("me" at the end of "The police did not believe me."); its GUID."""
    with write_transaction(db.session):
        found = db.session.scalar(
            select(CodingDocument).where(CodingDocument.public_id == document)
        )
        start = found.text.rindex("me")
        span = Redaction(document_id=found.id, start=start, end=start + 2, kind="name")
        db.session.add(span)
        db.session.flush()
        return span.public_id


def _segment_of(user_id: int, study_id: int) -> str:
    return db.session.scalar(
        select(Segment.public_id)
        .join(Coder, Coder.id == Segment.coder_id)
        .where(Coder.user_id == user_id, Coder.study_id == study_id)
    )


def _request(client, route: Route, world: World):
    path = world.fill(route.path)
    if route.method == "GET":
        return client.get(path)
    data = {world.fill(key): world.fill(value) for key, value in route.form.items()}
    if route.upload:
        name, content = route.upload
        data["file"] = (io.BytesIO(content), name)
    return client.post(path, data={"csrf_token": form_token(client), **data})


@pytest.mark.parametrize("route", TABLE, ids=lambda route: route.id)
def test_each_role_gets_what_the_table_says(site, route):
    got = {}
    for role in ROLES:
        client, world = _world(site, role, blind=route.blind)
        response = _request(client, route, world)
        got[role] = response.status_code
        if role == "anonymous":
            assert response.headers["Location"].startswith("/studio/login")
        assert response.status_code < 500, response.get_data(as_text=True)[:500]

    assert got == {role: expected(route, role) for role in ROLES}


@pytest.mark.parametrize("route", TABLE, ids=lambda route: route.id)
def test_a_refusal_is_the_same_page_as_a_study_that_does_not_exist(site, route):
    refused_role = "analyst" if "data_steward" in ALLOWED[route.needs] else "data_steward"
    client, world = _world(site, refused_role, blind=route.blind)
    missing = World("no-such", *list(world.__dict__.values())[1:])

    refused = _request(client, route, world)
    absent = _request(client, route, missing)

    assert refused.status_code == absent.status_code == 404
    assert refused.get_data() == absent.get_data()


SWAPPABLE = [route for route in TABLE if "{doc}" in route.path or "{code" in route.path
             or "{seg}" in route.path or any("{" in v for v in route.form.values())]  # fmt: skip


@pytest.mark.parametrize("route", SWAPPABLE, ids=lambda route: route.id)
def test_ids_from_another_study_are_not_found(site, route):
    client, mine = _world(site, "admin", blind=route.blind)
    _, theirs = _world(site, "admin")
    # This study's slug with the other study's documents, codes and segments.
    crossed = World(mine.slug, mine.study_id, *list(theirs.__dict__.values())[2:])

    response = _request(client, route, crossed)

    assert response.status_code == 404, response.get_data(as_text=True)[:300]


def test_the_table_lists_every_coding_route(site):
    app = site.app
    adapter = app.url_map.bind("localhost")
    world = World("s", 1, "d", "o", "c", "c2", "g")
    listed = {
        (adapter.match(world.fill(r.path).split("?")[0], r.method)[0], r.method) for r in TABLE
    }
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("coding.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    assert routes - listed == set()


POSTS = [route for route in TABLE if route.method == "POST"]


@pytest.mark.parametrize("route", POSTS, ids=lambda route: route.id)
def test_every_post_without_its_csrf_token_is_refused(site, route):
    client, world = _world(site, "admin", blind=route.blind)
    data = {world.fill(key): world.fill(value) for key, value in route.form.items()}

    response = client.post(world.fill(route.path), data=data)

    assert response.status_code == 400
    assert "This page has expired" in response.get_data(as_text=True)
