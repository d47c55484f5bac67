"""Per-study data keys, stored only wrapped by the instance's master key."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db
from survey.models.studies import today


class StudyKey(db.Model):
    """A study's data key, wrapped (AES-GCM) by the master key named by `master_id`.

    Deleting this row makes every sealed text of the study unreadable, for good.
    """

    __tablename__ = "study_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(
        ForeignKey("study.id", ondelete="CASCADE"), unique=True
    )
    # The first bytes of the master key's SHA-256, in hex: which master key unwraps it.
    master_id: Mapped[str] = mapped_column(String(16))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)
