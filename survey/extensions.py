"""Extensions, created unbound here and bound to the app in ``create_app``.

SQLite is configured on every new connection: WAL journal, foreign keys on and
a busy timeout. Transactions opened through :func:`write_transaction` start
with ``BEGIN IMMEDIATE`` so that concurrent writers queue for the lock instead
of failing half-way with "database is locked".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose constraints have stable names (Alembic needs them)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Services commit part-way through a request; keep loaded objects usable after.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
login = LoginManager()
# Flask-Login's "session protection" hashes the client's address and user agent:
# Heard never reads either, so it is off; sessions are ended on the server instead.
login.session_protection = None

_immediate: ContextVar[bool] = ContextVar("heard_immediate", default=False)
SQLITE_BUSY_TIMEOUT_MS = 15000


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """Turn on WAL, foreign keys and a busy timeout; let SQLAlchemy emit BEGIN."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # The driver's own transaction handling would issue a plain deferred BEGIN
    # at a time of its choosing; take it over so BEGIN IMMEDIATE is possible.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # Reviewed (semgrep): the timeout is an int() of a setting, and a PRAGMA cannot bind it.
    # nosemgrep: heard-sql-built-from-strings
    cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_MS)}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    # Deleted rows (a withdrawal, a purge) are overwritten, not left in free pages.
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn) -> None:
    """Start SQLite transactions ourselves: IMMEDIATE for writes, DEFERRED for reads."""
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")


@contextmanager
def write_transaction(session: Session) -> Iterator[Session]:
    """Run a block as one write transaction; commit on success, roll back on error.

    Any read-only transaction still open is ended first, so the write
    transaction is a fresh one and, on SQLite, takes the write lock up front.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.in_transaction():
        session.commit()
    token = _immediate.set(True)
    try:
        with session.begin():
            yield session
    finally:
        _immediate.reset(token)


def upsert_statement(session: Session, model: type, rows: list[dict] | dict):
    """Return an INSERT of `rows` into `model` that can take ON CONFLICT, for this database."""
    if isinstance(session, scoped_session):
        session = session()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model).values(rows)
