"""Per-study and site data keys, stored only wrapped by the instance's master key."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import Date, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db
from survey.models.studies import today


def new_key_id() -> str:
    """Return a random key id (64 bits, hex)."""
    return secrets.token_hex(8)


class StudyKey(db.Model):
    """A study's data key, wrapped (AES-GCM) by the master key named by `master_id`.

    Deleting this row makes every sealed text of the study unreadable, for good.
    """

    __tablename__ = "study_key"

    # Random and never reused: sealed texts name their key by it, and a process
    # that cached a destroyed key must never find it again under a new study.
    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_key_id)
    study_id: Mapped[int] = mapped_column(
        ForeignKey("study.id", ondelete="CASCADE"), unique=True
    )
    # The first bytes of the master key's SHA-256, in hex: which master key unwraps it.
    master_id: Mapped[str] = mapped_column(String(16))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)


class SiteKey(db.Model):
    """A data key for what belongs to no study (staff two-step secrets), wrapped like a study's.

    `purpose` names what it seals ("staff"); rotating the master key re-wraps it
    with the study keys, so what it sealed is never re-encrypted.
    """

    __tablename__ = "site_key"

    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_key_id)
    purpose: Mapped[str] = mapped_column(String(32), unique=True)
    master_id: Mapped[str] = mapped_column(String(16))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)
