"""Studio views: download a study's data (de-identified, or full with a reason) and its settings.

The download is a zip of the data file and its codebook, built in temporary
files that are gone once it is sent (Heard keeps no export files). Anyone who
may not export gets the studio's usual 404; so does a full export asked for
by someone who may only take the de-identified one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import IO

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from survey.extensions import db
from survey.models import Study
from survey.services import permissions
from survey.services.exports import FORMATS, ExportError
from survey.services.exports.download import Download, export_zip
from survey.services.exports.roles import MIN_REASON, ReasonNeeded
from survey.services.exports.settings import (
    HOW_WORDS,
    ExportSettingsInvalid,
    candidates,
    form_values,
    load_settings,
    may_configure,
    update_export_settings,
)
from survey.services.studio import published_instrument
from survey.web.studio.access import may, me, study_or_404
from survey.web.studio.blueprint import bp

CHUNK = 64 * 1024
FORMAT_NAMES = {
    "csv": "CSV: text, opens anywhere",
    "xlsx": "Excel workbook (.xlsx)",
    "sav": "SPSS (.sav), with labels and user-missing values",
    "dta": "Stata (.dta), with labels and extended missing values",
}


def _page(study: Study, errors: dict | None = None, values: dict | None = None, status=200):
    settings = load_settings(study)
    page = render_template(
        "studio/export.html",
        here="export",
        study=study,
        formats=[(f, FORMAT_NAMES.get(f, f)) for f in FORMATS],
        full_allowed=may(permissions.EXPORT_FULL, study),
        configure=may_configure(db.session, me(), study),
        settings=settings,
        how_words=HOW_WORDS,
        min_reason=MIN_REASON,
        errors=errors or {},
        values=values or {"format": FORMATS[0], "role": "deidentified"},
    )
    return page, status


@bp.route("/studies/<slug>/export", methods=["GET", "POST"])
@login_required
def export(slug: str):
    """Show the export choices; posting sends the zip (data file and codebook) and keeps nothing."""
    study = study_or_404(slug, permissions.EXPORT)
    if request.method == "GET":
        return _page(study)
    values = {name: request.form.get(name, "") for name in ("format", "role", "reason")}
    full = values["role"] == "full"
    if full and not may(permissions.EXPORT_FULL, study):
        abort(404)
    if values["format"] not in FORMATS:
        return _page(study, {"format": "Choose one of the formats listed."}, values, 400)
    try:
        download = export_zip(
            db.session, study, me(), values["format"], full=full, reason=values["reason"]
        )
    except ReasonNeeded as problem:
        return _page(study, {"reason": str(problem)}, values, 400)
    except ExportError as problem:
        return _page(study, {"format": str(problem)}, values, 400)
    return _send(download)


def _send(download: Download) -> Response:
    """Stream the zip and close it (which deletes it) once sent, or when the client goes away."""
    size = os.fstat(download.file.fileno()).st_size
    response = Response(_chunks(download.file), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response.headers["Content-Length"] = str(size)
    response.headers["Cache-Control"] = "no-store"
    response.call_on_close(download.file.close)
    return response


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := handle.read(CHUNK):
            yield chunk
    finally:
        handle.close()


@bp.route("/studies/<slug>/export/settings", methods=["GET", "POST"])
@login_required
def export_settings(slug: str):
    """Show and save how the de-identified export treats free text and quasi-identifiers."""
    study = study_or_404(slug, permissions.VIEW)
    if not may_configure(db.session, me(), study):
        abort(404)
    instrument = published_instrument(study)
    posted = {name: request.form.getlist(name) for name in request.form}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            changed = update_export_settings(db.session, me(), study, instrument, posted)
        except ExportSettingsInvalid as invalid:
            errors = invalid.errors
        else:
            flash("Export settings saved." if changed else "Nothing was changed.")
            return redirect(url_for("studio.export_settings", slug=study.slug), code=303)
    values = {n: v[0] for n, v in posted.items() if v} if errors else None
    page = render_template(
        "studio/export_settings.html",
        here="export",
        study=study,
        candidates=candidates(instrument),
        how_words=HOW_WORDS,
        values=values or form_values(load_settings(study)),
        errors=errors,
    )
    return page, 400 if errors else 200
