"""The withdrawal ledger: keyed digests of withdrawn responses and purged studies."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db


class Forgotten(db.Model):
    """Something Heard deleted for good and must delete again if a restore brings it back.

    `digest` is an HMAC (keyed from the app's secret key, `survey.services.ledger`)
    of "response:<id>" or "study:<id>:<slug>": it recognises the id again
    without storing it. There is no autoincrement id, so rows say nothing of
    order; `on` is the day only.
    """

    __tablename__ = "forgotten"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    on: Mapped[dt.date] = mapped_column(Date)
