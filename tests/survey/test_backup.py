"""`heard backup` and `heard restore`: encrypted, checked in full, nothing changed on refusal.

One seeded database and its backups serve the whole module (a backup or a
restore takes a moment, and CI is near its limit). Tests that refuse a restore
first add a response, so a restore that wrongly happened would show; the
round trip wipes the tables and brings them back. On PostgreSQL (when
HEARD_TEST_DATABASE_URL is set) the same tests run through pg_dump/pg_restore.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from survey.extensions import db
from survey.keyring import active
from survey.models import StudyKey
from survey.sealing import encode_key, master_key, new_secret
from survey.services import backup, backup_format
from tests.conftest import make_app
from tests.survey.coding.helpers import SLUG, coding_study, respond

SENTINEL = "zqxjv backup sentinel"
STORIES = (
    f"They kept my passport in the office. {SENTINEL}",
    "The officer listened and found me a place to stay.",
    "Nobody asked what happened to me — they asked for my papers.",
)
SMALL_CHUNK = 1024
TAG = 16


@dataclass(frozen=True)
class Seeded:
    """The module's app, its backups (one by the command, one in small chunks), its export."""

    app: Flask
    runner: FlaskCliRunner
    folder: Path
    backup: Path
    small: Path
    exported: dict[str, bytes]
    study_id: int


def services_missing(reason: str) -> None:
    """Skip, saying why, except in CI (HEARD_REQUIRE_SERVICES=1) where it fails."""
    if os.environ.get("HEARD_REQUIRE_SERVICES") == "1":
        pytest.fail(f"HEARD_REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def export(runner: FlaskCliRunner, folder: Path) -> dict[str, bytes]:
    """Export the study as CSV into `folder`; return every file written, by name."""
    folder.mkdir()
    result = runner.invoke(args=["export", SLUG, "--format", "csv", "--out", str(folder / "d.csv")])
    assert result.exit_code == 0, result.output
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """A study with completed free-text answers, exported and backed up."""
    folder = tmp_path_factory.mktemp("backup")
    app = make_app(folder)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql") and shutil.which("pg_dump") is None:
        services_missing("pg_dump is not installed (apt-get install postgresql-client)")
    study_id = coding_study(app, STORIES)
    runner = app.test_cli_runner()
    exported = export(runner, folder / "before")
    made = runner.invoke(args=["backup", "--out", str(folder / "heard.backup")])
    assert made.exit_code == 0, made.output
    with app.app_context():
        small = backup.make_backup(
            url, active().current, folder / "small.backup", folder / "work", SMALL_CHUNK
        )
    yield Seeded(app, runner, folder, folder / "heard.backup", small.path, exported, study_id)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def snapshot(app: Flask) -> dict[str, list[str]]:
    """Return every row of every table (as stored), sorted, by table."""
    with app.app_context():
        found = {
            table.name: sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
    return found


def diverged(seeded: Seeded) -> dict[str, list[str]]:
    """Add a response the backups lack, so a restore would show; return the snapshot."""
    respond(seeded.app, seeded.study_id, "Added after the backup.")
    return snapshot(seeded.app)


def restore(seeded: Seeded, path: Path, *extra: str, answer: str | None = None):
    """Run `heard restore PATH` (with --yes unless an answer is typed)."""
    args = ["restore", str(path), *extra, *([] if answer is not None else ["--yes"])]
    return seeded.runner.invoke(args=args, input=answer)


def leftovers(seeded: Seeded) -> list[Path]:
    """Return any private working folder (with a decrypted copy) left behind."""
    places = (Path(seeded.app.instance_path), seeded.folder / "work")
    return [path for place in places if place.exists() for path in place.glob(".heard-backup-*")]


def test_a_restored_backup_gives_the_same_export_byte_for_byte(seeded, tmp_path):
    respond(seeded.app, seeded.study_id, "Added after the backup.")
    with seeded.app.app_context():
        db.drop_all()
        db.session.remove()
    result = restore(seeded, seeded.backup, answer="y\n")
    assert result.exit_code == 0, result.output
    assert export(seeded.runner, tmp_path / "after") == seeded.exported
    assert leftovers(seeded) == []


def test_the_backup_file_holds_no_plaintext(seeded):
    data = seeded.backup.read_bytes()
    for plain in (SENTINEL, "passport", "SQLite format 3", "PGDMP", "study_key", "coding_document"):
        assert plain.encode() not in data, plain
    assert data.startswith(backup_format.MAGIC)


def test_the_backup_is_the_documented_format(seeded):
    plain = independent_decrypt(seeded.backup.read_bytes(), active_key(seeded))
    if seeded.app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert plain.startswith(b"PGDMP")
        return
    copy = seeded.folder / "independent.db"
    copy.write_bytes(plain)
    with sqlite3.connect(copy) as connection:
        stories = connection.execute("SELECT count(*) FROM coding_document").fetchone()[0]
    assert stories == len(STORIES)


def test_a_backup_never_replaces_a_file(seeded, tmp_path):
    out = tmp_path / "taken.backup"
    out.write_bytes(b"an older backup")
    result = seeded.runner.invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 1
    assert "exists already" in result.output
    assert out.read_bytes() == b"an older backup"


def test_a_backup_that_runs_out_of_space_leaves_nothing_behind(seeded, tmp_path, monkeypatch):
    def full_disk(source, target, header, master):
        target.write(b"x" * 100)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(backup, "encrypt_stream", full_disk)
    out = tmp_path / "full.backup"
    result = seeded.runner.invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
    assert leftovers(seeded) == []


def test_a_restore_you_decline_changes_nothing(seeded):
    before = diverged(seeded)
    result = restore(seeded, seeded.small, answer="n\n")
    assert result.exit_code == 1
    assert "Nothing was restored" in result.output
    assert snapshot(seeded.app) == before


@pytest.mark.parametrize("with_key_file", [False, True], ids=["configured key", "key file"])
def test_a_backup_made_with_another_master_key_is_refused(
    seeded, tmp_path, monkeypatch, with_key_file
):
    made_with = active_key(seeded)
    monkeypatch.setattr(seeded.app.extensions["heard_keyring"], "masters", [other_key()])
    key_file = tmp_path / "other_key"
    key_file.write_text(encode_key(new_secret()))
    before = diverged(seeded)
    extra = ["--key-file", str(key_file)] if with_key_file else []
    result = restore(seeded, seeded.small, *extra)
    assert result.exit_code == 1
    assert f"encrypted with master key {made_with.id}, which is not here" in result.output
    assert "--key-file" in result.output
    assert snapshot(seeded.app) == before


def test_a_key_file_that_holds_no_key_is_refused(seeded, tmp_path):
    key_file = tmp_path / "not_a_key"
    key_file.write_text("not a key\n")
    before = diverged(seeded)
    result = restore(seeded, seeded.small, "--key-file", str(key_file))
    assert result.exit_code == 1
    assert "The key file cannot be used" in result.output
    assert snapshot(seeded.app) == before


def test_a_retired_key_given_as_key_file_restores_and_is_replaced(seeded, tmp_path, monkeypatch):
    old = active_key(seeded)
    key_file = tmp_path / "data_key.old"
    key_file.write_text(encode_key(old.secret))
    ring = seeded.app.extensions["heard_keyring"]
    new = other_key()
    monkeypatch.setattr(ring, "masters", [new])  # as after `heard keys rotate`
    refused = restore(seeded, seeded.small)
    assert refused.exit_code == 1
    result = restore(seeded, seeded.small, "--key-file", str(key_file))
    assert result.exit_code == 0, result.output
    assert "with the current master key" in result.output
    with seeded.app.app_context():
        masters = set(db.session.scalars(select(StudyKey.master_id)))
        db.session.remove()
    assert masters == {new.id}
    monkeypatch.undo()
    assert restore(seeded, seeded.small).exit_code == 0  # the other tests expect the old key


def chunk_at(data: bytes, number: int) -> slice:
    """Return where chunk `number` lies in the small-chunk backup."""
    start = backup_format.HEADER.size + number * (SMALL_CHUNK + TAG)
    return slice(start, start + SMALL_CHUNK + TAG)


def flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


def swap_chunks(data: bytes) -> bytes:
    one, two = chunk_at(data, 1), chunk_at(data, 2)
    return data[: one.start] + data[two] + data[one] + data[two.stop :]


def with_kind(data: bytes, kind: int) -> bytes:
    return data[:9] + bytes([kind]) + data[10:]


DAMAGE: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "one byte flipped": (lambda d: flip(d, chunk_at(d, 1).start + 7), "damaged, cut short"),
    "cut short": (lambda d: d[:-5], "damaged, cut short"),
    "cut at a chunk boundary": (lambda d: d[: chunk_at(d, 2).start], "damaged, cut short"),
    "chunk missing": (lambda d: d[: chunk_at(d, 1).start] + d[chunk_at(d, 1).stop :], "part 2"),
    "two chunks swapped": (swap_chunks, "part 2 does not open"),
    "bytes added": (lambda d: d + b"\x00" * 40, "damaged, cut short"),
    "salt changed": (lambda d: flip(d, 26), "part 1 does not open"),
    "chunk size changed": (lambda d: d[:46] + struct.pack(">I", 2048) + d[50:], "part 1"),
    "newer version": (lambda d: d[:8] + b"\x07" + d[9:], "format version 7"),
    "unknown kind": (lambda d: with_kind(d, 9), "header is damaged"),
    "not a backup": (lambda d: b"SQLite format 3\x00" + d[16:], "not a Heard backup"),
    "empty": (lambda d: b"", "not a Heard backup"),
    "header only": (lambda d: d[: backup_format.HEADER.size], "part 1 does not open"),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_backup_is_refused_and_changes_nothing(seeded, tmp_path, damage):
    change, message = DAMAGE[damage]
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(change(seeded.small.read_bytes()))
    before = diverged(seeded)
    result = restore(seeded, damaged)
    assert result.exit_code == 1
    assert message in result.output
    assert "Nothing was restored" in result.output
    assert "Traceback" not in result.output
    assert snapshot(seeded.app) == before
    assert leftovers(seeded) == []


def test_a_backup_of_the_other_database_kind_is_refused(seeded, tmp_path):
    url = seeded.app.config["SQLALCHEMY_DATABASE_URI"]
    other = 1 if url.startswith("postgresql") else 2
    damaged = tmp_path / "other.backup"
    damaged.write_bytes(with_kind(seeded.small.read_bytes(), other))
    before = diverged(seeded)
    result = restore(seeded, damaged)
    assert result.exit_code == 1
    assert "is a backup of a" in result.output
    assert snapshot(seeded.app) == before


def test_a_missing_backup_file_is_a_clear_message(seeded, tmp_path):
    result = restore(seeded, tmp_path / "nowhere.backup")
    assert result.exit_code == 1
    assert "cannot be read" in result.output


def other_key():
    """Return a new master key, not the app's."""
    return master_key(new_secret())


def active_key(seeded: Seeded):
    """Return the app's current master key."""
    with seeded.app.app_context():
        return active().current


def independent_decrypt(data: bytes, master) -> bytes:
    """Decrypt a backup following the format as documented, without Heard's code."""
    magic, version, _kind, master_id, salt, prefix, size = struct.unpack(
        ">8sBB16s16s4sI", data[:50]
    )
    assert (magic, version, master_id.decode()) == (b"HEARDBK1", 1, master.id)
    info = ("heard backup v1" + salt.hex()).encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master.secret)
    body, step, plain = data[50:], size + TAG, []
    count = max(1, -(-len(body) // step))
    for number in range(count):
        counter = number.to_bytes(8, "big")
        final = b"\x01" if number == count - 1 else b"\x00"
        chunk = body[number * step : (number + 1) * step]
        plain.append(AESGCM(key).decrypt(prefix + counter, chunk, data[:50] + counter + final))
    return b"".join(plain)


@pytest.mark.parametrize(
    "size", [0, 1, SMALL_CHUNK - 1, SMALL_CHUNK, SMALL_CHUNK + 1, 3 * SMALL_CHUNK]
)
def test_the_format_round_trips_every_length(size):
    master = master_key(new_secret())
    plain = os.urandom(size)
    sealed = io.BytesIO()
    header = backup_format.new_header("sqlite", master, SMALL_CHUNK)
    backup_format.encrypt_stream(io.BytesIO(plain), sealed, header, master)
    source, opened = io.BytesIO(sealed.getvalue()), io.BytesIO()
    read = backup_format.read_header(source)
    backup_format.decrypt_stream(source, opened, read, [master])
    assert opened.getvalue() == plain
    assert independent_decrypt(sealed.getvalue(), master) == plain


def test_a_backup_removes_the_working_folder_a_killed_backup_left_and_no_other(seeded, tmp_path):
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    work = Path(seeded.app.instance_path)
    stale = work / f".heard-backup-{ended.pid}-x1"
    live = work / f".heard-backup-{os.getpid()}-x2"  # a backup running now, in this process
    for folder in (stale, live):
        folder.mkdir()
        (folder / "database").write_bytes(b"an unencrypted copy")

    result = seeded.runner.invoke(args=["backup", "--out", str(tmp_path / "next.backup")])

    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert (live / "database").read_bytes() == b"an unencrypted copy"
    shutil.rmtree(live)
