"""`heard keys`: check the master key against the study data keys, and rotate it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey import sealing
from survey.extensions import db
from survey.keyring import active
from survey.sealing import SealingError
from survey.services import keys


@click.group("keys")
def keys_group() -> None:
    """Check and rotate the master key that wraps every study's data key."""


@keys_group.command("status")
@with_appcontext
def keys_status() -> None:
    """Say which master key wraps each data key, and whether every one opens."""
    ring = active()
    found = keys.status(db.session, ring)
    source = "HEARD_DATA_KEY" if current_app.config.get("HEARD_DATA_KEY") else "the key file"
    click.echo(f"Current master key: {ring.current.id} (from {source}).")
    for master_id, count in sorted(found.by_master.items()):
        click.echo(f"  {count} data key(s) wrapped by {master_id}")
    if found.unopened:
        click.echo(f"{len(found.unopened)} data key(s) do not open: {', '.join(found.unopened)}")
        sys.exit(1)
    click.echo("Every data key opens.")


def _rotate_key_file(instance: Path) -> sealing.MasterKey:
    """Rotate the instance key file: the next key is written before any data key changes."""
    pending = instance / sealing.NEXT_KEY_FILE
    if pending.exists():  # an earlier rotation stopped part-way: finish it with that key
        return sealing.decode_keys(pending.read_text(encoding="ascii"), str(pending))[0]
    secret = sealing.new_secret()
    sealing.write_key_file(pending, secret)
    return sealing.master_key(secret)


def _retire_key_file(instance: Path, old: sealing.MasterKey) -> Path:
    current, pending = instance / sealing.KEY_FILE, instance / sealing.NEXT_KEY_FILE
    retired = instance / f"{sealing.KEY_FILE}.old-{old.id}"
    os.replace(current, retired)
    os.replace(pending, current)
    return retired


@keys_group.command("rotate")
@click.option(
    "--new-key-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the new master key from this file (with HEARD_DATA_KEY) instead of printing one.",
)
@with_appcontext
def keys_rotate(new_key_file: Path | None) -> None:
    """Wrap every study's data key with a new master key (texts are not re-encrypted)."""
    ring = active()
    instance = Path(current_app.instance_path)
    from_env = bool(current_app.config.get("HEARD_DATA_KEY"))
    try:
        keys.verify(db.session, ring)
        if not from_env:
            new = _rotate_key_file(instance)
        elif new_key_file is not None:
            text = new_key_file.read_text(encoding="ascii")
            new = sealing.decode_keys(text, str(new_key_file))[0]
        else:
            new = sealing.master_key(sealing.new_secret())
            click.echo("New master key (shown once; store it before anything else):")
            click.echo(f"  {sealing.encode_key(new.secret)}")
        count = keys.rewrap(db.session, ring, new)
    except (SealingError, OSError, UnicodeDecodeError) as error:
        click.echo(f"Nothing rotated: {error}", err=True)
        sys.exit(1)
    old = ring.current
    ring.masters = [new, *ring.masters]
    click.echo(f"Re-wrapped {count} data key(s) with master key {new.id} (was {old.id}).")
    if from_env:
        click.echo(
            "Set HEARD_DATA_KEY to the new key (list the old one after it, comma-separated, "
            "until every process has restarted)."
        )
        return
    retired = _retire_key_file(instance, old)
    click.echo(
        f"The old key is kept at {retired}: keep it (safely, away from the backups) as long as "
        "you keep backups made before today, then delete it."
    )
