"""What administrators do to staff accounts and site security; every change is audited.

Deactivating an account, resetting its password or its second factor ends
every session it has. No change may leave the site without an active
administrator.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from survey.extensions import write_transaction
from survey.models.staff import ROLES, SiteSetting, User
from survey.services import accounts
from survey.services.accounts import (
    TOTP_SETTING,
    AccountError,
    NewAccount,
    UnknownRole,
    new_one_time_password,
)
from survey.services.audit import record


class UserNotFound(AccountError):
    """No staff account has that identifier."""


class LastAdmin(AccountError):
    """The change would leave no active administrator."""


def list_users(session: Session) -> list[User]:
    """Return every staff account, by email address."""
    return list(session.scalars(select(User).order_by(User.email)))


def find_user(session: Session, public_id: str) -> User:
    """Return the account with `public_id`, or raise UserNotFound."""
    user = session.scalar(select(User).where(User.public_id == public_id))
    if user is None:
        raise UserNotFound(public_id)
    return user


def find_user_by_email(session: Session, email: str) -> User | None:
    """Return the account with this address, if there is one."""
    return session.scalar(select(User).where(User.email == email))


def _check_admins_remain(session: Session, user: User) -> None:
    """Raise LastAdmin if `user` is the only active administrator."""
    if not (user.active and user.is_admin):
        return
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.active, User.id != user.id)
    )
    if not others:
        raise LastAdmin(user.email)


def _end_sessions(session: Session, user: User) -> None:
    session.execute(
        update(User).where(User.id == user.id).values(session_epoch=User.session_epoch + 1)
    )


def change_role(session: Session, actor: User, user: User, role: str) -> None:
    """Give `user` another role; their next request already has its permissions."""
    if role not in ROLES:
        raise UnknownRole(role)
    if role == user.role:
        return
    with write_transaction(session):
        if role != "admin":
            _check_admins_remain(session, user)
        previous = user.role
        user.role = role
        record(session, actor, "user.role", user, previous=previous, role=role)


def set_active(session: Session, actor: User, user: User, active: bool) -> None:
    """Deactivate `user` (ending every session) or let them sign in again."""
    if active == user.active:
        return
    with write_transaction(session):
        if not active:
            _check_admins_remain(session, user)
            _end_sessions(session, user)
        user.active = active
        record(session, actor, "user.reactivate" if active else "user.deactivate", user)


def reset_password(session: Session, actor: User | None, user: User) -> NewAccount:
    """Give `user` a new one-time password they must change; their sessions end."""
    password = new_one_time_password()
    with write_transaction(session):
        _end_sessions(session, user)
        user.password_hash = accounts.HASHER.hash(password)
        user.must_change_password = True
        record(session, actor, "user.password_reset", user)
    return NewAccount(user, password)


def reset_totp(session: Session, actor: User, user: User) -> None:
    """Turn off `user`'s second factor (a lost phone); their sessions end."""
    with write_transaction(session):
        _end_sessions(session, user)
        user.totp_secret = None
        user.totp_last_step = None
        record(session, actor, "totp.reset", user)


def set_totp_required(session: Session, actor: User, required: bool) -> None:
    """Make two-step sign-in compulsory for everyone, or optional again."""
    value = "1" if required else "0"
    with write_transaction(session):
        setting = session.get(SiteSetting, TOTP_SETTING)
        if setting is None:
            setting = SiteSetting(key=TOTP_SETTING, value=value)
            session.add(setting)
        elif setting.value == value:
            return
        setting.value = value
        record(session, actor, "setting.change", setting, value=value)
