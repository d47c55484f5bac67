"""`heard backup` and `heard restore`: the whole database, encrypted with the master key."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from survey import sealing
from survey.extensions import db
from survey.keyring import active
from survey.sealing import MasterKey, SealingError
from survey.services import backup, keys, ledger, ledger_replay
from survey.services.ledger import Entry


@contextlib.contextmanager
def _stop_cleanly() -> Iterator[None]:
    """Turn SIGTERM (a timeout, a shutdown) into an exit that still deletes temporary files."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _exit(signum, frame) -> None:
        raise SystemExit(1)

    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _database() -> tuple[str, str]:
    """Return the configured database URL, and how to name it to a person (no password)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    return url, make_url(url).render_as_string(hide_password=True)


def _refuse(message: str, nothing: str) -> None:
    click.echo(f"{message} {nothing}", err=True)
    sys.exit(1)


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(out: Path) -> None:
    """Write an encrypted backup of the whole database to a new file."""
    url, shown = _database()
    master = active().current
    db.session.remove()
    try:
        with _stop_cleanly():
            made = backup.make_backup(url, master, out, Path(current_app.instance_path))
    except backup.BackupError as error:
        _refuse(str(error), "No backup was written.")
    click.echo(
        f"Wrote an encrypted backup of {shown} to {made.path} ({made.size:,} bytes), "
        f"encrypted with master key {made.master_id}."
    )
    click.echo(
        "The key is not in the backup: without it the backup cannot be restored. Keep the key "
        "in a password manager or secret store, apart from the backups."
    )


def _key_file_keys(path: Path | None) -> list[MasterKey]:
    """Return the master keys in `path` (none without one); exit 1 if it holds no key."""
    if path is None:
        return []
    try:
        return sealing.decode_keys(path.read_text(encoding="ascii"), str(path))
    except (OSError, UnicodeDecodeError, SealingError) as error:
        _refuse(f"The key file cannot be used: {error}.", "Nothing was restored.")
    return []


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A file with the master key the backup was made with (such as a retired key).",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source: Path, key_file: Path | None, yes: bool) -> None:
    """Replace the whole database with an encrypted backup, after checking all of it."""
    url, shown = _database()
    ring = active()
    extra = _key_file_keys(key_file)
    nothing = "Nothing was restored; the database is as it was."
    pending = Path(current_app.instance_path) / ledger.PENDING_FILE
    try:
        with (
            _stop_cleanly(),
            backup.opened_backup(
                url, [*extra, *ring.masters], source, Path(current_app.instance_path)
            ) as verified,
        ):
            question = (
                f"{source.name} is a sound backup. Replace everything in {shown} "
                "(studies, responses, accounts, audit log) with it?"
            )
            if not yes and not click.confirm(question, default=False):
                _refuse("You said no.", nothing)
            forgotten = _keep_ledger(pending, shown, nothing)
            db.session.remove()
            db.engine.dispose()  # the restore needs the tables free of this process
            backup.restore(url, verified)
    except backup.BackupError as error:
        # The pending ledger stays: harmless if the database is as it was, vital if not.
        _refuse(str(error), nothing)
    click.echo(f"Restored {shown} from {source}.")
    _adopt_keys(extra)
    _forget_again(forgotten, pending, source)
    _check_keys()


def _keep_ledger(pending: Path, shown: str, nothing: str) -> list[Entry]:
    """Read the withdrawal ledger (the database's and any pending) and keep it in `pending`."""
    try:
        found = ledger.entries(db.session) + ledger.load_pending(pending)
        db.session.rollback()
        if found:
            ledger.save_pending(pending, found)
    except (SQLAlchemyError, OSError, ValueError, IndexError, TypeError) as error:
        db.session.remove()
        _refuse(
            f"The withdrawal ledger of {shown} (or {pending}) cannot be read "
            f"({type(error).__name__}): without it a restore would bring back withdrawn "
            "answers and purged studies. If the database is damaged beyond reading, move it "
            "away first: a restore into an empty database cannot know what was withdrawn "
            "since the backup was made.",
            nothing,
        )
    return found


def _forget_again(forgotten: list[Entry], pending: Path, source: Path) -> None:
    """Delete again what the ledger says was withdrawn or purged; exit 1, loudly, if it fails."""
    try:
        done = ledger_replay.replay(
            db.session, current_app.config["SECRET_KEY"], sorted(set(forgotten))
        )
    except Exception as error:  # any failure must be said loudly, never as a traceback
        db.session.remove()
        click.echo(
            "Warning: the restored database STILL HOLDS WITHDRAWN ANSWERS or purged studies: "
            f"deleting them again failed ({type(error).__name__}). Do not use it until this is "
            f"fixed: run `heard restore {source}` again (the withdrawal ledger is kept in "
            f"{pending} until it is applied), then `heard purge`.",
            err=True,
        )
        sys.exit(1)
    ledger.clear_pending(pending)
    click.echo(
        f"Withdrawal ledger: deleted again {done.responses} withdrawn response(s) and purged "
        f"again {done.studies} stud{'y' if done.studies == 1 else 'ies'} the backup still held."
    )


def _adopt_keys(extra: list[MasterKey]) -> None:
    """Re-wrap with the current master key the data keys only `extra` opens, and say so."""
    ring = active()
    adopted = backup.adopt_master_keys(db.session, ring, extra)
    if adopted:
        click.echo(
            f"Re-wrapped {adopted} data key(s) with the current master key {ring.current.id}: "
            "the restored studies need it now; keep it safe."
        )


def _check_keys() -> None:
    """Say, and exit 1, if some restored studies' data keys do not open with the keys here."""
    ring = active()
    found = keys.status(db.session, ring)
    if found.unopened:
        click.echo(
            f"Warning: the data keys of {len(found.unopened)} stud"
            f"{'y' if len(found.unopened) == 1 else 'ies'} ({', '.join(found.unopened[:5])}) are "
            f"wrapped by master key(s) {', '.join(sorted(found.by_master))}, which this Heard does "
            "not hold: their answers do not open. Run `heard restore` again with --key-file, "
            "or add that key to HEARD_DATA_KEY.",
            err=True,
        )
        sys.exit(1)
