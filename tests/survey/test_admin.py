"""Administration pages: staff accounts, sign-in security and the audit log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.extensions import db, write_transaction
from survey.models import User
from survey.services import accounts, staff_admin
from survey.services.audit import record
from tests.factories import form_token, make_staff, sign_in

OTHER_ROLES = ["researcher", "analyst", "data_steward"]
ONE_TIME = re.compile(r'id="one-time-password">([^<]+)<')
TARGET = "target@example.org"

# (method, path, form, what an administrator gets)
ROUTES = [
    ("GET", "/studio/admin/users", {}, 200),
    ("POST", "/studio/admin/users", {"email": "fresh@example.org", "role": "analyst"}, 200),
    ("POST", "/studio/admin/users/{target}/role", {"role": "analyst"}, 303),
    ("POST", "/studio/admin/users/{target}/active", {"active": "0"}, 303),
    ("POST", "/studio/admin/users/{target}/password", {}, 200),
    ("POST", "/studio/admin/users/{target}/totp", {}, 303),
    ("GET", "/studio/admin/security", {}, 200),
    ("POST", "/studio/admin/security", {"totp_required": "0"}, 303),
    ("GET", "/studio/admin/audit", {}, 200),
]
ROUTE_IDS = [f"{method} {path.removeprefix('/studio/admin/')}" for method, path, _, _ in ROUTES]


@pytest.fixture
def target(app):
    """A researcher's account for administrators to act on."""
    return make_staff(app, "researcher", email=TARGET)


@pytest.fixture
def admin(app, client):
    """`client`, signed in as an administrator."""
    member = make_staff(app, "admin", email="boss@example.org")
    sign_in(client, member.email, member.password)
    return client


def call(client, method: str, path: str, form: dict, target):
    """Make the request `method path` with `form` and the session's CSRF token."""
    url = path.format(target=target.public_id)
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": form_token(client), **form})


def post(client, path: str, **form: str):
    """Post `form` to `path` with the session's CSRF token."""
    return client.post(path, data={"csrf_token": form_token(client), **form})


def account(app, email: str) -> User:
    """Return the account with `email` (detached)."""
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def is_signed_in(client) -> bool:
    """Return True when the studio's front page opens for `client`."""
    return client.get("/studio/").status_code == 200


# --- who may open what -------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "form", "status"), ROUTES, ids=ROUTE_IDS)
def test_an_administrator_may_use_every_admin_route(admin, target, method, path, form, status):
    assert call(admin, method, path, form, target).status_code == status


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize(("method", "path", "form", "status"), ROUTES, ids=ROUTE_IDS)
def test_other_roles_are_told_an_admin_route_does_not_exist(
    app, staff, target, role, method, path, form, status
):
    response = call(staff(role), method, path, form, target)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "path", "form", "status"), ROUTES, ids=ROUTE_IDS)
def test_someone_not_signed_in_is_sent_to_sign_in(client, target, method, path, form, status):
    response = call(client, method, path, form, target)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/studio/login")


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_a_refused_route_changes_nothing(app, staff, target, role):
    post(staff(role), f"/studio/admin/users/{target.public_id}/role", role="admin")
    assert account(app, TARGET).role == "researcher"


# --- accounts ----------------------------------------------------------------


def test_the_account_list_shows_role_state_two_step_and_last_sign_in(app, admin, target):
    html = admin.get("/studio/admin/users").get_data(as_text=True)
    row = re.search(rf"<tr>\s*<td>{re.escape(TARGET)}.*?</tr>", html, re.S).group(0)
    assert '<option value="researcher" selected>' in row
    assert "<td>Yes</td>" in row and "<td>Off</td>" in row and "<td>Never</td>" in row
    assert "boss@example.org" in html and " UTC</td>" in html


def test_a_new_account_gets_a_one_time_password_that_must_be_changed(app, admin):
    page = post(admin, "/studio/admin/users", email="Fresh@Example.org", role="analyst")
    password = ONE_TIME.search(page.get_data(as_text=True)).group(1)
    response = sign_in(app.test_client(), "fresh@example.org", password)
    assert response.request.path == "/studio/password"
    assert account(app, "fresh@example.org").role == "analyst"


@pytest.mark.parametrize(
    ("email", "role", "message"),
    [
        ("fresh@example.org", "overlord", "Choose one of the roles"),
        (TARGET, "analyst", "exists already"),
        ("not an address", "analyst", "Enter an email address"),
        ("", "analyst", "Enter an email address"),
        ("a@" + "b" * 300, "analyst", "Enter an email address"),
    ],
    ids=["unknown role", "duplicate", "malformed", "empty", "too long"],
)
def test_a_bad_new_account_gets_a_clear_page(app, admin, target, email, role, message):
    response = post(admin, "/studio/admin/users", email=email, role=role)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert len(account_emails(app)) == 2


def account_emails(app) -> list[str]:
    """Return every account's address."""
    with app.app_context():
        return list(db.session.scalars(select(User.email)))


def test_a_new_role_takes_effect_at_the_next_request(app, admin, target):
    theirs = app.test_client()
    sign_in(theirs, target.email, target.password)
    post(admin, f"/studio/admin/users/{target.public_id}/role", role="admin")
    assert theirs.get("/studio/admin/users").status_code == 200


def test_an_unknown_role_changes_nothing(app, admin, target):
    response = post(admin, f"/studio/admin/users/{target.public_id}/role", role="overlord")
    assert response.status_code == 400
    assert account(app, TARGET).role == "researcher"


@pytest.mark.parametrize("action", ["role", "active", "password", "totp"])
def test_an_unknown_account_is_not_found(admin, action):
    assert post(admin, f"/studio/admin/users/{'0' * 32}/{action}").status_code == 404


def test_deactivating_an_account_ends_its_sessions(app, admin, target):
    theirs = app.test_client()
    sign_in(theirs, target.email, target.password)
    post(admin, f"/studio/admin/users/{target.public_id}/active", active="0")
    assert not is_signed_in(theirs)


def test_a_deactivated_account_cannot_sign_in(app, admin, target):
    post(admin, f"/studio/admin/users/{target.public_id}/active", active="0")
    response = sign_in(app.test_client(), target.email, target.password)
    assert response.status_code == 401


def test_a_reactivated_account_can_sign_in_again(app, admin, target):
    post(admin, f"/studio/admin/users/{target.public_id}/active", active="0")
    post(admin, f"/studio/admin/users/{target.public_id}/active", active="1")
    assert sign_in(app.test_client(), target.email, target.password).request.path == "/studio/"


def test_a_nonsense_active_value_is_refused(app, admin, target):
    response = post(admin, f"/studio/admin/users/{target.public_id}/active", active="maybe")
    assert response.status_code == 400
    assert account(app, TARGET).active


def test_a_password_reset_ends_sessions_and_gives_a_one_time_password(app, admin, target):
    theirs = app.test_client()
    sign_in(theirs, target.email, target.password)
    page = post(admin, f"/studio/admin/users/{target.public_id}/password")
    password = ONE_TIME.search(page.get_data(as_text=True)).group(1)
    assert not is_signed_in(theirs)
    assert sign_in(theirs, target.email, target.password).status_code == 401
    assert sign_in(theirs, target.email, password).request.path == "/studio/password"


def test_turning_off_someones_two_step_lets_them_sign_in_with_the_password(app, admin, target):
    with app.app_context(), write_transaction(db.session):
        db.session.get(User, target.id).totp_secret = accounts.new_totp_secret()
    post(admin, f"/studio/admin/users/{target.public_id}/totp")
    assert sign_in(app.test_client(), target.email, target.password).request.path == "/studio/"


@pytest.mark.parametrize(
    ("path", "form"), [("role", {"role": "analyst"}), ("active", {"active": "0"})]
)
def test_the_last_administrator_cannot_be_demoted_or_deactivated(app, admin, path, form):
    me = account(app, "boss@example.org")
    response = post(admin, f"/studio/admin/users/{me.public_id}/{path}", **form)
    assert response.status_code == 400
    assert "at least one active administrator" in response.get_data(as_text=True)
    assert account(app, "boss@example.org").role == "admin"
    assert account(app, "boss@example.org").active


def test_an_administrator_may_step_down_when_another_remains(app, admin):
    make_staff(app, "admin")
    me = account(app, "boss@example.org")
    post(admin, f"/studio/admin/users/{me.public_id}/role", role="researcher")
    assert admin.get("/studio/admin/users").status_code == 404


# --- security ----------------------------------------------------------------


def test_two_step_can_be_made_compulsory(app, admin):
    post(admin, "/studio/admin/security", totp_required="1")
    with app.app_context():
        assert accounts.totp_required(db.session)


def test_two_step_can_be_made_optional_again(app, admin):
    with app.app_context():
        boss = db.session.scalar(select(User).where(User.email == "boss@example.org"))
        with write_transaction(db.session):
            boss.totp_secret = accounts.new_totp_secret()
        staff_admin.set_totp_required(db.session, boss, True)
    post(admin, "/studio/admin/security", totp_required="0")
    with app.app_context():
        assert not accounts.totp_required(db.session)


def test_an_administrator_without_two_step_must_set_it_up_once_it_is_compulsory(admin):
    post(admin, "/studio/admin/security", totp_required="1")
    response = admin.get("/studio/admin/security")
    assert response.headers["Location"] == "/studio/totp"


@pytest.mark.parametrize("value", ["", "yes", "2"])
def test_a_nonsense_security_setting_gets_a_clear_page(app, admin, value):
    response = post(admin, "/studio/admin/security", totp_required=value)
    assert response.status_code == 400
    assert "Choose whether two-step sign-in is compulsory" in response.get_data(as_text=True)


# --- the audit log page ------------------------------------------------------


def add_events(app, count: int, action: str = "study.publish") -> None:
    """Record `count` events numbered in their detail, oldest first."""
    with app.app_context(), write_transaction(db.session):
        for number in range(count):
            record(db.session, None, action, None, number=number)


def numbers_shown(html: str) -> list[int]:
    """Return the event numbers on an audit page, in the order shown."""
    return [int(n) for n in re.findall(r"number: (\d+)", html)]


def test_the_audit_log_shows_fifty_events_a_page_newest_first(app, admin):
    add_events(app, 60)
    first = numbers_shown(admin.get("/studio/admin/audit").get_data(as_text=True))
    second = numbers_shown(admin.get("/studio/admin/audit?page=2").get_data(as_text=True))
    assert first == list(range(59, 9, -1))
    assert second == list(range(9, -1, -1))


@pytest.mark.parametrize("page", ["0", "-3", "999", "abc"])
def test_an_audit_page_out_of_range_shows_the_nearest_page(admin, page):
    response = admin.get(f"/studio/admin/audit?page={page}")
    assert response.status_code == 200


def test_the_audit_log_can_show_one_action(app, admin):
    add_events(app, 3)
    html = admin.get("/studio/admin/audit?action=login").get_data(as_text=True)
    assert numbers_shown(html) == []
    assert "<td>login</td>" in html


def test_the_audit_log_can_show_one_person(app, admin, target):
    sign_in(app.test_client(), target.email, "a wrong password here")
    html = admin.get(f"/studio/admin/audit?person={target.public_id}").get_data(as_text=True)
    actions = re.findall(r"<td>([a-z_.]+)</td>", html)
    assert set(actions) == {"login.failed", "password.change", "user.create"}
    assert "boss@example.org</td>" not in html


def test_the_audit_log_says_who_did_what_to_whom(app, admin, target):
    post(admin, f"/studio/admin/users/{target.public_id}/role", role="analyst")
    html = admin.get("/studio/admin/audit?action=user.role").get_data(as_text=True)
    row = re.search(r"<tr>\s*<td>\d{4}-.*?</tr>", html, re.S).group(0)
    assert "<td>boss@example.org</td>" in row
    assert f"user {TARGET}" in row
    assert "previous: researcher" in row and "role: analyst" in row


def test_an_unknown_person_in_the_audit_filter_is_not_found(admin):
    assert admin.get(f"/studio/admin/audit?person={'0' * 32}").status_code == 404
