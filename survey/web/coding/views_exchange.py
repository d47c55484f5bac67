"""Coding views: export segments, the code by case matrix, the codebook, the project; import.

Downloads are attachments named from the study's slug, never from anything
a respondent wrote. Imports are multipart POSTs whose file is measured
before it is read: one over `HEARD_UPLOAD_MAX_BYTES` is refused unread. A
refused import shows every problem with where it is, and changes nothing.
"""

from __future__ import annotations

import io

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from coding.errors import CodingError, ErrorCode
from survey.extensions import db
from survey.models import Study
from survey.services import permissions
from survey.services.coding import coders, demo, exchange, exchange_import, tables
from survey.services.coding.exchange_import import ImportRefused, ImportSummary, Problem
from survey.web.coding.access import may, me, study_or_404
from survey.web.coding.blueprint import bp

SHOWN = 8  # code paths named in an import's summary before "and N more"
FIELD_WORDS = {
    "parent": "place",
    "when_to_use": "when to use",
    "when_not_to_use": "when not to use",
}


def _page(study: Study, problems=(), which: str | None = None, status: int = 200):
    page = render_template(
        "coding/exchange.html",
        here="coding.exchange",
        study=study,
        lead=may(permissions.LEAD_CODING, study),
        steward=may(permissions.REDACT, study),
        own_only=_own_only(study),
        synthetic=demo.is_synthetic(study),
        synthetic_note=demo.NOTE,
        columns=tables.column_guide(exchange.codebook_of(db.session, study)),
        max_mb=current_app.config["HEARD_UPLOAD_MAX_BYTES"] / 1_048_576,
        problems=problems,
        which=which,
    )
    return page, status


def _own_only(study: Study) -> bool:
    """Return True when blind mode limits this person's exports to their own codings."""
    settings = coders.settings_for(db.session, study)
    return settings.blind and not settings.revealed and not coders.is_lead(db.session, me(), study)


def _send(download: exchange.Download) -> Response:
    response = Response(download.data, mimetype=download.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    value = request.args.get(name, allowed[0])
    if value not in allowed:
        abort(404)
    return value


@bp.get("/<slug>/exchange", endpoint="exchange")
@login_required
def exchange_page(slug: str):
    """Show what can be exported and imported, and what each format opens in."""
    return _page(study_or_404(slug))


def _download(slug: str, action: str, make):
    return _made(study_or_404(slug, action), make)


def _made(study: Study, make):
    try:
        return _send(make(study))
    except CodingError as error:  # text an exchange file cannot hold, named with where it is
        refused = ImportRefused.from_coding_error(error)
        return _page(study, refused.problems, "export", 400)


@bp.get("/<slug>/export/segments", endpoint="export_segments")
@login_required
def export_segments(slug: str):
    """Download the coded segments you may see, as CSV or XLSX (?format=)."""
    fmt = _choice("format", exchange.SEGMENT_FORMATS)
    return _download(
        slug, permissions.CODE, lambda s: exchange.export_segments(db.session, me(), s, fmt)
    )


@bp.get("/<slug>/export/matrix", endpoint="export_matrix")
@login_required
def export_matrix(slug: str):
    """Download the code by case matrix (?values=binary or counts) as CSV for R or Stata."""
    values = _choice("values", tables.MATRIX_VALUES)
    return _download(
        slug, permissions.CODE, lambda s: exchange.export_matrix(db.session, me(), s, values)
    )


@bp.get("/<slug>/export/codebook", endpoint="export_codebook")
@login_required
def export_codebook(slug: str):
    """Download the codebook as CSV or REFI-QDA .qdc (?format=)."""
    fmt = _choice("format", exchange.CODEBOOK_FORMATS)
    return _download(
        slug, permissions.CODE, lambda s: exchange.export_codebook(db.session, me(), s, fmt)
    )


def _project_study(slug: str, text: str) -> Study:
    """Return the study if this person may export its project with `text`; else 404.

    The redacted project: study leads and data stewards; the raw one: data
    stewards (and administrators) only.
    """
    study = study_or_404(slug, permissions.VIEW)
    allowed = may(permissions.REDACT, study) or (
        text == exchange.REDACTED and may(permissions.LEAD_CODING, study)
    )
    if not allowed:
        abort(404)
    return study


@bp.get("/<slug>/export/project", endpoint="export_project")
@login_required
def export_project(slug: str):
    """Download the whole project you may see as REFI-QDA .qdpx, redacted unless a data
    steward asks for the raw text (?text=raw)."""
    text = _choice("text", exchange.TEXTS)
    study = _project_study(slug, text)
    return _made(study, lambda s: exchange.export_project(db.session, me(), s, text))


def _upload() -> tuple[bytes, str]:
    """Return the uploaded bytes and the file's name; refuse a file over the limit unread."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ImportRefused([Problem("Choose a file to import.")])
    limit = current_app.config["HEARD_UPLOAD_MAX_BYTES"]
    size = upload.stream.seek(0, io.SEEK_END)
    upload.stream.seek(0)
    if size > limit:
        error = CodingError(ErrorCode.FILE_TOO_LARGE, size=size, limit=limit)
        raise ImportRefused.from_coding_error(error)
    return upload.stream.read(limit + 1), upload.filename


def _import(slug: str, which: str, service):
    study = study_or_404(slug, permissions.LEAD_CODING)
    try:
        data, filename = _upload()
        summary = service(
            db.session,
            me(),
            study,
            data,
            filename,
            current_app.config["HEARD_UPLOAD_MAX_BYTES"],
        )
    except ImportRefused as refused:
        return _page(study, refused.problems, which, 400)
    for line in summary_lines(summary):
        flash(line)
    return redirect(url_for("coding.exchange", slug=study.slug), code=303)


@bp.post("/<slug>/import/codebook", endpoint="import_codebook")
@login_required
def import_codebook(slug: str):
    """Merge a codebook (.csv or .qdc) into the study's codebook (study leads only)."""
    return _import(slug, "codebook", exchange_import.import_codebook)


@bp.post("/<slug>/import/project", endpoint="import_project")
@login_required
def import_project(slug: str):
    """Import a REFI-QDA project (.qdpx): codebook, codings, coders, memos (study leads only)."""
    return _import(slug, "project", exchange_import.import_project)


def _named(paths: list[str]) -> str:
    shown = ", ".join(f"“{p}”" for p in paths[:SHOWN])
    more = len(paths) - SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def _fields(fields: tuple[str, ...]) -> str:
    return ", ".join(FIELD_WORDS.get(name, name) for name in fields)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _left_out(summary: ImportSummary) -> str:
    one = summary.documents_left_out == 1
    return (
        f"{_plural(summary.documents_left_out, 'document')} in the file "
        f"{'is' if one else 'are'} not among this study’s answers and "
        f"{'was' if one else 'were'} left out, with "
        f"{_plural(summary.codings_left_out, 'coding')}: answers withdrawn since the export, "
        "answers of another study and text from another tool never come in through an import."
    )


def _project_lines(summary: ImportSummary) -> list[str]:
    lines = []
    if summary.changed:
        lines.append(
            f"{_plural(summary.codings_added, 'coding')} added"
            f" ({summary.codings_present} already here), "
            f"{_plural(summary.notes_added, 'memo')} added."
        )
    if summary.coders_added:
        lines.append(f"Imported coders added: {_named(summary.coders_added)}.")
    if summary.documents_left_out:
        lines.append(_left_out(summary))
    return lines


def summary_lines(summary: ImportSummary) -> list[str]:
    """Return what an import changed, and what it left out, in words for the person."""
    lines = []
    if not summary.changed:
        lines.append("Imported: nothing changed. Everything in the file was already here.")
    if summary.codes_added:
        lines.append(f"Codes added: {_named(summary.codes_added)}.")
    if summary.codes_updated:
        updated = [f"{path} ({_fields(fields)})" for path, fields in summary.codes_updated]
        lines.append(f"Codes updated: {_named(updated)}.")
    if summary.kind == "qdpx":
        lines += _project_lines(summary)
    return lines + summary.warnings
