"""Server-side sessions and attempt counters; neither holds any address or agent."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db


class WebSession(db.Model):
    """A browser session kept on the server, so leaving can end it for certain.

    The cookie holds a random token; this row is keyed by its SHA-256, so a
    copy of the database does not hand out live sessions.
    """

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text, default="{}")
    expires_on: Mapped[dt.date] = mapped_column(Date, index=True)


class AttemptWindow(db.Model):
    """How many wrong phrases were tried for one purpose in one time window."""

    __tablename__ = "attempt_window"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    window: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
