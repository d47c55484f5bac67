"""Staff two-step secrets are sealed at rest: a copy of the database alone makes no codes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pyotp
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, select, text, update

from survey import create_app, sealing
from survey.extensions import db, write_transaction
from survey.models import SiteKey, User
from survey.services import accounts, staff_secrets
from survey.web.auth import FAILED
from tests.conftest import TEST_DATABASE_URL, database_url
from tests.factories import STAFF_PASSWORD, csrf_token, form_token, make_staff, sign_in
from tests.survey.test_auth import SECRET, is_signed_in, post_login
from tests.survey.test_privacy import database_files, database_text
from tests.survey.test_sealing import _same_database

PG = TEST_DATABASE_URL.startswith("postgresql")


def stored_secret(app, user_id: int) -> str | None:
    """Return what the database holds in `user_id`'s totp_secret column."""
    with app.app_context():
        return db.session.execute(
            text("SELECT totp_secret FROM staff_user WHERE id = :id"), {"id": user_id}
        ).scalar_one()


def set_stored_secret(app, user_id: int, value: str | None) -> None:
    """Write `value` straight into `user_id`'s totp_secret column."""
    with app.app_context(), write_transaction(db.session):
        db.session.execute(update(User).where(User.id == user_id).values(totp_secret=value))


def enrol(app, clock, member) -> pyotp.TOTP:
    """Turn two-step sign-in on for `member` (as the service does) and return their TOTP."""
    secret = accounts.new_totp_secret()
    with app.app_context():
        user = db.session.get(User, member.id)
        accounts.enable_totp(
            db.session,
            user,
            secret=secret,
            code=pyotp.TOTP(secret).at(clock.now),
            now_seconds=clock.now,
        )
    clock.advance(30)  # the code that turned it on is spent; the next step's is fresh
    return pyotp.TOTP(secret)


def refused_like_a_wrong_code(app, member, code: str) -> None:
    """Assert that signing in with `code` fails with the ordinary message, not a 500."""
    client = app.test_client()
    response = post_login(client, member.email, member.password, code)
    assert response.status_code == 401
    assert FAILED in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_a_secret_set_up_in_the_studio_is_never_written_in_clear(app, client, clock):
    member = make_staff(app, "researcher")
    sign_in(client, member.email, member.password)
    page = client.get("/studio/totp").get_data(as_text=True)
    secret = SECRET.search(page).group(1)
    # While it waits for its first code, the secret sits in the session: sealed too.
    assert secret not in database_text(app)
    assert secret.encode() not in database_files(app)
    code = pyotp.TOTP(secret).at(clock.now)
    done = client.post("/studio/totp", data={"csrf_token": csrf_token(page), "code": code})
    assert done.status_code == 303
    stored = stored_secret(app, member.id)
    assert stored.startswith(sealing.PREFIX) and secret not in stored
    everything = database_text(app)
    assert member.email in everything  # the scan reads real rows
    assert secret not in everything
    assert secret.encode() not in database_files(app)


@pytest.mark.skipif(PG, reason="the SQLite file is checked on the SQLite run")
def test_the_secret_is_in_no_byte_of_the_sqlite_files(app, clock):
    member = make_staff(app, "researcher")
    secret = enrol(app, clock, member).secret
    folder = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent
    with app.app_context():
        db.engine.dispose()
    contents = b"".join(path.read_bytes() for path in sorted(folder.glob("heard.db*")))
    assert member.email.encode() in contents
    assert secret.encode() not in contents


@pytest.mark.skipif(not PG, reason="the PostgreSQL dump is checked on the PostgreSQL run")
def test_the_secret_is_in_no_byte_of_a_postgresql_dump(app, clock):
    if shutil.which("pg_dump") is None:
        if os.environ.get("HEARD_REQUIRE_SERVICES") == "1":
            pytest.fail("pg_dump is not installed")
        pytest.skip("pg_dump is not installed")
    member = make_staff(app, "researcher")
    secret = enrol(app, clock, member).secret
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg", "postgresql")
    dump = subprocess.run(["pg_dump", url], capture_output=True, check=True, timeout=120).stdout
    assert member.email.encode() in dump
    assert secret.encode() not in dump


def test_a_sealed_secret_signs_in_once_per_code(app, clock):
    member = make_staff(app, "researcher")
    totp = enrol(app, clock, member)
    code = totp.at(clock.now)
    assert post_login(app.test_client(), member.email, member.password, code).status_code == 303
    clock.advance(5)
    refused_like_a_wrong_code(app, member, code)
    clock.advance(30)
    later = app.test_client()
    assert sign_in(later, member.email, member.password, totp.at(clock.now)).status_code == 200
    assert is_signed_in(later)


def test_after_rotating_the_key_file_two_step_sign_in_still_works(app, clock):
    member = make_staff(app, "researcher")
    totp = enrol(app, clock, member)
    before = stored_secret(app, member.id)
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert stored_secret(app, member.id) == before  # re-wrapped key, secret untouched
    restarted = _same_database(app)  # reads only the new key file
    with restarted.app_context():
        [(master_id,)] = db.session.execute(select(SiteKey.master_id)).all()
        assert master_id == restarted.extensions["heard_keyring"].current.id
    code = totp.at(clock.now)
    response = post_login(restarted.test_client(), member.email, member.password, code)
    assert response.status_code == 303


def test_after_rotating_heard_data_key_only_the_new_key_opens_the_secret(tmp_path, clock):
    from tests.conftest import make_app

    first = sealing.encode_key(sealing.new_secret())
    app = make_app(tmp_path, HEARD_DATA_KEY=first)
    member = make_staff(app, "researcher")
    totp = enrol(app, clock, member)
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    new = result.output.splitlines()[1].strip()
    fresh = _same_database(app, HEARD_DATA_KEY=new)
    code = totp.at(clock.now)
    assert post_login(fresh.test_client(), member.email, member.password, code).status_code == 303
    clock.advance(30)
    stale = _same_database(app, HEARD_DATA_KEY=first)
    _key_missing(stale, member, totp.at(clock.now))  # the retired key: the operator must fix it
    status = stale.test_cli_runner().invoke(args=["keys", "status"])
    assert status.exit_code == 1 and "site key staff" in status.output


def test_a_backup_made_before_a_rotation_restores_with_the_old_key_and_signs_in(app, clock):
    if PG and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    member = make_staff(app, "researcher")
    totp = enrol(app, clock, member)
    out = Path(app.instance_path).parent / "before.backup"
    made = app.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    assert made.exit_code == 0, made.output
    assert app.test_cli_runner().invoke(args=["keys", "rotate"]).exit_code == 0
    [retired] = Path(app.instance_path).glob("data_key.old-*")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    restarted = _same_database(app)  # holds only the new key
    result = restarted.test_cli_runner().invoke(
        args=["restore", str(out), "--key-file", str(retired), "--yes"]
    )
    assert result.exit_code == 0, result.output
    code = totp.at(clock.now)
    response = post_login(restarted.test_client(), member.email, member.password, code)
    assert response.status_code == 303
    with restarted.app_context():
        [(master_id,)] = db.session.execute(select(SiteKey.master_id)).all()
        assert master_id == restarted.extensions["heard_keyring"].current.id
        db.session.remove()
        db.engine.dispose()


def _flip_one_character(token: str) -> str:
    middle = len(token) - 20
    swapped = "A" if token[middle] != "A" else "B"
    return token[:middle] + swapped + token[middle + 1 :]


DAMAGE = {
    "one character changed": _flip_one_character,
    "key id changed": lambda token: sealing.PREFIX + "0" * 16 + token[len(sealing.PREFIX) + 16 :],
    "not base64": lambda token: token[: len(sealing.PREFIX) + 17] + "!!!***",
    "no key id": lambda token: sealing.PREFIX,
    "clear but not base32": lambda token: "not a base32 secret 189",
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_secret_refuses_sign_in_like_a_wrong_code(app, clock, damage):
    member = make_staff(app, "researcher")
    totp = enrol(app, clock, member)
    set_stored_secret(app, member.id, damage(stored_secret(app, member.id)))
    refused_like_a_wrong_code(app, member, totp.at(clock.now))


def test_a_secret_copied_to_another_account_does_not_open_there(app, clock):
    owner = make_staff(app, "researcher")
    other = make_staff(app, "analyst")
    totp = enrol(app, clock, owner)
    enrol(app, clock, other)
    set_stored_secret(app, other.id, stored_secret(app, owner.id))
    # The owner's code would sign in the other account if the seal were not bound to it.
    refused_like_a_wrong_code(app, other, totp.at(clock.now))
    mine = post_login(app.test_client(), owner.email, owner.password, totp.at(clock.now))
    assert mine.status_code == 303


def _key_missing(app, member, code: str) -> None:
    """Assert that signing in shows the "data key missing" page (503), not a wrong code."""
    client = app.test_client()
    response = post_login(client, member.email, member.password, code)
    assert response.status_code == 503, response.status_code
    assert "data key is missing or wrong" in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_a_wrong_master_key_or_a_deleted_staff_key_is_the_operators_problem_not_a_lockout(
    app, clock
):
    # Every account's secret fails alike when the staff key cannot be opened: the page
    # says the data key is missing, and no attempt counts towards anyone's lockout.
    member = make_staff(app, "researcher")
    totp = enrol(app, clock, member)
    stranger = _same_database(app, HEARD_DATA_KEY=sealing.encode_key(sealing.new_secret()))
    for _ in range(accounts.LOCKOUT_FAILURES + 2):
        _key_missing(stranger, member, totp.at(clock.now))
    # With the right key again, the right code signs in at once: nobody was locked out.
    assert (
        post_login(app.test_client(), member.email, member.password, totp.at(clock.now)).status_code
        == 303
    )
    with app.app_context(), write_transaction(db.session):
        db.session.execute(delete(SiteKey))
    clock.advance(30)
    _key_missing(_same_database(app), member, totp.at(clock.now))


def test_a_secret_enrolled_in_clear_still_signs_in_and_is_sealed_on_first_use(app, clock):
    member = make_staff(app, "researcher")
    secret = accounts.new_totp_secret()
    set_stored_secret(app, member.id, secret)
    code = pyotp.TOTP(secret).at(clock.now)
    assert post_login(app.test_client(), member.email, member.password, code).status_code == 303
    stored = stored_secret(app, member.id)
    assert stored.startswith(sealing.PREFIX) and secret not in stored
    clock.advance(30)
    code = pyotp.TOTP(secret).at(clock.now)
    assert post_login(app.test_client(), member.email, member.password, code).status_code == 303


def test_a_pending_secret_opens_only_in_its_own_accounts_enrolment(app):
    owner = make_staff(app, "researcher")
    with app.app_context():
        pending = staff_secrets.seal_pending(owner.id, "JBSWY3DPEHPK3PXP")
        assert staff_secrets.open_pending(pending, owner.id) == "JBSWY3DPEHPK3PXP"
        assert staff_secrets.open_pending(pending, owner.id + 1) is None
        enrolled = staff_secrets.seal_secret(db.session, owner.id, "JBSWY3DPEHPK3PXP")
        # not an enrolled secret: sealed with another key than the staff key
        assert staff_secrets.open_secret(db.session, pending, owner.id) is None
        assert staff_secrets.open_pending(enrolled, owner.id) is None
        assert staff_secrets.open_pending("JBSWY3DPEHPK3PXP", owner.id) is None  # never clear


def test_a_pending_secret_survives_a_reload_and_a_foreign_one_is_replaced(app, client):
    owner = make_staff(app, "researcher")
    sign_in(client, owner.email, owner.password)
    first = SECRET.search(client.get("/studio/totp").get_data(as_text=True)).group(1)
    assert SECRET.search(client.get("/studio/totp").get_data(as_text=True)).group(1) == first
    with app.app_context():
        foreign = staff_secrets.seal_pending(owner.id + 1, "JBSWY3DPEHPK3PXP")
    with client.session_transaction() as session:
        session["totp_pending"] = foreign
    offered = SECRET.search(client.get("/studio/totp").get_data(as_text=True)).group(1)
    assert offered not in (first, "JBSWY3DPEHPK3PXP")


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_the_migration_seals_a_clear_secret_and_sign_in_keeps_working(tmp_path, clock):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "HEARD_DATABASE_URL": database_url(tmp_path),
            "SECRET_KEY": "test-secret-key",
        }
    )
    directory = app.extensions["migrate"].directory
    secret = accounts.new_totp_secret()
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS site_key")
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(directory=directory, revision="0007")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO staff_user (id, public_id, email, role, password_hash,"
                    " must_change_password, active, session_epoch, totp_secret, created_at)"
                    " VALUES (7, 'p7', 'old@example.org', 'researcher', :hash, false, true, 0,"
                    " :secret, '2026-01-02 00:00:00')"
                ),
                {"hash": accounts.HASHER.hash(STAFF_PASSWORD), "secret": secret},
            )
        upgrade(directory=directory)
        stored = db.session.execute(text("SELECT totp_secret FROM staff_user")).scalar_one()
        db.session.remove()
    assert stored.startswith(sealing.PREFIX) and secret not in stored
    code = pyotp.TOTP(secret).at(clock.now)
    client = app.test_client()
    form = {"csrf_token": form_token(client), "email": "old@example.org"}
    response = client.post("/studio/login", data={**form, "password": STAFF_PASSWORD, "code": code})
    assert response.status_code == 303
    with app.app_context():
        downgrade(directory=directory, revision="0007")
        back = db.session.execute(text("SELECT totp_secret FROM staff_user")).scalar_one()
        db.session.remove()
        upgrade(directory=directory)  # leave the schema as the models have it
        db.session.remove()
        db.engine.dispose()
    assert back == secret
