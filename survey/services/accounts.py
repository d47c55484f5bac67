"""Staff accounts: create, authenticate with lockout, change passwords, second factor.

Passwords are hashed with argon2id at or above OWASP's minimum (19 MiB, two
passes, one lane). A login failure never says whether the account exists: an
unknown address costs the same hashing time as a known one, and failures are
counted per address typed, so an unknown address is blocked exactly like a
real one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import NoReturn

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.extensions import write_transaction
from survey.models.staff import ROLES, SiteSetting, User, now
from survey.services import attempts, staff_secrets
from survey.services.audit import record
from survey.services.errors import ServiceError

OWASP_HASHER = PasswordHasher(
    time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16
)
HASHER = OWASP_HASHER
_DUMMY_HASH = HASHER.hash(secrets.token_hex(16))
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
# More than LOCKOUT_FAILURES failures within LOCKOUT_WINDOW_SECONDS block the
# address for LOCKOUT_SECONDS.
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW_SECONDS = 60
LOCKOUT_SECONDS = 15 * 60
# Failures are counted in ten-second buckets; any 60 seconds lie within seven
# consecutive buckets, so a span of seven never misses a burst (it may count
# one lasting up to 70 seconds).
_BUCKET_SECONDS = 10
TOTP_SETTING = "totp_required"
_EMAIL = re.compile(r"[^@\s]+@[^@\s.][^@\s]*")


class AccountError(ServiceError):
    """Base of account errors."""


class LoginFailed(AccountError):
    """Wrong address, password or code: deliberately not saying which."""


class AccountLocked(AccountError):
    """Too many recent failures for this address; try later."""


class WeakPassword(AccountError):
    """The new password does not meet the rules; the message says which."""


class UnknownRole(AccountError):
    """The role is not one of admin, researcher, analyst, data steward."""


class InvalidEmail(AccountError):
    """The text given is not an email address."""


class EmailTaken(AccountError):
    """Another account has that address."""


class SecondFactorNeeded(AccountError):
    """The password was right; a TOTP code is needed too."""


class WrongCode(AccountError):
    """The code does not match the authenticator's key (setting up two-step sign-in)."""


@dataclass(frozen=True)
class NewAccount:
    """A created account and its one-time password, shown once."""

    user: User
    one_time_password: str


def seconds_now() -> float:
    """Return the time in seconds: the one clock of staff sign-in, so tests can move it."""
    return time.time()


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Hash passwords with `hasher` from now on: a test suite's hook, never called in production."""
    global HASHER, _DUMMY_HASH  # tests and staff sign-in read both by name
    HASHER = hasher
    _DUMMY_HASH = hasher.hash(secrets.token_hex(16))


def normalise_email(email: str) -> str:
    """Return the address as stored: trimmed and lower case."""
    return email.strip().lower()


def new_one_time_password() -> str:
    """Return a random password to be used once (120 bits)."""
    return secrets.token_urlsafe(15)


def create_user(
    session: Session, *, email: str, role: str, actor: User | None = None
) -> NewAccount:
    """Create a staff account with a one-time password it must change at first login."""
    if role not in ROLES:
        raise UnknownRole(role)
    address = normalise_email(email)
    if len(address) > 254 or not _EMAIL.fullmatch(address):
        raise InvalidEmail(f"{address[:254]!r} is not an email address")
    password = new_one_time_password()
    try:
        with write_transaction(session):
            if session.scalar(select(User.id).where(User.email == address)) is not None:
                raise EmailTaken(address)
            user = User(email=address, role=role, password_hash=HASHER.hash(password))
            session.add(user)
            session.flush()
            record(session, actor, "user.create", user, role=role)
    except IntegrityError as error:  # created at the same moment by someone else
        raise EmailTaken(address) from error
    return NewAccount(user, password)


def _lock_key(address: str) -> str:
    # Keyed by the address typed, known or not, so a lockout reveals nothing.
    return "login:" + hashlib.sha256(address.encode()).hexdigest()[:40]


def _limits() -> attempts.Limits:
    return attempts.Limits(secret_key="", window_seconds=_BUCKET_SECONDS)


def is_locked(session: Session, email: str, now_seconds: float | None = None) -> bool:
    """Return True while sign-in for `email` is blocked after too many failures."""
    current = seconds_now() if now_seconds is None else now_seconds
    span = LOCKOUT_WINDOW_SECONDS // _BUCKET_SECONDS
    since = int((current - LOCKOUT_SECONDS) // _BUCKET_SECONDS)
    counts = attempts.window_counts(
        session, _lock_key(normalise_email(email)), since_window=since - span
    )
    return any(
        sum(counts.get(bucket, 0) for bucket in range(end - span, end + 1)) > LOCKOUT_FAILURES
        for end in counts
        if end >= since
    )


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    code: str | None = None,
    now_seconds: float | None = None,
) -> User:
    """Return the user for these credentials, or raise without saying what was wrong."""
    current = seconds_now() if now_seconds is None else now_seconds
    address = normalise_email(email)
    if is_locked(session, address, current):
        raise AccountLocked()
    user = session.scalar(select(User).where(User.email == address, User.active))
    if user is None or user.password_hash is None:
        _verify(_DUMMY_HASH, password)
        _fail(session, address, None, current)
    if not _verify(user.password_hash, password):
        _fail(session, address, user, current)
    if user.totp_secret:
        if not code:
            raise SecondFactorNeeded()
        if not _claim_totp_step(session, user, code, current):
            _fail(session, address, user, current)
    with write_transaction(session):
        user.last_login_at = now()
        if user.must_change_password:
            # A one-time password works once: the session it opens may set a
            # new password, and nothing else can use it again.
            user.password_hash = None
        elif HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = HASHER.hash(password)
        record(session, user, "login", user)
    return user


def _verify(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password[:MAX_PASSWORD_LENGTH])
    except (VerificationError, InvalidHashError):
        return False


def _fail(session: Session, address: str, user: User | None, now_seconds: float) -> NoReturn:
    attempts.record_failure(session, _lock_key(address), _limits(), now=now_seconds)
    with write_transaction(session):
        # Never the address typed: it may be a password typed in the wrong box.
        record(session, None, "login.failed", user)
    raise LoginFailed()


def _matching_step(secret: str, code: str, now_seconds: float) -> int | None:
    """Return the time step (now, or one either side) whose code is `code`."""
    try:
        totp = pyotp.TOTP(secret)
    except ValueError:  # not base32: a damaged secret matches no code
        return None
    digits = "".join(ch for ch in code if ch.isdigit())
    if len(digits) != totp.digits:
        return None
    current = int(now_seconds // totp.interval)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.at(step * totp.interval), digits):
            return step
    return None


def _claim_totp_step(session: Session, user: User, code: str, now_seconds: float) -> bool:
    """Accept a code once: a replayed code in the same step (or an older one) is refused."""
    secret = staff_secrets.open_secret(session, user.totp_secret, user.id)
    step = _matching_step(secret, code, now_seconds) if secret else None
    if step is None:
        return False
    values: dict[str, object] = {"totp_last_step": step}
    if staff_secrets.needs_sealing(user.totp_secret):  # enrolled before secrets were sealed
        values["totp_secret"] = staff_secrets.seal_secret(session, user.id, secret)
    with write_transaction(session):
        # Conditional update: two requests racing with one code cannot both win.
        claimed = session.execute(
            update(User)
            .where(
                User.id == user.id,
                or_(User.totp_last_step.is_(None), User.totp_last_step < step),
            )
            .values(**values)
        ).rowcount
    return bool(claimed)


def new_totp_secret() -> str:
    """Return a fresh key for an authenticator app."""
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    """Return the otpauth:// link that sets up an authenticator app."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="Heard")


def enable_totp(
    session: Session, user: User, *, secret: str, code: str, now_seconds: float | None = None
) -> None:
    """Turn on two-step sign-in once `code` shows the app holds `secret`; other sessions end."""
    current = seconds_now() if now_seconds is None else now_seconds
    step = _matching_step(secret, code, current)
    if step is None:
        raise WrongCode()
    sealed = staff_secrets.seal_secret(session, user.id, secret)
    with write_transaction(session):
        session.execute(
            update(User)
            .where(User.id == user.id)
            .values(
                totp_secret=sealed,
                totp_last_step=step,  # the code just typed cannot sign anyone in
                session_epoch=User.session_epoch + 1,
            )
        )
        record(session, user, "totp.enable", user)
    session.refresh(user)


def check_password_rules(password: str, email: str) -> None:
    """Raise WeakPassword unless `password` is long enough and not the address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"Use at most {MAX_PASSWORD_LENGTH:,} characters.")
    local = normalise_email(email).split("@")[0]
    if len(local) >= 4 and local in password.lower():
        raise WeakPassword("Do not use your email address in your password.")


def change_password(session: Session, user: User, *, current: str | None, new: str) -> None:
    """Change a password after checking the current one; every session then ends.

    Someone who has just signed in with a one-time password (now used up) sets
    their first password without typing it again.
    """
    first = user.must_change_password and user.password_hash is None
    if not first:
        # Guessing here counts like guessing at sign-in: a borrowed session
        # must not become a way to find the password.
        if is_locked(session, user.email):
            raise AccountLocked()
        if not _verify(user.password_hash or _DUMMY_HASH, current or ""):
            attempts.record_failure(session, _lock_key(user.email), _limits(), now=seconds_now())
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
    session.refresh(user)


def end_all_sessions(session: Session, user: User) -> None:
    """Sign `user` out: invalidate every session of the account, on every device."""
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
    current = seconds_now() if now_seconds is None else now_seconds
    return current - last_seen > dt.timedelta(minutes=idle_minutes).total_seconds()
