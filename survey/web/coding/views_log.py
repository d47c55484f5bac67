"""Coding views: the coding log, undo, and memos on the study, a code or a document."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from survey.extensions import db
from survey.models import Study
from survey.services.coding import coders, history, memos, segments
from survey.services.coding.errors import ChangedSince, NotFound, NothingToUndo, Refused
from survey.web.coding.access import me, study_or_404
from survey.web.coding.blueprint import bp
from survey.web.coding.views_codebook import render_codebook
from survey.web.coding.views_documents import local_next, page_number, render_document

UNDO_PROBLEMS = {
    NothingToUndo: "You have no coding action left to undo.",
    ChangedSince: "That action cannot be undone: what it changed has been changed since "
    "(by you or someone else), or its code or answer is gone.",
}


def _log_page(study: Study, error: str | None = None, status: int = 200):
    everyone = coders.is_lead(db.session, me(), study)
    found = history.log_page(db.session, study, me(), everyone=everyone, page=page_number())
    page = render_template(
        "coding/log.html", here="coding.log", study=study, log=found, error=error
    )
    return page, status


@bp.get("/<slug>/log", endpoint="log")
@login_required
def coding_log(slug: str):
    """Show my recent coding actions (the lead: the whole study's), with Undo for the latest."""
    return _log_page(study_or_404(slug))


@bp.post("/<slug>/undo", endpoint="undo")
@login_required
def undo(slug: str):
    """Undo my latest coding action, then go back to where I was."""
    study = study_or_404(slug)
    back = local_next(slug, request.form.get("next"), url_for("coding.log", slug=slug))
    try:
        action = segments.undo_last(db.session, me(), study)
    except (NothingToUndo, ChangedSince) as error:
        return _log_page(study, UNDO_PROBLEMS[type(error)], 400)
    flash(f"Undone: {history.ACTIONS.get(action, action).lower()}.")
    return redirect(back, code=303)


def _memo_home(study: Study, target: str, guid: str | None) -> str:
    if target == "document" and guid:
        return url_for("coding.document", slug=study.slug, guid=guid)
    return url_for("coding.codebook", slug=study.slug)


@bp.post("/<slug>/memos", endpoint="memo")
@login_required
def memo(slug: str):
    """Save (or, empty, delete) my memo on the study, a code or a document."""
    study = study_or_404(slug)
    target, guid = request.form.get("target", ""), request.form.get("guid") or None
    if target not in memos.TARGETS:
        abort(404)
    try:
        kept = memos.save_memo(db.session, me(), study, target, guid, request.form.get("text", ""))
    except NotFound:
        abort(404)
    except Refused as error:
        if target == "document" and guid:
            return render_document(study, guid, error.message, 400, note=request.form["text"])
        return render_codebook(study, error.message, 400)
    flash("Memo saved." if kept else "Memo deleted.")
    back = local_next(slug, request.form.get("next"), _memo_home(study, target, guid))
    return redirect(back, code=303)
