"""Staff accounts: create, authenticate with lockout, change passwords, second factor.

Passwords are hashed with argon2id at or above OWASP's minimum (19 MiB, two
passes, one lane). A login failure never says whether the account exists, and
an unknown address costs the same hashing time as a known one.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from survey.extensions import write_transaction
from survey.models.staff import ROLES, SiteSetting, User, now
from survey.services import attempts
from survey.services.audit import record
from survey.services.errors import ServiceError

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16)
_DUMMY_HASH = HASHER.hash(secrets.token_hex(16))
MIN_PASSWORD_LENGTH = 12
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW_SECONDS = 60
LOCKOUT_SECONDS = 15 * 60
TOTP_SETTING = "totp_required"


class AccountError(ServiceError):
    """Base of account errors."""


class LoginFailed(AccountError):
    """Wrong address, password or code: deliberately not saying which."""


class AccountLocked(AccountError):
    """Too many recent failures for this account; try later."""


class WeakPassword(AccountError):
    """The new password does not meet the rules; the message says which."""


class UnknownRole(AccountError):
    """The role is not one of admin, researcher, analyst, data steward."""


class EmailTaken(AccountError):
    """Another account has that address."""


class SecondFactorNeeded(AccountError):
    """The password was right; a TOTP code is needed too."""


@dataclass(frozen=True)
class NewAccount:
    """A created account and its one-time password, shown once."""

    user: User
    one_time_password: str


def normalise_email(email: str) -> str:
    """Return the address as stored: trimmed and lower case."""
    return email.strip().lower()[:254]


def create_user(
    session: Session, *, email: str, role: str, actor: User | None = None
) -> NewAccount:
    """Create a staff account with a one-time password it must change at first login."""
    if role not in ROLES:
        raise UnknownRole(role)
    address = normalise_email(email)
    if "@" not in address or address.startswith("@") or address.endswith("@"):
        raise AccountError(f"{email!r} is not an email address")
    password = secrets.token_urlsafe(15)
    with write_transaction(session):
        if session.scalar(select(User.id).where(User.email == address)) is not None:
            raise EmailTaken(address)
        user = User(email=address, role=role, password_hash=HASHER.hash(password))
        session.add(user)
        session.flush()
        record(session, actor, "user.create", user, role=role)
    return NewAccount(user, password)


def _lock_key(user_id: int) -> str:
    return f"login:{user_id}"


def _limits() -> attempts.Limits:
    return attempts.Limits(
        secret_key="", per_window=LOCKOUT_FAILURES, window_seconds=LOCKOUT_WINDOW_SECONDS
    )


def is_locked(session: Session, user: User, now_seconds: float | None = None) -> bool:
    """Return True while the account is blocked after too many failures."""
    current = time.time() if now_seconds is None else now_seconds
    window = LOCKOUT_WINDOW_SECONDS
    # Blocked for LOCKOUT_SECONDS after any minute-long window reached the limit.
    oldest = int((current - LOCKOUT_SECONDS) // window)
    return attempts.any_window_over(session, _lock_key(user.id), _limits(), since_window=oldest)


def authenticate(session: Session, *, email: str, password: str, code: str | None = None) -> User:
    """Return the user for these credentials, or raise without saying what was wrong."""
    user = session.scalar(select(User).where(User.email == normalise_email(email), User.active))
    if user is None or user.password_hash is None:
        _verify(_DUMMY_HASH, password)
        raise LoginFailed()
    if is_locked(session, user):
        raise AccountLocked()
    if not _verify(user.password_hash, password):
        _fail(session, user)
    if user.totp_secret or totp_required(session):
        if user.totp_secret and not code:
            raise SecondFactorNeeded()
        if user.totp_secret and not _totp_ok(session, user, code or ""):
            _fail(session, user)
    with write_transaction(session):
        session.execute(update(User).where(User.id == user.id).values(last_login_at=now()))
        if HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = HASHER.hash(password)
        record(session, user, "login", user)
    return user


def _verify(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password[:1024])
    except (VerificationError, InvalidHashError):
        return False


def _fail(session: Session, user: User) -> None:
    attempts.record_failure(session, _lock_key(user.id), _limits())
    with write_transaction(session):
        record(session, None, "login.failed", user)
    raise LoginFailed()


def _totp_ok(session: Session, user: User, code: str) -> bool:
    """Accept a current code once: a replayed code in the same step is refused."""
    totp = pyotp.TOTP(user.totp_secret)
    digits = "".join(ch for ch in code if ch.isdigit())
    for offset in (0, -1, 1):
        step = int(time.time() // totp.interval) + offset
        if totp.at(step * totp.interval) == digits and (user.totp_last_step or -1) < step:
            with write_transaction(session):
                session.execute(update(User).where(User.id == user.id).values(totp_last_step=step))
            return True
    return False


def check_password_rules(password: str, email: str) -> None:
    """Raise WeakPassword unless `password` is long enough and not the address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > 1024:
        raise WeakPassword("Use at most 1,024 characters.")
    if normalise_email(email).split("@")[0] in password.lower():
        raise WeakPassword("Do not use your email address in your password.")


def change_password(session: Session, user: User, *, current: str, new: str) -> None:
    """Change a password after checking the current one; every session then ends."""
    if not _verify(user.password_hash or _DUMMY_HASH, current):
        raise LoginFailed()
    check_password_rules(new, user.email)
    with write_transaction(session):
        session.execute(
            update(User)
            .where(User.id == user.id)
            .values(
                password_hash=HASHER.hash(new),
                must_change_password=False,
                session_epoch=User.session_epoch + 1,
            )
        )
        record(session, user, "password.change", user)


def end_all_sessions(session: Session, user: User) -> None:
    """Invalidate every session of `user`, on every device."""
    with write_transaction(session):
        session.execute(
            update(User).where(User.id == user.id).values(session_epoch=User.session_epoch + 1)
        )
        record(session, user, "logout", user)


def totp_required(session: Session) -> bool:
    """Return True when an administrator made the second factor compulsory."""
    value = session.scalar(select(SiteSetting.value).where(SiteSetting.key == TOTP_SETTING))
    return value == "1"


def count_users(session: Session) -> int:
    """Return how many staff accounts exist."""
    return session.scalar(select(func.count()).select_from(User)) or 0


def idle_expired(last_seen: float, idle_minutes: int, now_seconds: float | None = None) -> bool:
    """Return True when a staff session has been idle longer than allowed."""
    current = time.time() if now_seconds is None else now_seconds
    return current - last_seen > dt.timedelta(minutes=idle_minutes).total_seconds()
