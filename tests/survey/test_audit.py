"""The audit log: every staff action recorded (who, what, when, which object), never an answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from survey.extensions import db, write_transaction
from survey.models import Answer, AuditEvent, User
from survey.services.audit import MAX_DETAIL_LENGTH, record
from tests.conftest import Clock
from tests.factories import StaffMember, add_study, csrf_token, form_token, make_staff, sign_in
from tests.survey.journey import Respondent
from tests.survey.test_auth import SECRET

NEW_PASSWORD = "a walk along the canal at dusk"
SENTINEL = "zqxjv sentinel answer"


def post(client, path: str, **form: str):
    """Post `form` to `path` with the session's CSRF token."""
    return client.post(path, data={"csrf_token": form_token(client), **form})


def newest_event(app) -> dict:
    """Return the newest audit event: action, who, object and detail."""
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        actor = db.session.get(User, event.actor_id) if event.actor_id else None
        return {
            "action": event.action,
            "who": actor.email if actor else None,
            "object": (event.object_type, event.object_id),
            "detail": json.loads(event.detail),
        }


@dataclass
class Scene:
    """An administrator and a researcher, each signed in on their own client."""

    app: Flask
    boss: FlaskClient
    member: StaffMember
    theirs: FlaskClient
    clock: Clock

    def on_member(self, action: str) -> str:
        """Return the admin path that does `action` to the researcher's account."""
        return f"/studio/admin/users/{self.member.public_id}/{action}"


@pytest.fixture
def scene(app, client, clock) -> Scene:
    """An administrator signed in on `client`, and a researcher on another client."""
    boss = make_staff(app, "admin", email="boss@example.org")
    sign_in(client, boss.email, boss.password)
    member = make_staff(app, "researcher", email="member@example.org")
    theirs = app.test_client()
    sign_in(theirs, member.email, member.password)
    return Scene(app, client, member, theirs, clock)


def turn_on_totp(scene: Scene) -> None:
    """Set up two-step sign-in through the page."""
    page = scene.theirs.get("/studio/totp").get_data(as_text=True)
    code = pyotp.TOTP(SECRET.search(page).group(1)).at(scene.clock.now)
    scene.theirs.post("/studio/totp", data={"csrf_token": csrf_token(page), "code": code})


def change_password(scene: Scene) -> None:
    """Change the researcher's password through the page."""
    form = {"current": scene.member.password, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    post(scene.theirs, "/studio/password", **form)


# action: (how it is done, who does it: the researcher, the administrator or nobody)
ACTIONS: dict[str, tuple[Callable[[Scene], object], str | None]] = {
    "login": (lambda s: sign_in(s.theirs, s.member.email, s.member.password), "member"),
    "login.failed": (lambda s: sign_in(s.app.test_client(), s.member.email, "wrong!"), None),
    "logout": (lambda s: post(s.theirs, "/studio/logout"), "member"),
    "password.change": (change_password, "member"),
    "totp.enable": (turn_on_totp, "member"),
    "user.role": (lambda s: post(s.boss, s.on_member("role"), role="analyst"), "boss"),
    "user.deactivate": (lambda s: post(s.boss, s.on_member("active"), active="0"), "boss"),
    "user.password_reset": (lambda s: post(s.boss, s.on_member("password")), "boss"),
    "totp.reset": (lambda s: post(s.boss, s.on_member("totp")), "boss"),
}
WHO = {"member": "member@example.org", "boss": "boss@example.org", None: None}


@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_on_an_account_is_recorded_with_who_and_which_account(app, scene, action):
    do, who = ACTIONS[action]
    do(scene)
    event = newest_event(app)
    assert (event["action"], event["who"]) == (action, WHO[who])
    assert event["object"] == ("user", scene.member.public_id)


def test_creating_an_account_is_recorded_with_the_new_account(app, scene):
    post(scene.boss, "/studio/admin/users", email="new@example.org", role="analyst")
    event = newest_event(app)
    created = account_id(app, "new@example.org")
    assert (event["action"], event["who"]) == ("user.create", "boss@example.org")
    assert (event["object"], event["detail"]) == (("user", created), {"role": "analyst"})


def account_id(app, email: str) -> str:
    """Return the public id of the account with `email`."""
    with app.app_context():
        return db.session.scalar(select(User.public_id).where(User.email == email))


def test_reactivating_an_account_is_recorded(app, scene):
    post(scene.boss, scene.on_member("active"), active="0")
    post(scene.boss, scene.on_member("active"), active="1")
    assert newest_event(app)["action"] == "user.reactivate"


def test_a_role_change_records_the_old_and_new_role(app, scene):
    post(scene.boss, scene.on_member("role"), role="analyst")
    assert newest_event(app)["detail"] == {"previous": "researcher", "role": "analyst"}


def test_a_security_setting_change_records_who_which_setting_and_its_value(app, scene):
    post(scene.boss, "/studio/admin/security", totp_required="0")
    event = newest_event(app)
    assert (event["action"], event["who"]) == ("setting.change", "boss@example.org")
    assert event["object"] == ("sitesetting", "totp_required")
    assert event["detail"] == {"value": "0"}


def test_user_create_from_the_command_line_is_recorded_without_a_person(app, runner):
    runner.invoke(args=["user", "create", "--email", "cli@example.org", "--role", "analyst"])
    event = newest_event(app)
    assert (event["action"], event["who"], event["detail"]) == (
        "user.create",
        None,
        {"role": "analyst"},
    )


@pytest.mark.parametrize(
    "value",
    ["x" * (MAX_DETAIL_LENGTH + 1), ["a", "list"], {"a": "dict"}, b"bytes"],
    ids=["long text", "list", "dict", "bytes"],
)
def test_an_audit_detail_refuses_long_text_and_containers(app, value):
    refused = pytest.raises(ValueError, match="short scalar")
    with app.app_context(), refused, write_transaction(db.session):
        record(db.session, None, "study.export", None, note=value)
    with app.app_context():
        assert db.session.scalars(select(AuditEvent)).all() == []


def test_an_audit_detail_keeps_short_facts(app):
    with app.app_context(), write_transaction(db.session):
        record(db.session, None, "study.export", None, note="x" * MAX_DETAIL_LENGTH, rows=3)
    assert newest_event(app)["detail"] == {"note": "x" * MAX_DETAIL_LENGTH, "rows": 3}


def test_no_audit_row_holds_an_answer_after_a_journey_and_staff_actions(app, client, runner):
    add_study(app)
    person = Respondent(client, "tiny")
    person.begin()
    person.answer({"contact_kind": "found", "story": SENTINEL})
    answer_everything_after_the_first_page(person)
    person.submit()
    boss_client = app.test_client()
    boss = make_staff(app, "admin")
    sign_in(boss_client, boss.email, boss.password)
    post(boss_client, "/studio/admin/users", email="new@example.org", role="analyst")
    post(boss_client, "/studio/admin/security", totp_required="0")
    audit_page = boss_client.get("/studio/admin/audit").get_data(as_text=True)
    post(boss_client, "/studio/logout")
    with app.app_context():
        answers = [str(v) for v in db.session.scalars(select(Answer.value))]
        events = db.session.scalars(select(AuditEvent)).all()
    assert any(SENTINEL in value for value in answers)  # the answer is stored, as answers are
    assert len(events) >= 6
    for event in events:
        assert SENTINEL not in f"{event.action} {event.object_id} {event.detail}"
    assert SENTINEL not in audit_page


def answer_everything_after_the_first_page(person: Respondent) -> None:
    """Answer the rest of the tiny study, reaching "Check your answers"."""
    person.answer({}, action="continue")  # the sensitive section's opening
    person.answer({"arrested": "yes"})
    person.answer({"charged": "dont_know"})
    person.answer({"help": ["housing"], "age": "34", "when__month": "3", "when__year": "2021"})
    assert person.path == "/s/tiny/check"
