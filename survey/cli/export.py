"""`heard export`: write a study's completed responses and codebook to files."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from survey.extensions import db
from survey.services.errors import StudyNotFound
from survey.services.exports import FORMATS, ExportError
from survey.services.exports.roles import ReasonNeeded, export_as
from survey.services.studies import find_study


@click.command("export")
@click.argument("slug")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS, case_sensitive=False),
    default="csv",
    show_default=True,
)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--full", is_flag=True, help="Every answer as given (needs --reason; audited).")
@click.option("--reason", default=None, help="Why you need the full export (audited).")
@with_appcontext
def export_command(slug: str, fmt: str, out: Path, full: bool, reason: str | None) -> None:
    """Export completed responses, one row each, with a codebook (HTML and CSV) beside them.

    The export is de-identified (redacted or withheld free text, coarsened
    quasi-identifiers, small groups suppressed) unless --full is given with a
    --reason; either way it is recorded in the audit log.
    """
    try:
        study = find_study(db.session, slug)
    except StudyNotFound:
        click.echo(f"No study called {slug!r}.", err=True)
        sys.exit(2)
    try:
        written = export_as(db.session, study, None, fmt.lower(), out, full=full, reason=reason)
    except ReasonNeeded as error:
        click.echo(f"{error} Give it with --reason TEXT; nothing was exported.", err=True)
        sys.exit(2)
    except ExportError as error:
        click.echo(f"Export failed: {error.message}", err=True)
        sys.exit(1)
    if written.rows == 0:
        click.echo(f"{study.slug!r} has 0 completed responses: {out} holds the variables only.")
    click.echo(
        f"Wrote {written.rows} responses to {written.data}; "
        f"codebook: {written.codebook_html} and {written.codebook_csv}."
    )
