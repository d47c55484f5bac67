"""Encrypted backups of the whole database, and their restore.

A backup is a consistent copy of the database (SQLite's online backup API, or
``pg_dump --format=custom``) sealed chunk by chunk with a key derived from the
current master key (`survey.services.backup_format`). The unencrypted copy
only ever exists in a private folder (mode 0700) inside the instance folder,
which already holds the database and its keys, and is deleted before the
command ends; the backup itself is written beside its final name and renamed
once complete. A restore decrypts and checks the whole file before it touches
the database, so a wrong key or a damaged file changes nothing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from survey.keyring import Keyring
from survey.sealing import MasterKey, SealingError
from survey.services import keys as study_keys
from survey.services.backup_format import (
    CHUNK_BYTES,
    HEADER,
    BackupFileError,
    Header,
    decrypt_stream,
    encrypt_stream,
    new_header,
    read_header,
)
from survey.services.backup_scratch import remove_stale_folders

KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# libpq reads these from the environment; the URL's query may set them.
LIBPQ_ENV = {
    "host": "PGHOST",
    "hostaddr": "PGHOSTADDR",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "application_name": "PGAPPNAME",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "service": "PGSERVICE",
    "gssencmode": "PGGSSENCMODE",
    "channel_binding": "PGCHANNELBINDING",
    "passfile": "PGPASSFILE",
}
LOCK_TIMEOUT = "-c lock_timeout=60s"  # a restore waits this long for tables in use, then stops


class BackupError(Exception):
    """A backup or restore was refused or failed; the message says why, for a person."""


@dataclass(frozen=True)
class BackupMade:
    """A backup file written in full."""

    path: Path
    kind: str
    master_id: str
    size: int  # bytes of the file


@dataclass(frozen=True)
class VerifiedBackup:
    """A backup decrypted in full into a private folder, checked, ready to restore."""

    kind: str
    master_id: str
    plaintext: Path  # deleted when `opened_backup` ends


def database_kind(url: str) -> str:
    """Return "sqlite" or "postgresql" for the database at `url`; `BackupError` otherwise."""
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = ""
    if backend not in KIND_NAMES:
        raise BackupError("Backups work with SQLite and PostgreSQL databases only.")
    if backend == "sqlite":
        _sqlite_path(url)
    return backend


def _sqlite_path(url: str) -> Path:
    name = make_url(url).database or ""
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError("Only a SQLite database in a file (sqlite:///PATH) can be backed up.")
    return Path(name)


@contextlib.contextmanager
def _private_folder(work_dir: Path) -> Iterator[Path]:
    """Yield a new folder only this user can read, in `work_dir`; delete it and all in it after.

    The folder is named after this process. A backup or restore killed before
    it could clean up leaves its folder (an unencrypted copy of the database)
    behind, so the folders of processes that no longer exist go first.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_folders(work_dir)
    folder = Path(tempfile.mkdtemp(prefix=f".heard-backup-{os.getpid()}-", dir=work_dir))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _new_file(path: Path) -> BinaryIO:
    """Open a new file only this user can read (fails if it exists)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    return os.fdopen(os.open(path, flags, 0o600), "wb")


def make_backup(
    url: str, master: MasterKey, out: Path, work_dir: Path, chunk_size: int = CHUNK_BYTES
) -> BackupMade:
    """Copy the database at `url` and write it encrypted with `master` to `out`.

    Nothing is left behind on failure: not `out`, not ``out.partial``, not the
    unencrypted copy. Raises `BackupError` saying what went wrong.
    """
    kind = database_kind(url)
    if out.exists():
        raise BackupError(
            f"{out} exists already: a backup never replaces a file; choose a new name."
        )
    if not out.parent.is_dir():
        raise BackupError(f"There is no folder {out.parent} to write the backup in.")
    partial = out.with_name(out.name + ".partial")
    header = new_header(kind, master, chunk_size)
    target = _open_partial(partial, out)
    try:
        with target, _private_folder(work_dir) as folder:
            dump = folder / "database"
            _dump(kind, url, dump, folder)
            with dump.open("rb") as source:
                encrypt_stream(source, target, header, master)
            target.flush()
            os.fsync(target.fileno())
        if out.exists():
            raise BackupError(f"{out} appeared while the backup was written; it was left alone.")
        os.replace(partial, out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"The backup could not be written: {error.strerror or error}.") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _sync_folder(out.parent)
    return BackupMade(out, kind, master.id, out.stat().st_size)


def _open_partial(partial: Path, out: Path) -> BinaryIO:
    """Open the file a backup is written to before it takes its name."""
    try:
        return _new_file(partial)
    except FileExistsError:
        raise BackupError(
            f"{partial} exists: another backup is being written there, or one was stopped; "
            "delete it once no backup is running."
        ) from None
    except OSError as error:
        raise BackupError(f"The backup cannot be written to {out}: {error.strerror}.") from None


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (best effort: not every system can open a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _dump(kind: str, url: str, target: Path, folder: Path) -> None:
    """Write a consistent copy of the database to `target` (in the private `folder`)."""
    if kind == "sqlite":
        _dump_sqlite(_sqlite_path(url), target)
        return
    env, dbname = _libpq_env(url, folder)
    _run(["pg_dump", "--format=custom", f"--file={target}", f"--dbname={dbname}"], env)


def _dump_sqlite(path: Path, target: Path) -> None:
    """Copy the SQLite database with its online backup API (consistent while in use)."""
    if not path.is_file():
        raise BackupError(f"There is no database at {path}; nothing was backed up.")
    try:
        with (
            contextlib.closing(sqlite3.connect(path, timeout=15)) as source,
            contextlib.closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)
    except sqlite3.Error as error:
        raise BackupError(f"The database could not be read: {error}.") from None


def _libpq_env(url: str, folder: Path) -> tuple[dict[str, str], str]:
    """Return the environment that points libpq tools at `url`, and the database name.

    The password goes into a password file in the private `folder`, never
    onto a command line, where other users of the machine could read it.
    """
    parsed = make_url(url)
    env = dict(os.environ)
    for name, value in parsed.query.items():
        if name in LIBPQ_ENV:
            env[LIBPQ_ENV[name]] = value[-1] if isinstance(value, tuple) else value
    settings = {"PGHOST": parsed.host, "PGPORT": parsed.port, "PGUSER": parsed.username}
    env.update({name: str(value) for name, value in settings.items() if value})
    if parsed.password:
        passfile = folder / "pgpass"
        escaped = str(parsed.password).replace("\\", "\\\\").replace(":", "\\:")
        with _new_file(passfile) as handle:
            handle.write(f"*:*:*:*:{escaped}\n".encode())
        env["PGPASSFILE"] = str(passfile)
        env.pop("PGPASSWORD", None)
    return env, parsed.database or ""


def _run(args: list[str], env: dict[str, str]) -> None:
    """Run a PostgreSQL client tool; `BackupError` with its error lines if it fails."""
    tool = shutil.which(args[0], path=env.get("PATH"))
    if tool is None:
        raise BackupError(
            f"{args[0]} is not installed: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) of the server's version or newer."
        )
    # Our own fixed arguments; the password is in a file, never on this command line.
    done = subprocess.run(  # noqa: S603
        [tool, *args[1:]], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {_tool_errors(done.stderr)}")


def _tool_errors(stderr: str) -> str:
    """Return the error lines of a tool's output, short (DETAIL and CONTEXT lines may hold data)."""
    lines = [line.strip() for line in stderr.splitlines() if "error:" in line]
    return " / ".join(line[:300] for line in lines[:3]) or "see the PostgreSQL server log."


def inspect_backup(source: Path) -> Header:
    """Return the header of the backup file `source`; `BackupError` if it is not one."""
    try:
        with source.open("rb") as handle:
            return read_header(handle)
    except BackupFileError as error:
        raise BackupError(str(error)) from None
    except OSError as error:
        raise BackupError(f"{source} cannot be read: {error.strerror}.") from None


def _master_for(header: Header, keys: list[MasterKey], source: Path) -> MasterKey:
    for key in keys:
        if key.id == header.master_id:
            return key
    held = ", ".join(key.id for key in keys) or "none"
    raise BackupError(
        f"{source.name} was encrypted with master key {header.master_id}, which is not here "
        f"(this Heard holds {held}). Give that key with --key-file PATH (heard keys rotate "
        f"keeps a retired key as instance/data_key.old-{header.master_id})."
    )


@contextlib.contextmanager
def opened_backup(
    url: str, keys: list[MasterKey], source: Path, work_dir: Path
) -> Iterator[VerifiedBackup]:
    """Decrypt and check the whole backup `source` for the database at `url`; yield it.

    Raises `BackupError` (and nothing was changed) when the file is not a
    backup, is of the other database kind, its key is missing, or it is
    damaged anywhere. The decrypted copy is deleted when the block ends.
    """
    kind = database_kind(url)
    header = inspect_backup(source)
    if header.kind != kind:
        raise BackupError(
            f"{source.name} is a backup of a {KIND_NAMES[header.kind]} database; this Heard "
            f"uses {KIND_NAMES[kind]}. Restore it into a Heard configured with "
            f"{KIND_NAMES[header.kind]}."
        )
    master = _master_for(header, keys, source)
    with _private_folder(work_dir) as folder:
        plaintext = folder / "database"
        try:
            with source.open("rb") as handle, _new_file(plaintext) as target:
                handle.seek(HEADER.size)
                decrypt_stream(handle, target, header, [master])
        except BackupFileError as error:
            raise BackupError(str(error)) from None
        except OSError as error:
            raise BackupError(f"The backup could not be decrypted: {error.strerror}.") from None
        _check_plaintext(kind, plaintext, url, folder)
        yield VerifiedBackup(kind, header.master_id, plaintext)


def _check_plaintext(kind: str, plaintext: Path, url: str, folder: Path) -> None:
    """Make sure the decrypted copy is a sound database (or archive) before restoring it."""
    if kind == "postgresql":
        env, _ = _libpq_env(url, folder)
        _run(["pg_restore", "--list", f"--file={os.devnull}", str(plaintext)], env)
        return
    try:
        with contextlib.closing(sqlite3.connect(plaintext)) as copy:
            found = copy.execute("PRAGMA quick_check").fetchone()
    except sqlite3.Error:
        found = None
    if not found or found[0] != "ok":
        raise BackupError("The database inside the backup is damaged; nothing was restored.")


def restore(url: str, verified: VerifiedBackup) -> None:
    """Replace the database at `url` with the checked backup (close the app's connections first)."""
    if verified.kind == "sqlite":
        _restore_sqlite(_sqlite_path(url), verified.plaintext)
        return
    env, dbname = _libpq_env(url, verified.plaintext.parent)
    env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} {LOCK_TIMEOUT}".strip()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={dbname}",
            str(verified.plaintext),
        ],
        env,
    )


def _restore_sqlite(path: Path, plaintext: Path) -> None:
    """Copy the checked database over `path` with the backup API, in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            contextlib.closing(sqlite3.connect(plaintext)) as source,
            contextlib.closing(sqlite3.connect(path, timeout=15)) as target,
        ):
            source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"The database could not be replaced: {error}.") from None


def adopt_master_keys(session: Session, ring: Keyring, extra: list[MasterKey]) -> int:
    """Re-wrap with the current master key any data key only a key in `extra` opens.

    After a backup made before ``heard keys rotate`` is restored with the old
    key (``--key-file``), its studies open with the current key again. Returns
    how many data keys were re-wrapped (0 when none needed it).
    """
    found = study_keys.status(session, ring)
    if not found.unopened or not extra:
        return 0
    widened = Keyring([*ring.masters, *extra])
    try:
        study_keys.verify(session, widened)
    except SealingError:
        return 0
    return study_keys.rewrap(session, widened, ring.current)
