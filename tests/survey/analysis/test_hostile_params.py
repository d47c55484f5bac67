"""Odd and hostile query strings and forms on every analysis route never give a server error.

Each route is asked with unknown item ids, a question crossed with itself, a
free-text item where a closed one belongs, huge or empty searches, NUL bytes,
repeated parameters and percent-escapes that are not UTF-8. Whatever the
page says, its status is below 500 and it never echoes a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey.extensions import db
from tests.conftest import make_app
from tests.factories import add_study, form_token, make_staff, sign_in, tiny_instrument
from tests.survey.analysis.helpers import start, stories
from tests.survey.coding.helpers import respond, sync

SLUG = "hostile"
BASE = f"/analysis/{SLUG}"

# Query strings, raw (already percent-encoded where needed), added to a route's path.
ODD_QUERIES = [
    "q=%00",
    "q=wages%00farm",
    "q=" + "a" * 5000,
    "q=" + "wages+" * 2000,
    "q=%20%20%20",
    "q=...%21%3F",
    "q=%E2%80%99",
    "q=%FF%FE",
    "q=%C3%28",
    "q=wages&q=police",
    "question=story&question=nope",
    "question=%00",
    "question=contact_kind",
    "question=..%2F..%2Fetc",
    "where=",
    "where=%3D",
    "where=arrested",
    "where=arrested%3D",
    "where=nope%3Dyes",
    "where=arrested%3Dno%3Dyes",
    "where=%00%3D%00",
    "where=%FF%3D%FE",
    "where=arrested%3DNo&where=contact_kind%3Dcalled",
    "by=",
    "by=%00",
    "by=nope",
    "by=story",
    "by=contact_kind",
    "by=%FF",
    "by=contact_kind&by=arrested",
    "topic=-1",
    "topic=99999999999999999999",
    "page=-1",
]

# Paths (no query) that take item ids in the path: odd item ids.
ODD_ITEMS = ["nope", "%00", "%FF", "story", "contact_kind", "a" * 2000, "..", "%2E%2E"]


@dataclass
class Site:
    """One app for the module: an analyst on the study's team, and a finished topic fit."""

    app: Flask
    client: FlaskClient
    fit: str


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """Build the study once: 40 made-up answers, a researcher signed in, one topic fit."""
    app = make_app(tmp_path_factory.mktemp("hostile"))
    study_id = add_study(app, tiny_instrument(), slug=SLUG, disclosure_threshold=5)
    for i, (_, text) in enumerate(stories(40)):
        respond(app, study_id, text, arrested="yes" if i % 8 == 0 else "no")
    sync(app, study_id)
    member = make_staff(app, "admin")
    client = app.test_client()
    sign_in(client, member.email, member.password)
    _, fit, _ = start(app, study_id, "topics", {"item_id": "story", "n_topics": 2, "seed": 0})
    yield Site(app, client, fit)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


GET_PATHS = [
    "",
    "/describe",
    "/describe/contact_kind",
    "/words",
    "/topics",
    "/topics/{fit}",
    "/jobs/{fit}/status",
    "/suggestions",
    "/suggestions/story",
]


def _assert_no_server_error(response) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:800]
    assert "Traceback" not in body


@pytest.mark.parametrize("query", ODD_QUERIES)
@pytest.mark.parametrize("path", GET_PATHS)
def test_an_odd_query_string_on_any_page_is_never_a_server_error(site, path, query):
    response = site.client.get(f"{BASE}{path.format(fit=site.fit)}?{query}")

    _assert_no_server_error(response)


@pytest.mark.parametrize("item", ODD_ITEMS)
@pytest.mark.parametrize(
    "template",
    ["/describe/{item}", "/describe/contact_kind?by={item}", "/suggestions/{item}",
     "/words?question={item}", "/topics/{item}", "/jobs/{item}/status"],
)  # fmt: skip
def test_an_odd_item_or_job_id_is_never_a_server_error(site, template, item):
    response = site.client.get(BASE + template.format(item=item))

    _assert_no_server_error(response)


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"item_id": "nope", "n_topics": "2", "method": "nmf", "seed": "0"},
        {"item_id": "contact_kind", "n_topics": "2", "method": "nmf", "seed": "0"},
        {"item_id": "story", "n_topics": "-3", "method": "nmf", "seed": "0"},
        {"item_id": "story", "n_topics": "1e309", "method": "nmf", "seed": "0"},
        {"item_id": "story", "n_topics": "2", "method": "\x00", "seed": "x"},
        {"item_id": "\x00", "n_topics": "auto", "method": "lda", "seed": "99999999999999999999"},
        {"item_id": ["story", "nope"], "n_topics": ["2", "3"], "method": "nmf", "seed": "0"},
    ],
    ids=lambda form: repr(form)[:60],
)
def test_an_odd_topics_form_is_never_a_server_error(site, form):
    data = {"csrf_token": form_token(site.client), **form}

    response = site.client.post(f"{BASE}/topics", data=data)

    _assert_no_server_error(response)


@pytest.mark.parametrize(
    "path, form",
    [
        ("/topics/{fit}/drafts", {"topic": ["-1", "99999999999999999999", "x", "\x00"]}),
        ("/topics/{fit}/drafts", {}),
        ("/topics/nope/drafts", {"topic": "0"}),
        ("/suggestions/nope/train", {}),
        ("/suggestions/%00/train", {}),
        ("/suggestions/story/nope/accept", {}),
        ("/suggestions/story/%00/accept", {}),
        ("/suggestions/story/%00/reject", {}),
    ],
)
def test_an_odd_post_is_never_a_server_error(site, path, form):
    data = {"csrf_token": form_token(site.client), **form}

    response = site.client.post(BASE + path.format(fit=site.fit), data=data)

    _assert_no_server_error(response)
