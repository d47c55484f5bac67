"""Coding views: the study's interview transcripts, and adding one (upload or paste).

Anyone who may code sees the list. Adding a transcript is for the study's
lead or an interviewer on its team (the person who ran the interview); anyone
else gets the same 404 as a study that does not exist. An upload is measured
before it is read: one over `HEARD_UPLOAD_MAX_BYTES` is refused unread (413).
A refused transcript stores nothing and the form comes back with the reason.
"""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from survey.extensions import db
from survey.models import Study
from survey.services import permissions
from survey.services.coding import transcripts
from survey.services.coding.errors import Refused
from survey.web.coding.access import counted, may, me, study_or_404
from survey.web.coding.blueprint import bp

ACCEPTED = ".txt,.docx,.vtt,.srt"
FIELDS = ("name", "speaker_pattern", "case", "text")
# The field a refusal is about, by code (anything else is about the file or the text).
ERROR_FIELDS = {
    "CASE_UNKNOWN": "case",
    "TRANSCRIPT_NAME": "name",
    "TRANSCRIPT_PATTERN_INVALID": "speaker_pattern",
}


def transcriber_study_or_404(slug: str) -> Study:
    """Return the study if the signed-in person leads its coding or interviews for it; else 404."""
    study = study_or_404(slug, permissions.VIEW)
    if not (may(permissions.LEAD_CODING, study) or may(permissions.INTERVIEW, study)):
        abort(404)
    return study


@bp.get("/<slug>/transcripts", endpoint="transcripts")
@login_required
def transcript_list(slug: str):
    """List the study's transcripts: case, name, turns, speakers, length, date."""
    study = study_or_404(slug)
    return render_template(
        "coding/transcripts.html",
        here="coding.transcripts",
        study=study,
        rows=transcripts.transcripts(db.session, study),
        may_add=may(permissions.LEAD_CODING, study) or may(permissions.INTERVIEW, study),
    )


def _form_page(study: Study, error: str | None = None, status: int = 200, code: str | None = None):
    page = render_template(
        "coding/transcript_new.html",
        here="coding.transcripts",
        study=study,
        cases=transcripts.case_choices(db.session, study),
        typed={name: request.form.get(name, "") for name in FIELDS},
        max_size=transcripts.size_in_words(current_app.config["HEARD_UPLOAD_MAX_BYTES"]),
        accepted=ACCEPTED,
        error=error,
        error_code=code,
        error_field=ERROR_FIELDS.get(code or "", "file") if error else None,
    )
    return page, status


def _posted(limit: int) -> transcripts.TranscriptForm:
    """Return the form's transcript (the file, measured first, or the pasted text)."""
    upload = request.files.get("file")
    pasted = request.form.get("text", "")
    choices = {n: request.form.get(n, "") for n in ("name", "speaker_pattern")}
    choices["case"] = request.form.get("case", transcripts.NEW_CASE)
    if upload is not None and upload.filename:
        if pasted.strip():
            raise Refused("Upload a file or paste the text, not both.", "TRANSCRIPT_TWO_SOURCES")
        size = upload.stream.seek(0, io.SEEK_END)
        upload.stream.seek(0)
        if size > limit:
            raise transcripts.too_large(size, limit)
        return transcripts.TranscriptForm(upload.stream.read(limit + 1), upload.filename, **choices)
    if not pasted.strip():
        raise Refused("Choose a file to upload, or paste the transcript.", "TRANSCRIPT_EMPTY")
    if len(pasted.encode("utf-8")) > limit:
        raise transcripts.too_large(len(pasted.encode("utf-8")), limit, "pasted text")
    return transcripts.TranscriptForm(pasted, "pasted.txt", **choices)


@bp.route("/<slug>/transcripts/new", methods=["GET", "POST"], endpoint="transcript_new")
@login_required
def transcript_new(slug: str):
    """Add a transcript to a new anonymous case or an interviewed one; store nothing if bad."""
    study = transcriber_study_or_404(slug)
    if request.method == "GET":
        return _form_page(study)
    limit = current_app.config["HEARD_UPLOAD_MAX_BYTES"]
    try:
        form = _posted(limit)
        stored = transcripts.add_transcript(db.session, me(), study, form, max_bytes=limit)
    except Refused as refused:
        status = 413 if refused.code == "FILE_TOO_LARGE" else 400
        return _form_page(study, refused.message, status, refused.code)
    flash(
        f"Transcript added: {counted(stored.turns, 'turn')}, "
        f"{counted(stored.speakers, 'speaker')}, "
        f"{'a new anonymous case' if stored.new_case else 'case'} {stored.case[:8]}."
    )
    for warning in stored.warnings:
        flash(warning)
    if may(permissions.CODE, study):
        return redirect(url_for("coding.document", slug=slug, guid=stored.document), code=303)
    return redirect(url_for("coding.transcript_new", slug=slug), code=303)
