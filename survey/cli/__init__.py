"""The `heard` command: set up, load the demo, create studies, export, serve, purge."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade

from coding.errors import CodingError
from instruments import InstrumentInvalid, library_names, load_instrument, load_library
from instruments.lint import format_findings, lint_instrument
from survey.cli.analyse import analyse_group
from survey.cli.backup import backup_command, restore_command
from survey.cli.export import export_command
from survey.cli.guard import guarded, refuse_to_publish_with_lint_errors
from survey.cli.keys import keys_group
from survey.cli.worker import worker_command
from survey.extensions import db, write_transaction
from survey.models.staff import ROLES
from survey.services import accounts, responses, retention, staff_admin, web_sessions
from survey.services.coding import demo as coding_demo
from survey.services.coding import exchange, exchange_import, redaction_review
from survey.services.coding.exchange_import import ImportRefused
from survey.services.errors import InvalidSlug, StudyNotFound, StudySlugTaken
from survey.services.studies import create_study, find_study

DEMO_SLUG = "police-response"


def _load(source: str):
    """Load an instrument from a file path or a bundled library name."""
    if Path(source).suffix in (".yaml", ".yml") or Path(source).exists():
        return load_instrument(Path(source))
    if source in library_names():
        return load_library(source)
    raise click.UsageError(
        f"No file or library instrument called {source!r}. Library: {', '.join(library_names())}"
    )


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo("Database is up to date.")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def demo_command(host: str, port: int) -> None:
    """Set up the database and the published demo study; print its address."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    try:
        with write_transaction(db.session):
            create_study(
                db.session,
                load_library(DEMO_SLUG),
                slug=DEMO_SLUG,
                publish=True,
                draft_lifetime_hours=current_app.config["HEARD_DRAFT_LIFETIME_HOURS"],
            )
        click.echo("Demo study created.")
    except StudySlugTaken:
        click.echo("Demo study already there.")
    _coding_demo()
    click.echo(f"Open http://{host}:{port}/s/{DEMO_SLUG}")
    click.echo(
        f"Coding demo (administrators; add others to its team): "
        f"http://{host}:{port}/coding/{coding_demo.SLUG}"
    )
    click.echo(f"Analysis of the coding demo: http://{host}:{port}/analysis/{coding_demo.SLUG}")
    click.echo(f"Its findings report: http://{host}:{port}/analysis/{coding_demo.SLUG}/reports")


def _coding_demo() -> None:
    """Create the synthetic coding demo study once, and say what it is."""
    made = coding_demo.create_demo(
        db.session,
        load_library(DEMO_SLUG),
        draft_lifetime_hours=current_app.config["HEARD_DRAFT_LIFETIME_HOURS"],
    )
    if made.created:
        click.echo(
            f"Synthetic coding demo created: {made.responses} made-up responses "
            f"({made.documents} answers to code, {made.segments} demo codings). "
            "The answers are made up for the demo, never real people."
        )
    else:
        click.echo("Synthetic coding demo already there.")
    _demo_topics(made.study)


def _demo_topics(study) -> None:
    """Fit one topic model and add a findings report to the coding demo (once each)."""
    from survey.services.analysis import demo_topics

    click.echo(demo_topics.ensure_topics(db.session, study))
    from survey.services.reports import demo as demo_report

    click.echo(demo_report.ensure_report(db.session, study))


@click.group("study")
def study_group() -> None:
    """Manage studies."""


@study_group.command("create")
@click.option("--instrument", "source", required=True, help="A YAML file or a library name.")
@click.option("--slug", required=True, help="The address: /s/SLUG")
@click.option("--publish", is_flag=True, help="Open it to respondents now.")
@with_appcontext
def study_create(source: str, slug: str, publish: bool) -> None:
    """Create a study from an instrument file or library name.

    `--publish` refuses an instrument the trauma-informed lint finds errors in,
    as the studio does: a study is created unpublished, or not at all.
    """
    try:
        instrument = _load(source)
        refuse_to_publish_with_lint_errors(instrument, source, publish)
        with write_transaction(db.session):
            study = create_study(
                db.session,
                instrument,
                slug=slug,
                publish=publish,
                draft_lifetime_hours=current_app.config["HEARD_DRAFT_LIFETIME_HOURS"],
            )
    except InstrumentInvalid as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s); nothing was imported.", err=True)
        sys.exit(2)
    except (StudySlugTaken, InvalidSlug) as error:
        reason = (
            "is taken"
            if isinstance(error, StudySlugTaken)
            else "must be lower-case letters, digits and hyphens"
        )
        click.echo(f"Slug {slug!r} {reason}; nothing was imported.", err=True)
        sys.exit(2)
    state = "open" if study.status == "open" else "a draft"
    click.echo(f"Study {study.slug!r} created ({state}).")


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Say which studies' data would go; delete nothing.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Delete unsaved drafts, expired sessions and the data of studies past their retention date."""
    if not dry_run:
        drafts = responses.purge_unsaved(db.session)
        sessions = web_sessions.purge_sessions(db.session)
        click.echo(f"Deleted {drafts} unsaved draft(s) and {sessions} expired session(s).")
    purged = retention.purge_expired(
        db.session, secret_key=current_app.config["SECRET_KEY"], dry_run=dry_run
    )
    if not purged:
        click.echo("No study is past its retention date: no study data to delete.")
    for study in purged:
        verb = "would delete" if dry_run else "deleted"
        click.echo(f"Study {study.slug!r} is past its retention date: {verb} {study.summary()}.")
    if dry_run:
        click.echo("Dry run: nothing was deleted.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--workers", default=2, show_default=True)
def serve_command(host: str, port: int, workers: int) -> None:
    """Serve with gunicorn, access log off (never the Werkzeug dev server)."""
    from survey.serving import serve

    serve(host=host, port=port, workers=workers)


@click.group("user")
def user_group() -> None:
    """Manage staff accounts."""


@user_group.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@with_appcontext
def user_create(email: str, role: str) -> None:
    """Create a staff account and print its one-time password (shown once)."""
    try:
        created = accounts.create_user(db.session, email=email, role=role)
    except accounts.EmailTaken:
        click.echo(f"An account for {accounts.normalise_email(email)} exists already.", err=True)
        sys.exit(2)
    except accounts.AccountError as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    click.echo(f"Created {created.user.email} ({role}).")
    click.echo(f"One-time password: {created.one_time_password}")
    click.echo("It works once: the person chooses their own password at first sign-in.")


@user_group.command("reset-password")
@click.option("--email", required=True)
@with_appcontext
def user_reset_password(email: str) -> None:
    """Give an account a new one-time password (shown once); its sessions end."""
    address = accounts.normalise_email(email)
    user = staff_admin.find_user_by_email(db.session, address)
    if user is None:
        click.echo(f"No account for {address}.", err=True)
        sys.exit(2)
    created = staff_admin.reset_password(db.session, None, user)
    click.echo(f"Reset the password of {address}; every session of the account has ended.")
    click.echo(f"One-time password: {created.one_time_password}")
    click.echo("It works once: the person chooses their own password at first sign-in.")


@click.group("instrument")
def instrument_group() -> None:
    """Check instruments."""


@instrument_group.command("lint")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def instrument_lint(path: Path, fmt: str) -> None:
    """Check an instrument against the trauma-informed rules; exit 1 on errors, 2 if invalid."""
    try:
        instrument = load_instrument(path)
    except InstrumentInvalid as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(2)
    findings = lint_instrument(instrument)
    click.echo(format_findings(findings, fmt, filename=str(path)))
    sys.exit(1 if any(f.severity == "error" for f in findings) else 0)


@click.group("coding")
def coding_group() -> None:
    """Export and import qualitative coding (REFI-QDA, CSV, XLSX)."""


EXPORT_FORMATS = (
    "qdpx",
    "qdc",
    "codebook-csv",
    "segments-csv",
    "segments-xlsx",
    "matrix-csv",
)


def _coding_study(slug: str):
    """Return the published study at `slug` or exit 2 saying there is none."""
    try:
        return find_study(db.session, slug)
    except StudyNotFound:
        click.echo(f"No study called {slug!r}.", err=True)
        sys.exit(2)


def _export(study, fmt: str, values: str) -> exchange.Download:
    """Make one export of everything on `study` (the command line sees every coder)."""
    if fmt == "qdpx":
        return exchange.export_project(db.session, None, study)
    kind, _, suffix = fmt.partition("-")
    if kind == "segments":
        return exchange.export_segments(db.session, None, study, suffix)
    if kind == "matrix":
        return exchange.export_matrix(db.session, None, study, values)
    return exchange.export_codebook(db.session, None, study, "qdc" if fmt == "qdc" else "csv")


@coding_group.command("export")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True)
@click.option(
    "--values",
    type=click.Choice(["binary", "counts"]),
    default="binary",
    show_default=True,
    help="For matrix-csv: 0/1 or counts.",
)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def coding_export(slug: str, fmt: str, values: str, out: Path) -> None:
    """Export a study's coding: the project, the codebook, coded segments or the matrix."""
    study = _coding_study(slug)
    try:
        download = _export(study, fmt, values)
    except CodingError as error:
        click.echo(f"{error} [{error.code}]", err=True)
        sys.exit(2)
    out.write_bytes(download.data)
    click.echo(
        f"Wrote {out} ({download.rows} rows or items). The export is recorded in the audit log."
    )


@coding_group.command("propose")
@click.argument("slug")
@with_appcontext
def coding_propose(slug: str) -> None:
    """Store the automatic redaction proposals of documents made before they were stored."""
    study = _coding_study(slug)
    documents, spans = redaction_review.store_proposals(db.session, study)
    click.echo(
        f"Stored {spans} proposed span{'' if spans == 1 else 's'} for "
        f"{documents} document{'' if documents == 1 else 's'}. "
        f"A data steward reviews them at /coding/{slug}/redaction."
    )


@coding_group.command("import")
@click.argument("slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def coding_import(slug: str, path: Path) -> None:
    """Import a codebook (.csv, .qdc) or a REFI-QDA project (.qdpx) into a study."""
    study = _coding_study(slug)
    limit = current_app.config["HEARD_UPLOAD_MAX_BYTES"]
    service = (
        exchange_import.import_project
        if path.suffix.lower() == ".qdpx"
        else exchange_import.import_codebook
    )
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    try:
        summary = service(db.session, None, study, data, path.name, limit)
    except ImportRefused as refused:
        for problem in refused.problems:
            where = f"{problem.where}: " if problem.where else ""
            click.echo(f"{path.name}: {where}{problem.message} [{problem.code}]", err=True)
        click.echo("Nothing was imported.", err=True)
        sys.exit(2)
    click.echo(
        f"Imported {path.name}: {len(summary.codes_added)} code(s) added, "
        f"{len(summary.codes_updated)} updated, {summary.codes_unchanged} unchanged; "
        f"{summary.documents_matched} document(s) matched, {summary.documents_left_out} left out "
        "(not this study's answers); "
        f"{summary.codings_added} coding(s) added ({summary.codings_present} already there), "
        f"{summary.notes_added} memo(s) added."
    )


COMMANDS = (
    init_command,
    demo_command,
    study_group,
    export_command,
    purge_command,
    serve_command,
    user_group,
    instrument_group,
    coding_group,
    worker_command,
    analyse_group,
    keys_group,
    backup_command,
    restore_command,
)


def register_cli(app: Flask) -> None:
    """Add the `heard` subcommands to `app`."""
    for command in COMMANDS:
        app.cli.add_command(guarded(command))


def _create_app():
    from survey import create_app

    return create_app()


main = FlaskGroup(
    name="heard",
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    help="Heard: hear survivors of modern slavery and exploitation safely.",
)
