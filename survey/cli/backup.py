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

from survey import sealing
from survey.extensions import db
from survey.keyring import active
from survey.sealing import MasterKey, SealingError
from survey.services import backup, keys


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
            db.session.remove()
            db.engine.dispose()  # the restore needs the tables free of this process
            backup.restore(url, verified)
    except backup.BackupError as error:
        _refuse(str(error), nothing)
    click.echo(f"Restored {shown} from {source}.")
    _check_keys(extra)


def _check_keys(extra: list[MasterKey]) -> None:
    """Make the restored studies' data keys open with the current master key, or say why not."""
    ring = active()
    adopted = backup.adopt_master_keys(db.session, ring, extra)
    if adopted:
        click.echo(
            f"Re-wrapped {adopted} data key(s) with the current master key {ring.current.id}: "
            "the restored studies need it now; keep it safe."
        )
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
