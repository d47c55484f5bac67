"""The same page save or final submit sent 20 times at once leaves one of each (issue 8, item 5).

The app runs in a real multi-threaded HTTP server on loopback, on the suite's
database (SQLite, or PostgreSQL under HEARD_TEST_DATABASE_URL). One respondent
walks to a page with a plain HTTP client; then the very same POST (same
cookie, same CSRF token, same answers) is sent 20 times, released together by
a barrier so the requests overlap in the server. The final submit carries
the check page's one-time submit key, as a browser posts it.
"""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from werkzeug.serving import WSGIRequestHandler, make_server

from survey import sealing
from survey.extensions import db
from survey.models import Answer, Response, Study, Submission
from survey.models.coding import CodingCase, CodingDocument
from survey.services import attempts, responses
from survey.services.answers import Stored
from tests.factories import add_study, csrf_token, tiny_instrument
from tests.survey.journey import FORM_ACTION, PHRASE, step_path

PARALLEL = 20
SUBMIT_KEY = re.compile(r'<input type="hidden" name="submit_key" value="([^"]+)">')
DONE = "Thank you. We have your answers."
ALREADY = "Your answers were already sent"

# A first page without words, then one with a multiple choice (self-described
# "other"), a long text and a number: the page under test seals two answers.
TWO_PAGES = [
    {
        "id": "about",
        "title": "About you",
        "items": [
            {
                "id": "contact_kind",
                "type": "single_choice",
                "label": "How did you meet the police?",
                "choices": [
                    {"value": "called", "label": "I called them"},
                    {"value": "found", "label": "They found me"},
                ],
            }
        ],
    },
    {
        "id": "more",
        "title": "More",
        "items": [
            {
                "id": "help",
                "type": "multiple_choice",
                "label": "What help did you get?",
                "choices": [
                    {"value": "housing", "label": "A place to stay"},
                    {"value": "lawyer", "label": "A lawyer"},
                    {"value": "other", "label": "Something else"},
                ],
                "self_describe": "other",
            },
            {"id": "detail", "type": "long_text", "label": "Tell us more", "max_length": 200},
            {"id": "age", "type": "number", "label": "How old are you?", "min": 18, "max": 120},
        ],
    },
]
MORE = {
    "help": ["housing", "other"],
    "help__text": "A friend’s sofa",
    "detail": "Someone listened to me.",
    "age": "30",
}


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler, logging nothing: its request log holds the client's address."""

    def log(self, type: str, message: str, *args: object) -> None:
        """Drop the line."""


@pytest.fixture
def port(app: Flask) -> Iterator[int]:
    """The port of `app` served by a threaded HTTP server on loopback."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join()
    server.server_close()


@dataclass
class Reply:
    """What the server answered to one request."""

    status: int
    location: str
    body: str
    cookies: SimpleCookie


def send(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    cookie: str,
    fields: dict | None = None,
) -> Reply:
    """Send one request on `connection` and read the whole reply."""
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if fields is not None:
        body = urlencode(fields, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    raw = connection.getresponse()
    location = urlsplit(raw.getheader("Location", ""))._replace(scheme="", netloc="").geturl()
    cookies = SimpleCookie()
    for header in raw.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    return Reply(raw.status, location, raw.read().decode("utf-8"), cookies)


class Browser:
    """One respondent with a cookie, following redirects like a browser."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""
        self.path = ""
        self.html = ""

    def connect(self) -> http.client.HTTPConnection:
        """Return a new connection to the server."""
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def go(self, method: str, path: str, fields: dict | None = None) -> Reply:
        """Send a request, keep its cookie and follow redirects; return the last reply."""
        while True:
            connection = self.connect()
            try:
                reply = send(connection, method, path, self.cookie, fields)
            finally:
                connection.close()
            for morsel in reply.cookies.values():
                self.cookie = f"{morsel.key}={morsel.value}" if morsel.value else ""
            if reply.status not in (301, 302, 303):
                break
            method, path, fields = "GET", reply.location, None
        assert reply.status == 200, (path, reply.status)
        self.path, self.html = path, reply.body
        return reply

    def form(self, fields: dict | None = None) -> tuple[str, dict]:
        """Return the target and fields (with the CSRF token and any submit key) of the form."""
        target = FORM_ACTION.search(self.html).group(1).replace("&amp;", "&")
        hidden = {"csrf_token": csrf_token(self.html)}
        if key := SUBMIT_KEY.search(self.html):
            hidden["submit_key"] = key.group(1)
        return target, {**hidden, **(fields or {})}

    def post(self, fields: dict | None = None) -> Reply:
        """Post this page's form with `fields`."""
        return self.go("POST", *self.form(fields))

    def begin(self, slug: str) -> None:
        """Open the study, pass the safety page and consent."""
        self.go("GET", f"/s/{slug}")
        self.post()
        if "/safety" in self.path:
            self.post()
        self.post({"choice": "agree"})

    def all_at_once(self, target: str, fields: dict) -> list[Reply]:
        """Send the same POST `PARALLEL` times, released together; return every reply."""
        barrier = threading.Barrier(PARALLEL)
        replies: list[Reply | BaseException | None] = [None] * PARALLEL

        def one(index: int) -> None:
            connection = self.connect()
            try:
                connection.connect()
                barrier.wait(timeout=60)
                replies[index] = send(connection, "POST", target, self.cookie, fields)
            except BaseException as error:  # reported below, with the others
                replies[index] = error
            finally:
                connection.close()

        threads = [threading.Thread(target=one, args=(i,)) for i in range(PARALLEL)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        failures = [r for r in replies if not isinstance(r, Reply)]
        assert failures == [], failures
        return replies  # type: ignore[return-value]


def snapshot(app: Flask) -> dict[str, dict[tuple, dict]]:
    """Return every row of every table, by table name and primary key."""
    tables: dict[str, dict[tuple, dict]] = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            keys = [column.name for column in table.primary_key.columns] or list(table.c.keys())
            rows = db.session.execute(select(table)).mappings().all()
            tables[table.name] = {tuple(row[k] for k in keys): dict(row) for row in rows}
        db.session.remove()
    return tables


def changes(before: dict, after: dict) -> dict[str, dict[str, object]]:
    """Return, per table that differs, its added and removed rows and changed columns."""
    found: dict[str, dict[str, object]] = {}
    for name, new in after.items():
        old = before[name]
        changed = {
            key: {c: (old[key][c], new[key][c]) for c in new[key] if old[key][c] != new[key][c]}
            for key in old.keys() & new.keys()
            if old[key] != new[key]
        }
        added = [new[key] for key in new.keys() - old.keys()]
        removed = [old[key] for key in old.keys() - new.keys()]
        if added or removed or changed:
            found[name] = {"added": added, "removed": removed, "changed": changed}
    return found


def the_response(app: Flask) -> str:
    """Return the id of the only response."""
    with app.app_context():
        [response_id] = db.session.scalars(select(Response.id)).all()
        db.session.remove()
    return response_id


def raw_value(app: Flask, response_id: str, item_id: str) -> str:
    """Return an answer's value as the database holds it, without unsealing."""
    with app.app_context():
        value = db.session.execute(
            text("SELECT value FROM answer WHERE response_id = :r AND item_id = :i"),
            {"r": response_id, "i": item_id},
        ).scalar_one()
        db.session.remove()
    return value


def assert_one_save(
    app: Flask,
    browser: Browser,
    fields: dict,
    expected: dict[str, Stored],
    next_path: str,
    next_token: str,
) -> dict:
    """Post this page 20 times at once; check one row per item and nothing else; return changes."""
    response_id = the_response(app)
    before = snapshot(app)
    replies = browser.all_at_once(*browser.form({**fields, "action": "continue"}))
    # Every request is the redirect a single save gets: no 5xx, no "database is locked".
    assert [(r.status, r.location) for r in replies] == [(303, next_path)] * PARALLEL
    diff = changes(before, snapshot(app))
    assert set(diff) - {"study_key"} == {"answer", "response"}, diff
    answers = diff["answer"]
    assert answers["removed"] == [] and answers["changed"] == {}
    assert sorted((row["response_id"], row["item_id"]) for row in answers["added"]) == sorted(
        (response_id, item_id) for item_id in expected
    )
    with app.app_context():
        kept = responses.stored_answers(db.session, response_id)
        per_item = dict(
            db.session.execute(
                select(Answer.item_id, func.count())
                .where(Answer.response_id == response_id)
                .group_by(Answer.item_id)
            ).all()
        )
        db.session.remove()
    assert {item_id: kept[item_id] for item_id in expected} == expected
    assert all(count == 1 for count in per_item.values()), per_item
    [(key, columns)] = diff["response"]["changed"].items()
    assert key == (response_id,) and diff["response"]["added"] == diff["response"]["removed"] == []
    assert columns["last_page"][1] == next_token
    assert set(columns) <= {"last_page", "updated_on"}  # updated_on moves only past midnight
    return diff


def test_one_page_sent_twenty_times_at_once_keeps_one_row_per_item(app, port):
    study_id = add_study(app)
    browser = Browser(port)
    browser.begin("tiny")
    assert browser.path == step_path("tiny", "page/about")
    fields = {"contact_kind": "found", "story": "They were kind to me."}
    expected = {"contact_kind": Stored(value="found"), "story": Stored(value=fields["story"])}

    diff = assert_one_save(
        app, browser, fields, expected, step_path("tiny", "section/hard"), "section/hard"
    )

    # The first words of the study made its data key: once, however many raced to make it.
    [key] = diff["study_key"]["added"]
    assert key["study_id"] == study_id and diff["study_key"]["removed"] == []
    story = raw_value(app, the_response(app), "story")
    assert sealing.is_sealed(story) and "kind" not in story
    assert raw_value(app, the_response(app), "contact_kind") == '"found"'


def test_a_page_with_words_and_several_choices_sent_twenty_times_keeps_one_row_each(app, port):
    two_pages = tiny_instrument(sections=TWO_PAGES)
    add_study(app, two_pages)
    browser = Browser(port)
    browser.begin("tiny")
    browser.post({"contact_kind": "called", "action": "continue"})
    assert browser.path == step_path("tiny", "page/more", two_pages)
    expected = {
        "help": Stored(value=["housing", "other"]),  # one row holding the chosen options
        "help__text": Stored(value=MORE["help__text"]),
        "detail": Stored(value=MORE["detail"]),
        "age": Stored(value=30),
    }

    assert_one_save(app, browser, MORE, expected, "/s/tiny/check", "check")

    response_id = the_response(app)
    for words in ("help__text", "detail"):
        raw = raw_value(app, response_id, words)
        assert sealing.is_sealed(raw) and MORE[words] not in raw
    assert raw_value(app, response_id, "help") == '["housing", "other"]'


def test_the_final_submit_sent_twenty_times_at_once_submits_once(app, port):
    study_id = add_study(app, tiny_instrument(sections=TWO_PAGES))
    browser = Browser(port)
    browser.begin("tiny")
    browser.post({"contact_kind": "called", "action": "continue"})
    browser.post({**MORE, "action": "continue"})
    assert browser.path == "/s/tiny/check"
    response_id = the_response(app)
    before = snapshot(app)

    replies = browser.all_at_once(*browser.form())

    assert [r.status for r in replies] == [200] * PARALLEL
    # Every post carries the same one-time submit key from the same session, so
    # any that lost the race to a commit it could not see may show the phrase
    # again: always the same phrase. The rest say the answers were already sent.
    done = [r for r in replies if DONE in r.body]
    assert len(done) >= 1 and not any(ALREADY in r.body for r in done)
    assert sum(ALREADY in r.body for r in replies) == PARALLEL - len(done)
    [phrase] = {PHRASE.search(r.body).group(1) for r in done}
    assert not any(PHRASE.search(r.body) for r in replies if r not in done)

    after = snapshot(app)
    diff = changes(before, after)
    # Submit rewrites the answers as final (PostgreSQL gives them new ids): same content.
    assert set(diff) - {"answer"} == {
        "submission",
        "response",
        "coding_case",
        "coding_document",
        "web_session",  # the winner's session forgets the response and notes the submit
    }, diff
    kept_before, kept_after = (
        sorted((r["item_id"], r["value"], r["code"]) for r in rows["answer"].values())
        for rows in (before, after)
    )
    assert kept_after == kept_before and len(kept_after) == 5
    assert len(diff["submission"]["added"]) == 1
    assert len(diff["coding_case"]["added"]) == 1
    documents = diff["coding_document"]["added"]
    assert sorted(d["item_id"] for d in documents) == ["detail", "help__text"]
    with app.app_context():
        response = db.session.get(Response, response_id)
        assert (response.status, response.last_page) == ("completed", None)
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1
        assert db.session.scalar(select(func.count()).select_from(CodingCase)) == 1
        items = db.session.scalars(select(Answer.item_id).where(Answer.response_id == response_id))
        assert sorted(items) == ["age", "contact_kind", "detail", "help", "help__text"]
        kept = responses.stored_answers(db.session, response_id)
        assert kept["detail"] == Stored(value=MORE["detail"])

        # The one phrase shown takes the response back, everywhere.
        study = db.session.get(Study, study_id)
        limits = attempts.Limits(secret_key=app.config["SECRET_KEY"])
        responses.withdraw(db.session, study, phrase, limits)
        assert db.session.get(Response, response_id) is None
        for model in (Answer, Submission, CodingCase, CodingDocument):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0
        db.session.remove()
