"""The interviewer-mode journey: consent, pages, pause, resume, distress check, submit, stop."""

from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db
from survey.models import Answer, AuditEvent, InterviewEvent, Response, Submission
from tests.factories import add_study
from tests.survey.interview.helpers import count, interviewer, start
from tests.survey.studio import post

STORY = "They listened to me."


def _events(app, rid):
    with app.app_context():
        rows = db.session.execute(
            select(InterviewEvent.kind, InterviewEvent.reason)
            .where(InterviewEvent.response_id == rid)
            .order_by(InterviewEvent.id)
        )
        return [tuple(row) for row in rows]


def _response(app, rid):
    with app.app_context():
        return db.session.get(Response, rid)


def _through_first_page(client, rid):
    base = f"/interview/tiny/{rid}"
    assert (
        post(client, f"{base}/consent", {"consent": "agree"})
        .headers["Location"]
        .endswith(f"{base}/page/about")
    )
    page = post(client, f"{base}/page/about", {"contact_kind": "called", "story": STORY})
    assert page.headers["Location"].endswith(f"{base}/section/hard")


def test_the_whole_interview_is_stored_as_interviewer_administered_with_its_events(app):
    add_study(app)
    client, _ = interviewer(app, 1)
    rid = start(client, "tiny")
    base = f"/interview/tiny/{rid}"
    assert "read this aloud" in client.get(f"{base}/consent").get_data(as_text=True)
    _through_first_page(client, rid)

    assert (
        post(client, f"{base}/pause", {"reason": "interruption"})
        .headers["Location"]
        .endswith("/interview/tiny")
    )
    listing = client.get("/interview/tiny").get_data(as_text=True)
    assert rid[:8].upper() in listing and rid not in listing.replace(f"/{rid}/", "")
    resumed = post(client, f"{base}/resume")
    assert resumed.headers["Location"].endswith(f"{base}/section/hard")
    assert (
        post(client, f"{base}/distress-check")
        .headers["Location"]
        .endswith(f"{base}/distress-check")
    )
    script = client.get(f"{base}/distress-check").get_data(as_text=True)
    assert "Are you safe right now?" in script
    assert client.get(f"{base}/continue").headers["Location"].endswith(f"{base}/section/hard")
    assert (
        post(client, f"{base}/section/hard", {"action": "skip"})
        .headers["Location"]
        .endswith(f"{base}/page/more")
    )
    assert post(client, f"{base}/page/more", {}).headers["Location"].endswith(f"{base}/check")
    assert STORY in client.get(f"{base}/check").get_data(as_text=True)
    done = post(client, f"{base}/check")

    assert done.status_code == 200 and "take their answers back" in done.get_data(as_text=True)
    response = _response(app, rid)
    assert (response.mode, response.status) == ("interviewer", "completed")
    assert _events(app, rid) == [
        ("pause", "interruption"),
        ("resume", None),
        ("distress_check", None),
    ]


def test_pause_needs_one_of_the_reasons(app):
    add_study(app)
    client, _ = interviewer(app, 1)
    rid = start(client, "tiny")

    refused = post(client, f"/interview/tiny/{rid}/pause", {"reason": "bored"})

    assert refused.status_code == 400
    assert _events(app, rid) == []


def test_stop_deletes_the_answers_unless_the_respondent_asks_to_keep_them(app):
    add_study(app)
    client, _ = interviewer(app, 1)
    rid = start(client, "tiny")
    _through_first_page(client, rid)

    page = post(client, f"/interview/tiny/{rid}/stop", {"reason": "distress"})

    assert "have been deleted" in page.get_data(as_text=True)
    assert _response(app, rid) is None
    assert count(app, Answer) == 0


def test_stop_keeping_the_answers_submits_them_with_a_stop_event_and_a_code(app):
    add_study(app)
    client, _ = interviewer(app, 1)
    rid = start(client, "tiny")
    _through_first_page(client, rid)

    page = post(client, f"/interview/tiny/{rid}/stop", {"reason": "safety", "answers": "keep"})

    assert "take their answers back" in page.get_data(as_text=True)
    assert _response(app, rid).status == "completed"
    assert _events(app, rid) == [("stop", "safety")]
    assert count(app, Submission) == 1


def test_the_stop_page_from_the_distress_check_has_distress_chosen(app):
    add_study(app)
    client, _ = interviewer(app, 1)
    rid = start(client, "tiny")

    page = client.get(f"/interview/tiny/{rid}/stop?reason=distress").get_data(as_text=True)

    assert '<option value="distress" selected>' in page
    assert 'value="delete" checked' in page


def test_declining_consent_keeps_nothing_and_shows_support(app):
    add_study(app)
    client, _ = interviewer(app, 1)
    rid = start(client, "tiny")

    page = post(client, f"/interview/tiny/{rid}/consent", {"consent": "decline"})

    assert "08000 121 700" in page.get_data(as_text=True)
    assert _response(app, rid) is None


def test_support_information_always_has_the_helpline_and_999(app):
    add_study(app)
    client, _ = interviewer(app, 1)
    rid = start(client, "tiny")

    page = client.get(f"/interview/tiny/{rid}/support").get_data(as_text=True)

    assert "08000 121 700" in page and "999" in page


def test_no_interviewer_identity_is_stored_with_the_response_but_the_audit_log_says_who(app):
    add_study(app)
    client, member = interviewer(app, 1)
    rid = start(client, "tiny")
    _through_first_page(client, rid)
    post(client, f"/interview/tiny/{rid}/pause", {"reason": "respondent_chose"})
    post(client, f"/interview/tiny/{rid}/resume")
    post(client, f"/interview/tiny/{rid}/check")

    with app.app_context():
        rows = [
            *db.session.scalars(select(Response)),
            *db.session.scalars(select(Answer)),
            *db.session.scalars(select(InterviewEvent)),
            *db.session.scalars(select(Submission)),
        ]
        stored = " ".join(
            str(getattr(row, column.key)) for row in rows for column in row.__table__.columns
        )
        audit = db.session.execute(
            select(AuditEvent.actor_id, AuditEvent.action, AuditEvent.detail)
        )
        audit = [tuple(row) for row in audit if row.action.startswith("interview.")]
    assert member.email not in stored and member.public_id not in stored
    columns = [c.name for t in (Response, Answer, InterviewEvent) for c in t.__table__.columns]
    assert not [name for name in columns if "user" in name or "interviewer" in name]
    assert [action for _, action, _ in audit] == [
        "interview.start", "interview.pause", "interview.resume", "interview.submit"
    ]  # fmt: skip
    assert all(actor == member.id and rid[:8].upper() in detail for actor, _, detail in audit)
    assert not any(STORY in detail for _, _, detail in audit)


def test_pausing_from_a_question_page_keeps_what_was_typed_on_it(app):
    add_study(app)
    client, _ = interviewer(app, 1)
    rid = start(client, "tiny")
    base = f"/interview/tiny/{rid}"
    post(client, f"{base}/consent", {"consent": "agree"})

    paused = post(
        client,
        f"{base}/page/about",
        {"contact_kind": "found", "story": STORY, "action": "pause", "reason": "distress"},
    )

    assert paused.headers["Location"].endswith("/interview/tiny")
    with app.app_context():
        rows = db.session.execute(
            select(Answer.item_id, Answer.value).where(Answer.response_id == rid)
        ).all()
        stored = dict(rows)
    assert stored["contact_kind"] == '"found"' and STORY in stored["story"]
    assert [(kind, reason) for kind, reason in _events(app, rid)] == [("pause", "distress")]
    resumed = post(client, f"{base}/resume")
    assert resumed.headers["Location"].endswith(f"{base}/page/about")
