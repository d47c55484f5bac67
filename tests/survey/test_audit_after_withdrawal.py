"""Once a response is deleted, the audit log keeps who did what on which day, not which one.

Interview events name a response by its short id, to the second, while it
exists. Withdrawal, a stop without keeping the answers, a declined consent, a
draft purge, a study purge and the ledger replay after a restore each leave
the events in place (who, what, the day) with the short id replaced by
"deleted" and the time of day gone.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from flask import Flask
from sqlalchemy import select, update

from survey.extensions import db, write_transaction
from survey.models import AuditEvent, Response, Study, User
from survey.models.studies import today
from survey.services import audit, ledger, ledger_replay, responses, retention
from survey.services.audit_forget import DELETED
from survey.services.interview import short_id
from tests.factories import add_study, make_staff, sign_in
from tests.survey.interview.helpers import interviewer, start
from tests.survey.journey import Respondent
from tests.survey.studio import post

AT = dt.time(14, 32, 7)  # a time of day, given to every event before the deletion
DAY = dt.date(2025, 3, 4)
PHRASE = re.compile(r'<p class="phrase" lang="en">([a-z -]+)</p>')  # the interview's end page


def _answer_first_page(client, rid: str) -> None:
    base = f"/interview/tiny/{rid}"
    post(client, f"{base}/consent", {"consent": "agree"})
    post(client, f"{base}/page/about", {"contact_kind": "called", "story": "They listened."})


def _interview_to_the_end(client, rid: str) -> str:
    """Answer, pause, resume and submit; return the withdrawal phrase shown at the end."""
    base = f"/interview/tiny/{rid}"
    _answer_first_page(client, rid)
    post(client, f"{base}/pause", {"reason": "distress"})
    post(client, f"{base}/resume")
    post(client, f"{base}/section/hard", {"action": "skip"})
    post(client, f"{base}/page/more", {})
    shown = PHRASE.search(post(client, f"{base}/check").get_data(as_text=True))
    assert shown, "no withdrawal phrase on the end page"
    return shown.group(1)


def _at_a_time_of_day(app: Flask) -> None:
    """Give every event so far the time 14:32:07 on DAY, so losing the time shows."""
    with app.app_context(), write_transaction(db.session):
        db.session.execute(update(AuditEvent).values(at=dt.datetime.combine(DAY, AT)))


def _events(app: Flask, prefix: str = "interview.") -> list[tuple]:
    """Return (actor, action, object, detail, at) of the events whose action starts so."""
    with app.app_context():
        rows = db.session.execute(
            select(
                AuditEvent.actor_id,
                AuditEvent.action,
                AuditEvent.object_id,
                AuditEvent.detail,
                AuditEvent.at,
            )
            .where(AuditEvent.action.startswith(prefix))
            .order_by(AuditEvent.id)
        )
        return [(a, act, obj, json.loads(d), at) for a, act, obj, d, at in rows]


def _withdraw(app: Flask, phrase: str) -> None:
    person = Respondent(app.test_client(), "tiny")
    person.get("/s/tiny/withdraw")
    person.post(data={"phrase": phrase, "confirm": "yes"})
    assert "Your answers are deleted" in person.html


def _forgotten(events: list[tuple]) -> bool:
    """Return True when no event names a response and each keeps only its day."""
    return all(
        detail.get("response") == DELETED and at == dt.datetime.combine(DAY, dt.time())
        for _, _, _, detail, at in events
    )


def test_withdrawing_an_interview_keeps_who_what_and_the_day_but_not_which_or_when(app):
    add_study(app)
    client, member = interviewer(app, 1)
    rid = start(client, "tiny")
    phrase = _interview_to_the_end(client, rid)
    _at_a_time_of_day(app)
    before = _events(app)
    assert [detail["response"] for _, _, _, detail, _ in before] == [short_id(rid)] * 4

    _withdraw(app, phrase)

    after = _events(app)
    assert [(a, act, obj) for a, act, obj, _, _ in after] == [
        (member.id, action, "tiny")
        for action in ("interview.start", "interview.pause", "interview.resume", "interview.submit")
    ]
    assert _forgotten(after)


def test_a_living_interview_keeps_its_short_id_and_its_second_when_another_is_withdrawn(app):
    add_study(app)
    client, _ = interviewer(app, 1)
    withdrawn = start(client, "tiny")
    phrase = _interview_to_the_end(client, withdrawn)
    kept = start(client, "tiny")
    _answer_first_page(client, kept)
    post(client, f"/interview/tiny/{kept}/pause", {"reason": "interruption"})
    _at_a_time_of_day(app)

    _withdraw(app, phrase)

    living = [e for e in _events(app) if e[3]["response"] != DELETED]
    assert [(act, detail) for _, act, _, detail, _ in living] == [
        ("interview.start", {"response": short_id(kept)}),
        ("interview.pause", {"response": short_id(kept)}),
    ]
    assert {at for *_, at in living} == {dt.datetime.combine(DAY, AT)}


def test_stopping_without_keeping_the_answers_leaves_no_short_id_or_time_of_day(app):
    add_study(app)
    client, member = interviewer(app, 1)
    rid = start(client, "tiny")
    _answer_first_page(client, rid)
    _at_a_time_of_day(app)

    post(client, f"/interview/tiny/{rid}/stop", {"reason": "distress"})

    start_event, stop_event = _events(app)
    assert _forgotten([start_event])
    assert stop_event[:3] == (member.id, "interview.stop", "tiny")
    assert stop_event[3] == {"kept": False, "reason": "distress", "response": DELETED}
    assert stop_event[4] == dt.datetime.combine(today(), dt.time())  # made now: today


def test_declining_consent_leaves_no_short_id_or_time_of_day(app):
    add_study(app)
    client, _ = interviewer(app, 1)
    rid = start(client, "tiny")

    post(client, f"/interview/tiny/{rid}/consent", {"consent": "decline"})

    events = _events(app)
    assert [act for _, act, *_ in events] == ["interview.start", "interview.declined"]
    assert all(d == {"response": DELETED} and at.time() == dt.time() for *_, d, at in events)


def test_an_interview_left_open_and_purged_as_an_unsaved_draft_is_forgotten(app):
    add_study(app)
    client, _ = interviewer(app, 1)
    rid = start(client, "tiny")
    _answer_first_page(client, rid)
    _at_a_time_of_day(app)

    with app.app_context():
        later = today() + dt.timedelta(days=30)
        assert responses.purge_unsaved(db.session, on=later) == 1
        assert db.session.get(Response, rid) is None

    assert _forgotten(_events(app))


def test_purging_a_study_strips_its_interview_events_and_leaves_another_studys(app):
    add_study(app)
    other = add_study(app, slug="other")
    client, _ = interviewer(app, 1)
    rid = start(client, "tiny")
    _interview_to_the_end(client, rid)
    with app.app_context(), write_transaction(db.session):
        study = db.session.get(Study, other)
        actor = db.session.scalar(select(User))
        audit.record(db.session, actor, "interview.start", study, response="ABCDEF12")
    _at_a_time_of_day(app)

    with app.app_context():
        retention.purge_study(db.session, 1, secret_key=app.config["SECRET_KEY"])

    events = _events(app)
    on_tiny = [e for e in events if e[2] == "tiny"]
    assert len(on_tiny) == 4 and _forgotten(on_tiny)
    assert [(obj, d, at.time()) for _, _, obj, d, at in events if obj == "other"] == [
        ("other", {"response": "ABCDEF12"}, AT)
    ]


def test_the_ledger_replay_after_a_restore_forgets_the_withdrawn_interview_again(app):
    add_study(app)
    client, _ = interviewer(app, 1)
    rid = start(client, "tiny")
    _interview_to_the_end(client, rid)  # a restored backup still holds it and its events
    _at_a_time_of_day(app)
    secret_key = app.config["SECRET_KEY"]
    withdrawn_later = ledger.Entry(ledger.response_digest(secret_key, rid), today())

    with app.app_context():
        replayed = ledger_replay.replay(db.session, secret_key, [withdrawn_later])

    assert replayed.responses == 1
    assert _forgotten(_events(app))


def _legacy_event(app: Flask, short: str) -> None:
    """Add an interview event as older code left it: naming a response that is gone."""
    with app.app_context(), write_transaction(db.session):
        study = db.session.get(Study, 1)
        actor = db.session.scalar(select(User))
        audit.record(db.session, actor, "interview.submit", study, response=short)


def test_heard_purge_and_the_replay_forget_interview_events_of_responses_already_gone(app):
    add_study(app)
    client, _ = interviewer(app, 1)
    living = start(client, "tiny")
    _legacy_event(app, "0BADCAFE")
    _at_a_time_of_day(app)

    with app.app_context():
        retention.purge_expired(db.session, secret_key=app.config["SECRET_KEY"])

    gone, alive = (
        [e for e in _events(app) if e[1] == "interview.submit"],
        [e for e in _events(app) if e[1] == "interview.start"],
    )
    assert _forgotten(gone)
    assert [(d, at.time()) for *_, d, at in alive] == [({"response": short_id(living)}, AT)]
    _legacy_event(app, "0DDBA11S")
    with app.app_context():
        ledger_replay.replay(db.session, app.config["SECRET_KEY"], [])
    assert all(e[3]["response"] == DELETED for e in _events(app, "interview.submit"))


def test_a_dry_run_of_heard_purge_changes_no_event(app):
    add_study(app)
    _legacy_event(app, "0BADCAFE")
    _at_a_time_of_day(app)

    with app.app_context():
        retention.purge_expired(db.session, secret_key=app.config["SECRET_KEY"], dry_run=True)

    assert [(d, at.time()) for *_, d, at in _events(app)] == [({"response": "0BADCAFE"}, AT)]


def test_the_audit_page_shows_a_forgotten_event_by_its_day_only(app):
    add_study(app)
    client, _ = interviewer(app, 1)
    rid = start(client, "tiny")
    post(client, f"/interview/tiny/{rid}/consent", {"consent": "decline"})
    _at_a_time_of_day(app)  # the time a forgotten event cannot have: shown as the day
    admin = make_staff(app, "admin")
    sign_in(reader := app.test_client(), admin.email, admin.password)

    page = reader.get("/studio/admin/audit?action=interview.declined").get_data(as_text=True)

    assert '2025-03-04 <span class="muted">(day only: the response was deleted)</span>' in page
    assert "14:32:07" not in page and short_id(rid) not in page
