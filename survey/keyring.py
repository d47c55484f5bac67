"""The app's keyring: master keys from the configuration, data keys from the database.

Sealed columns (`survey.models.sealed`) ask the keyring of the running app for
a data key by its id. A data key is read from its ``study_key`` row (or, for
what belongs to no study, its ``site_key`` row) and
unwrapped once per process, then kept in memory; key ids are random and never
reused, so a key cached here can never be mistaken for another study's.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select

from survey import sealing
from survey.extensions import db
from survey.sealing import MasterKey, SealingError

EXTENSION = "heard_keyring"


class Keyring:
    """Master keys (the first is current) and the data keys unwrapped so far."""

    def __init__(self, masters: list[MasterKey]) -> None:
        self.masters = masters
        self._data_keys: dict[str, bytes] = {}
        self._lock = threading.Lock()

    @property
    def current(self) -> MasterKey:
        """Return the master key new data keys are wrapped with."""
        return self.masters[0]

    def remember(self, key_id: str, data_key: bytes) -> None:
        """Keep an unwrapped data key for this process."""
        with self._lock:
            self._data_keys[key_id] = data_key

    def forget(self, key_id: str) -> None:
        """Drop a data key from memory (its row was deleted)."""
        with self._lock:
            self._data_keys.pop(key_id, None)

    def data_key(self, key_id: str) -> bytes:
        """Return data key `key_id`, unwrapping it from the database on first use."""
        with self._lock:
            found = self._data_keys.get(key_id)
        if found is not None:
            return found
        table = db.metadata.tables["study_key"]
        row = (
            db.session.connection()
            .execute(
                select(table.c.study_id, table.c.master_id, table.c.wrapped).where(
                    table.c.id == key_id
                )
            )
            .first()
        )
        if row is None:
            data_key = self._site_key(key_id)
        else:
            master = sealing.find_master(self.masters, row.master_id)
            data_key = sealing.unwrap(master, row.wrapped, key_id, row.study_id)
        self.remember(key_id, data_key)
        return data_key

    def _site_key(self, key_id: str) -> bytes:
        """Return site data key `key_id` (one that belongs to no study), unwrapped."""
        table = db.metadata.tables["site_key"]
        row = (
            db.session.connection()
            .execute(
                select(table.c.purpose, table.c.master_id, table.c.wrapped).where(
                    table.c.id == key_id
                )
            )
            .first()
        )
        if row is None:
            raise SealingError(f"data key {key_id} no longer exists")
        master = sealing.find_master(self.masters, row.master_id)
        return sealing.unwrap_site(master, row.wrapped, key_id, row.purpose)

    def seal(self, key_id: str, plaintext: str, context: str = "") -> str:
        """Return `plaintext` sealed with data key `key_id`, bound to `context`."""
        return sealing.seal(self.data_key(key_id), key_id, plaintext, context)

    def unseal(self, token: str, context: str = "") -> str:
        """Return the plaintext of a sealed text sealed for `context`."""
        return sealing.unseal(self.data_key(sealing.key_id_of(token)), token, context)


def init_keyring(app: Flask) -> None:
    """Load the master keys (``HEARD_DATA_KEY`` or the instance key file) into `app`."""
    masters = sealing.load_master_keys(
        app.config.get("HEARD_DATA_KEY"), Path(app.instance_path)
    )
    app.extensions[EXTENSION] = Keyring(masters)


def active() -> Keyring:
    """Return the keyring of the running app."""
    return current_app.extensions[EXTENSION]
