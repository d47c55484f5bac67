"""A repeated final submit whose reply was lost shows the same withdrawal phrase (issue 8).

The failure this guards against: the submit commits, then the worker dies
before its reply or before the server-side session is saved; the browser
posts the form again and, without the one-time submit key of "Check your
answers", the phrase shown only once would be lost for good.
"""

from __future__ import annotations

import re
import secrets

import pytest
from flask import Flask
from scipy import stats
from sqlalchemy import select

from survey.extensions import db
from survey.models import InstrumentVersion, Response, Study
from survey.services import attempts, phrases, responses, web_sessions
from survey.services.studies import instrument_of
from tests.factories import add_study, csrf_token
from tests.survey.journey import PHRASE, Respondent

SUBMIT_KEY = re.compile(r'<input type="hidden" name="submit_key" value="([^"]+)">')
DONE = "Thank you. We have your answers."
ALREADY = "Your answers were already sent"


@pytest.fixture
def person(app: Flask, client) -> Respondent:
    """Someone on the tiny study's "Check your answers" page, having skipped every question."""
    add_study(app)
    respondent = Respondent(client, "tiny")
    respondent.begin()
    respondent.get("/s/tiny/check")
    assert respondent.path == "/s/tiny/check" and SUBMIT_KEY.search(respondent.html)
    return respondent


def key_of(html: str) -> str:
    """Return the submit key on a "Check your answers" page."""
    match = SUBMIT_KEY.search(html)
    assert match, "no submit key on the page"
    return match.group(1)


def server_session(app: Flask, person: Respondent) -> tuple[str, dict | None]:
    """Return the session token of `person` and what the server keeps under it."""
    token = person.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    with app.app_context():
        data = web_sessions.load_session(db.session, token)
        db.session.remove()
    return token, data


def restore(app: Flask, token: str, data: dict) -> None:
    """Put the server-side session back as it was: as if its save had been lost."""
    with app.app_context():
        idle = app.config["HEARD_SESSION_IDLE_DAYS"]
        web_sessions.save_session(db.session, token, data, idle_days=idle)
        db.session.remove()


def withdraw(app: Flask, phrase: str) -> None:
    """Withdraw with `phrase` through the service (raises if it names no response)."""
    with app.app_context():
        study = db.session.scalar(select(Study).where(Study.slug == "tiny"))
        limits = attempts.Limits(secret_key=app.config["SECRET_KEY"])
        responses.withdraw(db.session, study, phrase, limits)
        db.session.remove()


def responses_left(app: Flask) -> list[tuple[str, str]]:
    """Return the (id, status) of every response."""
    with app.app_context():
        rows = db.session.execute(select(Response.id, Response.status)).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def submit_and_lose_the_session(app: Flask, person: Respondent) -> tuple[str, str]:
    """Send the answers, then undo the session's save; return the check page and the phrase."""
    check = person.html
    token, before = server_session(app, person)
    assert before is not None and before["submit_key"] == key_of(check)
    person.post(data={"submit_key": key_of(check)}, html=check)
    assert DONE in person.html
    first = person.phrase()
    assert server_session(app, person)[1].get("submit_key") is None  # gone once shown
    restore(app, token, before)
    return check, first


def test_a_repeat_after_a_lost_session_save_shows_the_same_phrase_that_withdraws(app, person):
    check, first = submit_and_lose_the_session(app, person)
    [(_, status)] = responses_left(app)
    assert status == "completed"

    person.post(data={"submit_key": key_of(check)}, html=check)

    assert DONE in person.html and ALREADY not in person.html
    assert person.phrase() == first
    # Shown again, the key is gone: a third post of the same form shows nothing.
    assert "submit_key" not in server_session(app, person)[1]
    person.post(data={"submit_key": key_of(check)}, html=check)
    assert ALREADY in person.html and not PHRASE.search(person.html)
    withdraw(app, first)
    assert responses_left(app) == []


def test_a_repeat_in_a_race_with_the_commit_shows_the_phrase_the_submit_stored(app, person):
    # The submit service run as the view runs it, by a request whose reply and
    # session save never happened: the server still holds the pre-submit session.
    check = person.html
    response_id, key = server_session(app, person)[1]["response"], key_of(check)
    with app.app_context():
        secret = app.config["SECRET_KEY"]
        response = db.session.get(Response, response_id)
        version = db.session.get(InstrumentVersion, response.instrument_version_id)
        shown = responses.submit(
            db.session,
            response_id,
            instrument_of(version),
            secret,
            phrase=phrases.phrase_for(secret, response_id, key),
        )
        db.session.remove()

    person.post(data={"submit_key": key}, html=check)

    assert DONE in person.html and person.phrase() == shown
    withdraw(app, person.phrase())
    assert responses_left(app) == []


def test_a_normal_repeat_after_a_successful_submit_shows_no_phrase(app, person):
    check = person.html
    person.post(data={"submit_key": key_of(check)}, html=check)
    first = person.phrase()

    person.post(data={"submit_key": key_of(check)}, html=check)

    assert ALREADY in person.html and DONE not in person.html
    assert not PHRASE.search(person.html) and first not in person.html
    person.get("/s/tiny/check")
    assert ALREADY in person.html and not PHRASE.search(person.html)


@pytest.mark.parametrize("posted", [None, "", "wrong-key", "x" * 22])
def test_a_repeat_without_this_sessions_key_shows_no_phrase(app, person, posted):
    check, first = submit_and_lose_the_session(app, person)
    if posted is None:  # no field at all (the journey would copy the page's hidden one)
        person.page = person.client.post(
            "/s/tiny/check", data={"csrf_token": csrf_token(check)}, follow_redirects=True
        )
    else:
        person.post(data={"submit_key": posted}, html=check)

    assert ALREADY in person.html and DONE not in person.html
    assert not PHRASE.search(person.html) and first not in person.html
    # The right key from the same session still works afterwards.
    person.post(data={"submit_key": key_of(check)}, html=check)
    assert person.phrase() == first


def test_a_key_is_worth_nothing_in_another_session(app, person):
    check, first = submit_and_lose_the_session(app, person)
    stranger = Respondent(app.test_client(), "tiny")
    stranger.post("/s/tiny/check", data={"submit_key": key_of(check)}, html=check)
    assert not PHRASE.search(stranger.html)
    # Even in a session of its own on the same study, someone else's key sends nothing:
    # it leads back to "Check your answers", whose own form then sends, with its phrase.
    stranger.begin()
    stranger.get("/s/tiny/check")
    stranger.post(data={"submit_key": key_of(check)})
    assert stranger.path == "/s/tiny/check" and DONE not in stranger.html
    assert sorted(status for _, status in responses_left(app)) == ["completed", "in_progress"]
    stranger.post()
    assert DONE in stranger.html and stranger.phrase() != first
    assert sorted(status for _, status in responses_left(app)) == ["completed", "completed"]


def test_quick_exit_leaves_nothing_to_show_again(app, person):
    check, first = submit_and_lose_the_session(app, person)
    token, _ = server_session(app, person)
    assert person.client.get("/x").status_code == 303  # ends the server session
    with app.app_context():
        assert web_sessions.load_session(db.session, token) is None
        db.session.remove()
    # Even an old cookie sent again finds nothing.
    person.client.set_cookie(app.config["SESSION_COOKIE_NAME"], token)

    person.post(data={"submit_key": key_of(check)}, html=check)

    assert DONE not in person.html and not PHRASE.search(person.html)
    assert first not in person.html
    assert [status for _, status in responses_left(app)] == ["completed"]  # sent, kept


def test_a_page_loaded_twice_keys_only_the_latest_form(app, person):
    older = person.html
    newer = person.get("/s/tiny/check").get_data(as_text=True)
    assert key_of(older) != key_of(newer)
    token, before = server_session(app, person)

    person.post(data={"submit_key": key_of(older)}, html=older)  # a stale key sends nothing

    assert person.path == "/s/tiny/check" and DONE not in person.html
    [(_, status)] = responses_left(app)
    assert status == "in_progress"
    latest = person.html  # the redirect showed the answers again, with a new key
    assert key_of(latest) not in (key_of(older), key_of(newer))
    person.post(html=latest)
    first = person.phrase()
    restore(app, token, before)
    person.post(data={"submit_key": key_of(newer)}, html=newer)  # not the one that sent
    assert ALREADY in person.html and not PHRASE.search(person.html)
    withdraw(app, first)
    assert responses_left(app) == []


SECRET = "a-secret-key"
RESPONSE = "4f1c9a7e-0d2b-4c55-9b8e-2a6d3f1e7c10"


def test_a_derived_phrase_depends_on_every_input_and_only_on_them():
    key = secrets.token_urlsafe(16)
    phrase = phrases.phrase_for(SECRET, RESPONSE, key)
    assert phrases.phrase_for(SECRET, RESPONSE, key) == phrase
    others = {
        phrases.phrase_for(SECRET, RESPONSE, secrets.token_urlsafe(16)),
        phrases.phrase_for(SECRET, RESPONSE.replace("4f", "5f", 1), key),
        phrases.phrase_for("another-secret", RESPONSE, key),
        phrases.phrase_for(SECRET, RESPONSE, key, purpose=phrases.RESUME),
        # Length-prefixed parts: moving a character across the boundary changes the phrase.
        phrases.phrase_for(SECRET, RESPONSE + key[0], key[1:]),
    }
    assert phrase not in others and len(others) == 5
    words = phrase.split()
    assert len(words) == phrases.WORDS_PER_PHRASE
    assert set(words) <= set(phrases.word_list())
    assert phrases.normalise_phrase(phrase) == phrase  # typed back, it is the same phrase


def test_derived_words_are_spread_evenly_over_the_whole_list():
    size = len(phrases.word_list())
    position = {word: i for i, word in enumerate(phrases.word_list())}
    drawn = [
        position[word]
        for _ in range(20_000)
        for word in phrases.phrase_for(SECRET, RESPONSE, secrets.token_urlsafe(16)).split()
    ]
    assert len(drawn) == 20_000 * phrases.WORDS_PER_PHRASE
    # 7,776 = 32 x 243: 32 equal bins. A plain modulo of 16-bit draws (no
    # rejection) puts 9/8 as much weight on the first 3,328 words: chi-square near 400.
    counts = [0] * 32
    for index in drawn:
        counts[index // (size // 32)] += 1
    assert stats.chisquare(counts).pvalue > 1e-6, counts
    assert min(drawn) < size // 100 and max(drawn) >= size - size // 100
    assert len(set(drawn)) > 0.9 * (1 - (1 - 1 / size) ** len(drawn)) * size


def test_derived_indexes_reject_draws_that_would_bias_the_first_words(monkeypatch):
    # Force the stream: every 16-bit draw at or above 62,208 (= 8 x 7,776) must be skipped.
    size = len(phrases.word_list())
    limit = 65536 - 65536 % size
    blocks = iter(
        [
            (limit).to_bytes(2, "big") * 15 + (size + 5).to_bytes(2, "big"),
            (65535).to_bytes(2, "big") + (7).to_bytes(2, "big") * 15,
        ]
    )

    class Fake:
        def __init__(self, *args: object) -> None:
            self.args = args

        def digest(self) -> bytes:
            if self.args[1].startswith(b"heard-derived-phrase:"):
                return b"k" * 32
            return next(blocks)

    monkeypatch.setattr(phrases.hmac, "new", Fake)
    assert phrases.derived_indexes(SECRET, RESPONSE, "key", purpose="w", count=3) == [5, 7, 7]
