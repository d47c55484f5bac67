"""Coding views: the documents of a question, one document with its codings, coding a span.

Selecting text is JavaScript (static/coding.js fills the form's start and end
in UTF-16 units; the server converts); without it, a person codes the whole
answer or types the exact words to code.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from survey.extensions import db
from survey.models import Study
from survey.services.coding import pages, reading, workspace
from survey.services.coding.errors import NotFound, Refused
from survey.web.coding.access import counted, me, study_or_404
from survey.web.coding.blueprint import bp


def local_next(slug: str, value: str | None, default: str) -> str:
    """Return `value` if it is a path on this study's coding pages, else `default`."""
    if not value or any(c in value for c in "\\\r\n\t") or value.startswith("//"):
        return default
    parts = urlsplit(value)
    path = parts.path
    if parts.scheme or parts.netloc or not path.startswith(f"/coding/{slug}/"):
        return default
    # Browsers resolve %2e%2e as "..": judge the decoded path.
    decoded = unquote(path)
    if "//" in decoded or ".." in decoded.split("/") or "%" in decoded:
        return default
    anchor = f"#{parts.fragment}" if re.fullmatch(r"[\w-]+", parts.fragment) else ""
    return path + (f"?{parts.query}" if parts.query else "") + anchor


def page_number() -> int:
    """Return the `page` query parameter as a number (1 when missing or not a number)."""
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and len(page) < 7 else 1


@bp.get("/<slug>/documents", endpoint="documents")
@login_required
def document_list(slug: str):
    """List a question's documents, 50 a page, with how many codings I can see on each."""
    study = study_or_404(slug)
    found = pages.document_list(
        db.session, study, me(), request.args.get("question"), page_number()
    )
    return render_template(
        "coding/documents.html", here="coding.documents", study=study, **{"listing": found}
    )


def render_document(study: Study, guid: str, error: str | None = None, status: int = 200, **typed):
    """Render the document view (recording the read), with an error and what was typed."""
    try:
        page = workspace.document_page(db.session, study, me(), guid)
    except NotFound:
        abort(404)
    reading.record_view(
        db.session, me(), study, "document", page.document, question=page.document.item_id
    )
    html = render_template(
        "coding/document.html",
        here="coding.documents",
        study=study,
        page=page,
        error=error,
        typed=typed,
    )
    return html, status


@bp.get("/<slug>/documents/<guid>", endpoint="document")
@login_required
def document(slug: str, guid: str):
    """Show one document: its text with coded spans marked, its codings, case and memos."""
    return render_document(study_or_404(slug), guid)


@bp.post("/<slug>/documents/<guid>/codings", endpoint="apply")
@login_required
def apply(slug: str, guid: str):
    """Apply the chosen codes to the selected words, the typed words or the whole answer."""
    study = study_or_404(slug)
    form = workspace.SpanForm(
        codes=request.form.getlist("code"),
        **{k: request.form.get(k, "") for k in ("how", "start", "end", "units", "words", "memo")},
        distressing=request.form.get("distressing") == "yes",
    )
    try:
        changed = workspace.code_span(db.session, me(), study, guid, form=form)
    except NotFound:
        abort(404)
    except Refused as error:
        return render_document(study, guid, error.message, 400, words=form.words, memo=form.memo)
    flash(
        f"Coded: {counted(changed, 'segment')} added or widened."
        if changed
        else "Already coded there."
    )
    return redirect(url_for("coding.document", slug=slug, guid=guid), code=303)


def _back(slug: str, document: str) -> str:
    home = url_for("coding.document", slug=slug, guid=document)
    return local_next(slug, request.form.get("next"), home)


@bp.post("/<slug>/segments/<guid>/remove", endpoint="segment_remove")
@login_required
def segment_remove(slug: str, guid: str):
    """Remove one of my codings."""
    study = study_or_404(slug)
    try:
        document = workspace.remove(db.session, me(), study, guid)
    except NotFound:
        abort(404)
    flash("Coding removed. Undo brings it back.")
    return redirect(_back(slug, document), code=303)


@bp.post("/<slug>/segments/<guid>", endpoint="segment_update")
@login_required
def segment_update(slug: str, guid: str):
    """Change the memo of one of my codings, or mark it as distressing (or not)."""
    study = study_or_404(slug)
    memo, distressing = request.form.get("memo"), request.form.get("distressing")
    if memo is None and distressing not in ("yes", "no"):
        abort(400)
    change = {"memo": memo} if memo is not None else {"distressing": distressing == "yes"}
    try:
        document = workspace.change_segment(db.session, me(), study, guid, **change)
    except NotFound:
        abort(404)
    except Refused as error:
        home = workspace.document_of(db.session, study, me(), guid)
        return render_document(study, home, error.message, 400)
    flash("Memo saved." if memo is not None else "Distressing mark changed.")
    return redirect(_back(slug, document), code=303)


@bp.post("/<slug>/preferences/distressing", endpoint="collapse_distressing")
@login_required
def collapse_distressing(slug: str):
    """Choose whether passages marked distressing are collapsed behind a note for me."""
    study = study_or_404(slug)
    collapse = request.form.get("collapse") == "yes"
    workspace.set_collapse(db.session, me(), study, collapse)
    flash(
        "Distressing passages are now collapsed behind a note."
        if collapse
        else "Distressing passages are now shown."
    )
    back = local_next(slug, request.form.get("next"), url_for("coding.documents", slug=slug))
    return redirect(back, code=303)
