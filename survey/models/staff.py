"""Staff: accounts, their roles, study membership, and the audit log of what they did.

Staff are not anonymous: their actions are recorded with precise times. Nothing
here ever holds a respondent's answer.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db

ROLES = ("admin", "researcher", "analyst", "data_steward", "interviewer")


def now() -> dt.datetime:
    """Return the current UTC time (staff records only; respondents get dates)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_public_id() -> str:
    """Return a random identifier for URLs and sessions."""
    return secrets.token_hex(16)


class User(db.Model):
    """A staff account: one role, a password hash, an optional TOTP second factor."""

    __tablename__ = "staff_user"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin', 'researcher', 'analyst', 'data_steward', 'interviewer')", name="role"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout, password change and deactivation: every session
    # carrying an older epoch is no longer valid, on every device.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    # Sealed with the site's "staff" data key, bound to this account's id
    # (`services.staff_secrets`): a copy of the database alone makes no codes.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_admin(self) -> bool:
        """Return True for administrators, who see every study."""
        return self.role == "admin"

    # What a login manager asks of a user; the session keeps the public id and
    # the epoch, never the row id, so bumping the epoch ends every session.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """Return True while the account may sign in."""
        return self.active

    def get_id(self) -> str:
        """Return what the session stores to find this user again."""
        return f"{self.public_id}:{self.session_epoch}"


class Membership(db.Model):
    """A staff member's place on one study's team."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "study_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship(back_populates="memberships")


class AuditEvent(db.Model):
    """One staff action: who, what, when, on which object. Never answer content."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="{}")


class SiteSetting(db.Model):
    """A site-wide setting an administrator changes, such as compulsory TOTP."""

    __tablename__ = "site_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))
