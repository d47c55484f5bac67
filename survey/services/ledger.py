"""The withdrawal ledger: what Heard deleted for good, recognisable again but never readable.

A backup made before a withdrawal (or a purge) still holds the response (or
the study's data and key). So that a restore cannot bring them back, each
withdrawal and each purge writes, in its own transaction, one ``forgotten``
row: a digest and the day. The digest is an HMAC-SHA256 of
``response:<id>`` or ``study:<id>:<slug>`` under a key derived from the app's
``SECRET_KEY`` (HKDF, purpose ``heard forgotten v1``), which survives
``heard keys rotate``. Given an id, Heard can tell whether it was forgotten;
given the ledger alone, nobody can list the ids (they are random, 128 bits),
and a row cannot be tied to a response in the live database, which no longer
holds it.

`heard restore` reads the ledger before it replaces the database, keeps it in
a pending file in the instance folder until it has been applied to the
restored database (`survey.services.ledger_replay`), and deletes that file
only then, so a restore that fails half-way can be run again without losing
the ledger.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from survey.extensions import upsert_statement
from survey.models import Forgotten
from survey.models.studies import today
from survey.sealing import derive

__all__ = [
    "PENDING_FILE",
    "Entry",
    "clear_pending",
    "entries",
    "load_pending",
    "record",
    "response_digest",
    "save_pending",
    "store",
    "study_digest",
]

PURPOSE = "heard forgotten v1"
PENDING_FILE = "forgotten.pending"  # in the instance folder, only during a restore
BATCH = 500


@dataclass(frozen=True, order=True)
class Entry:
    """One row of the ledger: a digest and the day it was written."""

    digest: str
    on: dt.date


@functools.lru_cache(maxsize=4)
def _key(secret_key: str) -> bytes:
    return derive(secret_key.encode("utf-8"), PURPOSE)


def _digest(secret_key: str, message: str) -> str:
    return hmac.new(_key(secret_key), message.encode("utf-8"), hashlib.sha256).hexdigest()


def response_digest(secret_key: str, response_id: str) -> str:
    """Return the ledger digest of a response id (hex, 64 characters)."""
    return _digest(secret_key, f"response:{response_id}")


def study_digest(secret_key: str, study_id: int, slug: str) -> str:
    """Return the ledger digest of a study (its row id and slug)."""
    return _digest(secret_key, f"study:{study_id}:{slug}")


def record(session: Session, digest: str, on: dt.date | None = None) -> None:
    """Add `digest` to the ledger (inside the caller's transaction); a repeat is ignored."""
    store(session, [Entry(digest, on or today())])


def store(session: Session, found: list[Entry]) -> None:
    """Add `found` to the ledger (inside the caller's transaction), skipping digests held."""
    for start in range(0, len(found), BATCH):
        rows = [{"digest": e.digest, "on": e.on} for e in found[start : start + BATCH]]
        session.execute(upsert_statement(session, Forgotten, rows).on_conflict_do_nothing())


def entries(session: Session) -> list[Entry]:
    """Return every row of the ledger ([] when the database has no ledger table yet)."""
    if not inspect(session.connection()).has_table(Forgotten.__tablename__):
        return []
    rows = session.execute(select(Forgotten.digest, Forgotten.on)).all()
    return sorted(Entry(digest, on) for digest, on in rows)


def load_pending(path: Path) -> list[Entry]:
    """Return the entries kept in the pending file `path` by a restore not yet completed."""
    if not path.exists():
        return []
    found = json.loads(path.read_text(encoding="ascii"))
    return [Entry(str(row[0]), dt.date.fromisoformat(row[1])) for row in found]


def save_pending(path: Path, found: list[Entry]) -> None:
    """Write `found` to the pending file `path` (only this user can read it), atomically."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(partial, flags, 0o600), "w", encoding="ascii") as handle:
        json.dump([[e.digest, e.on.isoformat()] for e in sorted(set(found))], handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def clear_pending(path: Path) -> None:
    """Delete the pending file once its entries are in the restored database."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
