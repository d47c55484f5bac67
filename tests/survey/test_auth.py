"""Staff sign-in through the Flask test client: passwords, lockout, sessions, two-step."""

from __future__ import annotations

import hashlib
import re
from html import unescape

import pyotp
import pytest
from flask import url_for
from flask_login.utils import _create_identifier
from sqlalchemy import select, update

from survey.extensions import db
from survey.models import User, WebSession
from survey.models.staff import SiteSetting
from survey.services import accounts
from survey.web.auth import FAILED, LOCKED
from tests.factories import csrf_token, form_token, make_staff, sign_in
from tests.survey.test_privacy import database_text

ONE_TIME = re.compile(r"One-time password: (\S+)")
SECRET = re.compile(r'<code class="phrase">([A-Z2-7]+)</code>')
NEW_PASSWORD = "a walk along the canal at dusk"


def create_with_cli(runner, email: str = "new@example.org", role: str = "researcher") -> str:
    """Run `heard user create` and return the one-time password it prints."""
    result = runner.invoke(args=["user", "create", "--email", email, "--role", role])
    assert result.exit_code == 0, result.output
    return ONE_TIME.search(result.output).group(1)


def post_login(client, email: str, password: str, code: str | None = None):
    """Post the sign-in form once, without following redirects."""
    form = {"csrf_token": form_token(client), "email": email, "password": password}
    if code is not None:
        form["code"] = code
    return client.post("/studio/login", data=form)


def is_signed_in(client) -> bool:
    """Return True when the studio's front page opens for `client`."""
    return client.get("/studio/").status_code == 200


def user_row(app, email: str) -> User:
    """Return the account with `email` (detached)."""
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def studio_pages(app) -> list[str]:
    """Return a URL for every studio page that answers GET, arguments filled in."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("studio.") and "GET" in (rule.methods or ()):
                urls.append(url_for(rule.endpoint, **dict.fromkeys(rule.arguments, 1)))
    return urls


def turn_on_totp(client, clock) -> str:
    """Set up two-step sign-in for `client`'s account and return the secret."""
    page = client.get("/studio/totp").get_data(as_text=True)
    secret = SECRET.search(page).group(1)
    code = pyotp.TOTP(secret).at(clock.now)
    response = client.post(
        "/studio/totp", data={"csrf_token": csrf_token(page), "code": code}, follow_redirects=True
    )
    assert "Two-step sign-in is on" in response.get_data(as_text=True)
    return secret


# --- the one-time password ---------------------------------------------------


def test_user_create_prints_a_one_time_password_that_signs_in(app, client, runner):
    password = create_with_cli(runner)
    response = sign_in(client, "new@example.org", password)
    assert response.request.path == "/studio/password"


def test_the_one_time_password_works_only_once(app, client, runner):
    password = create_with_cli(runner)
    sign_in(client, "new@example.org", password)
    again = post_login(app.test_client(), "new@example.org", password)
    assert again.status_code == 401
    assert FAILED in again.get_data(as_text=True)


def test_every_studio_page_redirects_to_the_password_page_until_it_is_changed(app, client, runner):
    sign_in(client, "new@example.org", create_with_cli(runner, role="admin"))
    pages = studio_pages(app)
    assert "/studio/admin/users" in pages
    for url in pages:
        response = client.get(url)
        assert response.status_code == 303, url
        assert response.headers["Location"] == "/studio/password", url


def test_choosing_a_password_after_the_one_time_password_opens_the_studio(app, client, runner):
    sign_in(client, "new@example.org", create_with_cli(runner))
    page = client.get("/studio/password").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = client.post("/studio/password", data=form, follow_redirects=True)
    assert response.request.path == "/studio/"
    assert sign_in(app.test_client(), "new@example.org", NEW_PASSWORD).request.path == "/studio/"


@pytest.mark.parametrize(
    ("email", "message"),
    [("taken@example.org", "exists already"), ("not an address", "not an email address")],
)
def test_user_create_refuses_a_taken_or_malformed_address(app, runner, email, message):
    make_staff(app, "analyst", email="taken@example.org")
    result = runner.invoke(args=["user", "create", "--email", email, "--role", "researcher"])
    assert result.exit_code == 2
    assert message in result.output


def test_user_reset_password_prints_a_new_one_time_password(app, client, runner):
    member = make_staff(app, "researcher")
    result = runner.invoke(args=["user", "reset-password", "--email", member.email])
    assert result.exit_code == 0, result.output
    response = sign_in(client, member.email, ONE_TIME.search(result.output).group(1))
    assert response.request.path == "/studio/password"


# --- hashing -------------------------------------------------------------------


@pytest.mark.parametrize("how", ["one-time", "chosen"])
def test_passwords_are_stored_as_argon2id_at_owasp_minimums_or_above(
    app, runner, how, owasp_hashing
):
    if how == "one-time":
        create_with_cli(runner, email="staff@example.org")
    else:
        make_staff(app, "researcher", email="staff@example.org")
    stored = user_row(app, "staff@example.org").password_hash
    match = re.fullmatch(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[^$]+\$[^$]+", stored)
    assert match, stored
    memory, passes, lanes = map(int, match.groups())
    assert memory >= 19456 and passes >= 2 and lanes >= 1


# --- lockout -----------------------------------------------------------------


def fail(client, email: str, times: int, clock=None, every: float = 1.0) -> None:
    """Sign in with a wrong password `times` times, `every` seconds apart."""
    for _ in range(times):
        post_login(client, email, "not the password at all")
        if clock is not None:
            clock.advance(every)


def test_five_failures_in_a_minute_still_let_the_right_password_in(app, client, clock):
    member = make_staff(app, "researcher")
    fail(client, member.email, 5, clock)
    assert post_login(client, member.email, member.password).status_code == 303


def test_a_sixth_failure_within_a_minute_blocks_even_the_right_password(app, client, clock):
    member = make_staff(app, "researcher")
    fail(client, member.email, 6, clock)
    response = post_login(client, member.email, member.password)
    assert response.status_code == 429
    assert LOCKED in unescape(response.get_data(as_text=True))
    assert not is_signed_in(client)


def test_the_block_ends_after_fifteen_minutes(app, client, clock):
    member = make_staff(app, "researcher")
    fail(client, member.email, 6, clock)
    clock.advance(14 * 60)
    assert post_login(client, member.email, member.password).status_code == 429
    clock.advance(2 * 60)
    assert post_login(client, member.email, member.password).status_code == 303


def test_failures_spread_over_more_than_a_minute_do_not_block(app, client, clock):
    member = make_staff(app, "researcher")
    fail(client, member.email, 8, clock, every=20)
    assert post_login(client, member.email, member.password).status_code == 303


def test_failures_either_side_of_a_minute_boundary_still_block(app, client, clock):
    member = make_staff(app, "researcher")
    clock.advance(55)
    fail(client, member.email, 6, clock, every=2)  # from :55 to :05 of the next minute
    assert post_login(client, member.email, member.password).status_code == 429


def test_a_block_looks_the_same_for_an_address_with_no_account(app, client, clock):
    member = make_staff(app, "researcher")
    fail(client, member.email, 6, clock)
    fail(client, "nobody@example.org", 6, clock)
    known = post_login(client, member.email, member.password)
    unknown = post_login(client, "nobody@example.org", member.password)
    assert (known.status_code, unknown.status_code) == (429, 429)
    assert LOCKED in unescape(unknown.get_data(as_text=True))


def test_a_block_is_per_address_not_per_browser(app, client, clock):
    blocked, other = make_staff(app, "researcher"), make_staff(app, "analyst")
    fail(client, blocked.email, 6, clock)
    assert post_login(client, other.email, other.password).status_code == 303


# --- failures reveal nothing -------------------------------------------------


def deactivate(app, member) -> None:
    """Mark `member`'s account inactive, straight in the database."""
    with app.app_context():
        db.session.execute(update(User).where(User.id == member.id).values(active=False))
        db.session.commit()


def failing_credentials(app, case: str) -> tuple[str, str]:
    """Return an email address and password that fail to sign in in the way `case` names."""
    member = make_staff(app, "researcher")
    if case == "inactive":
        deactivate(app, member)
    email = "nobody@example.org" if case == "unknown" else member.email
    password = "not the password at all" if case == "wrong password" else member.password
    return email, password


def without_csrf_tokens(html: str) -> str:
    """Return `html` without its CSRF tokens (they differ from session to session)."""
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


def test_a_failed_sign_in_looks_the_same_whatever_was_wrong(app):
    cases = ("unknown", "wrong password", "inactive")
    responses = [post_login(app.test_client(), *failing_credentials(app, c)) for c in cases]
    assert [r.status_code for r in responses] == [401, 401, 401]
    bodies = {without_csrf_tokens(r.get_data(as_text=True)) for r in responses}
    assert len(bodies) == 1
    assert FAILED in bodies.pop()


class CountingHasher:
    """A password hasher that notes which hash each verification was against."""

    def __init__(self, real) -> None:
        self.real = real
        self.verified: list[str] = []

    def verify(self, hashed: str, password: str) -> bool:
        """Note `hashed`, then verify as the real hasher does."""
        self.verified.append(hashed)
        return self.real.verify(hashed, password)


@pytest.mark.parametrize("case", ["unknown", "inactive"])
def test_an_address_that_cannot_sign_in_still_costs_a_password_hash(app, monkeypatch, case):
    email, password = failing_credentials(app, case)
    hasher = CountingHasher(accounts.HASHER)
    monkeypatch.setattr(accounts, "HASHER", hasher)
    post_login(app.test_client(), email, password)
    assert hasher.verified == [accounts._DUMMY_HASH]


# --- sessions ----------------------------------------------------------------


def test_signing_out_ends_every_session_of_the_account(app, client):
    member = make_staff(app, "researcher")
    laptop, phone = client, app.test_client()
    sign_in(laptop, member.email, member.password)
    sign_in(phone, member.email, member.password)
    laptop.post("/studio/logout", data={"csrf_token": form_token(laptop)})
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)


def test_changing_the_password_ends_other_sessions_but_not_this_one(app, client):
    member = make_staff(app, "researcher")
    other = app.test_client()
    sign_in(client, member.email, member.password)
    sign_in(other, member.email, member.password)
    change_password(client, member.password)
    assert is_signed_in(client)
    assert not is_signed_in(other)


def test_a_wrong_current_password_changes_nothing(app, client):
    member = make_staff(app, "researcher")
    sign_in(client, member.email, member.password)
    assert change_password(client, "not it at all, no").status_code == 400
    assert sign_in(app.test_client(), member.email, member.password).request.path == "/studio/"


def test_guessing_the_current_password_is_blocked_like_guessing_at_sign_in(app, client, clock):
    member = make_staff(app, "researcher")
    sign_in(client, member.email, member.password)
    for _ in range(6):
        change_password(client, "not it at all, no")
    assert change_password(client, member.password).status_code == 429
    assert post_login(app.test_client(), member.email, member.password).status_code == 429


def change_password(client, current: str):
    """Post the password form with `current` and a good new password."""
    form = {"current": current, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    return client.post("/studio/password", data={"csrf_token": form_token(client), **form})


def test_an_idle_session_ends_after_the_configured_minutes(app, client, clock):
    member = make_staff(app, "researcher")
    sign_in(client, member.email, member.password)
    clock.advance(app.config["HEARD_STAFF_IDLE_MINUTES"] * 60 + 1)
    response = client.get("/studio/", follow_redirects=True)
    assert response.request.path == "/studio/login"
    assert "signed out after a time without activity" in response.get_data(as_text=True)


def test_a_session_in_use_stays_open(app, client, clock):
    member = make_staff(app, "researcher")
    sign_in(client, member.email, member.password)
    for _ in range(3):
        clock.advance(app.config["HEARD_STAFF_IDLE_MINUTES"] * 60 - 60)
        assert is_signed_in(client)


def test_signing_in_changes_the_session_token_and_the_old_one_stops_working(app, client):
    member = make_staff(app, "researcher")
    client.get("/studio/login")
    before = client.get_cookie("heard").value
    sign_in(client, member.email, member.password)
    after = client.get_cookie("heard").value
    assert after != before
    attacker = app.test_client()
    attacker.set_cookie("heard", before)
    assert not is_signed_in(attacker)
    with app.app_context():
        stored = db.session.get(WebSession, hashlib.sha256(before.encode()).hexdigest())
    assert stored is None


def test_the_session_cookie_is_http_only_and_same_site_strict(app, client):
    member = make_staff(app, "researcher")
    response = post_login(client, member.email, member.password)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie


def test_a_sign_in_without_its_csrf_token_gets_a_kind_page(app, client):
    member = make_staff(app, "researcher")
    form = {"email": member.email, "password": member.password}
    response = client.post("/studio/login", data=form)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This page has expired" in body
    assert "Traceback" not in body
    assert not is_signed_in(client)


def test_signing_in_keeps_no_trace_of_the_address_or_user_agent(app, client):
    member = make_staff(app, "researcher")
    address, agent = "203.0.113.77", "SentinelAgent/9.9 (zqxjv-agent)"
    client.environ_base.update({"REMOTE_ADDR": address, "HTTP_USER_AGENT": agent})
    sign_in(client, member.email, member.password)
    assert is_signed_in(client)
    # What Flask-Login would store, unless told not to.
    environ = {"REMOTE_ADDR": address, "HTTP_USER_AGENT": agent}
    with app.test_request_context(environ_base=environ):
        fingerprint = _create_identifier()
    stored = database_text(app)
    for trace in (address, agent, fingerprint):
        assert trace not in stored


# --- two-step sign-in ----------------------------------------------------------


@pytest.fixture
def with_totp(app, client, clock):
    """An account with two-step sign-in on, signed out, 30 s after turning it on."""
    member = make_staff(app, "researcher")
    sign_in(client, member.email, member.password)
    secret = turn_on_totp(client, clock)
    client.post("/studio/logout", data={"csrf_token": form_token(client)})
    clock.advance(30)
    return member, pyotp.TOTP(secret)


def test_with_two_step_on_the_password_alone_asks_for_a_code(client, with_totp):
    member, _ = with_totp
    response = post_login(client, member.email, member.password)
    assert response.status_code == 200
    assert 'name="code"' in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_with_two_step_on_the_password_and_a_current_code_sign_in(client, clock, with_totp):
    member, totp = with_totp
    response = sign_in(client, member.email, member.password, totp.at(clock.now))
    assert response.request.path == "/studio/"


def test_a_wrong_code_fails_like_a_wrong_password(client, clock, with_totp):
    member, totp = with_totp
    wrong = f"{(int(totp.at(clock.now)) + 1) % 1_000_000:06d}"
    response = post_login(client, member.email, member.password, wrong)
    assert response.status_code == 401
    assert FAILED in response.get_data(as_text=True)


def test_a_code_used_once_is_refused_in_the_same_step(app, client, clock, with_totp):
    member, totp = with_totp
    code = totp.at(clock.now)
    assert post_login(client, member.email, member.password, code).status_code == 303
    clock.advance(5)
    again = post_login(app.test_client(), member.email, member.password, code)
    assert again.status_code == 401


def test_the_code_that_turned_two_step_on_cannot_sign_in(app, client, clock):
    member = make_staff(app, "researcher")
    sign_in(client, member.email, member.password)
    secret = turn_on_totp(client, clock)
    code = pyotp.TOTP(secret).at(clock.now)
    assert post_login(app.test_client(), member.email, member.password, code).status_code == 401


def test_a_wrong_setup_code_leaves_two_step_off(app, client, clock):
    member = make_staff(app, "researcher")
    sign_in(client, member.email, member.password)
    page = client.get("/studio/totp").get_data(as_text=True)
    response = client.post("/studio/totp", data={"csrf_token": csrf_token(page), "code": "000000"})
    assert response.status_code == 400
    assert "That code is not right" in response.get_data(as_text=True)
    assert user_row(app, member.email).totp_secret is None


def test_turning_two_step_on_ends_other_sessions(app, client, clock):
    member = make_staff(app, "researcher")
    other = app.test_client()
    sign_in(client, member.email, member.password)
    sign_in(other, member.email, member.password)
    turn_on_totp(client, clock)
    assert is_signed_in(client)
    assert not is_signed_in(other)


def test_when_two_step_is_compulsory_a_person_without_it_is_sent_to_set_it_up(app, client):
    admin = make_staff(app, "admin")
    member = make_staff(app, "researcher")
    sign_in(client, member.email, member.password)
    boss = app.test_client()
    sign_in(boss, admin.email, admin.password)
    boss.post("/studio/admin/security", data={"csrf_token": form_token(boss), "totp_required": "1"})
    response = client.get("/studio/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/studio/totp"


def test_when_two_step_is_compulsory_a_person_with_it_carries_on(app, client, clock):
    member = make_staff(app, "researcher")
    sign_in(client, member.email, member.password)
    turn_on_totp(client, clock)
    with app.app_context():
        db.session.add(SiteSetting(key=accounts.TOTP_SETTING, value="1"))
        db.session.commit()
    assert is_signed_in(client)
