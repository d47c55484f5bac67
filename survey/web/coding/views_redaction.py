"""Coding views: the data steward's review of redactions (raw text; stewards and admins only).

Everyone else, coders included, gets the same 404 as a study that does not
exist: raw text is the steward's. Each view of a document's raw text is
recorded (who, which document, when; never the content). Reading writes
nothing else: proposals never stored are shown computed and stored by the
first decision.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from coding.redaction import KINDS
from survey.extensions import db
from survey.models import Study
from survey.services import permissions
from survey.services.coding import reading, redaction_review
from survey.services.coding.errors import NotFound, Refused
from survey.web.coding.access import counted, me, study_or_404
from survey.web.coding.blueprint import bp


def _study(slug: str) -> Study:
    return study_or_404(slug, permissions.REDACT)


def _page_number() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and len(page) < 7 else 1


@bp.get("/<slug>/redaction", endpoint="redaction")
@login_required
def redaction_list(slug: str):
    """List the study's documents with their spans by status and whether each is reviewed."""
    study = _study(slug)
    only = request.args.get("show") == "unreviewed"
    listing = redaction_review.review_list(
        db.session, study, only_unreviewed=only, page=_page_number()
    )
    return render_template(
        "coding/redaction.html", here="coding.redaction", study=study, listing=listing
    )


def render_review(
    study: Study, guid: str, error: str | None = None, status: int = 200, about="add-h", **typed
):
    """Render a document's review page (recording the view of its raw text)."""
    try:
        page = redaction_review.review_page(db.session, study, guid)
    except NotFound:
        abort(404)
    reading.record_view(db.session, me(), study, "raw_text", page.document)
    html = render_template(
        "coding/redaction_document.html",
        here="coding.redaction",
        study=study,
        page=page,
        kinds=KINDS,
        error=error,
        error_about=about,
        typed=typed,
        counted=counted,
    )
    return html, status


@bp.get("/<slug>/redaction/<guid>", endpoint="redaction_document")
@login_required
def redaction_document(slug: str, guid: str):
    """Show a document's raw text with every span marked, the spans, and the coders' view."""
    return render_review(_study(slug), guid)


def _back(slug: str, guid: str, anchor: str = "spans"):
    return redirect(
        url_for("coding.redaction_document", slug=slug, guid=guid, _anchor=anchor), code=303
    )


@bp.post("/<slug>/redaction/<guid>/add", endpoint="redaction_add")
@login_required
def redaction_add(slug: str, guid: str):
    """Hide typed words (the first or every occurrence) or a span given by offsets."""
    study = _study(slug)
    typed = {k: request.form.get(k, "") for k in ("how", "words", "start", "end", "kind")}
    form = redaction_review.AddForm(
        **typed, every=request.form.get("occurrences") == "all"
    )  # fmt: skip
    try:
        added = redaction_review.add_spans(db.session, me(), study, guid, form)
    except NotFound:
        abort(404)
    except Refused as refused:
        return render_review(study, guid, refused.message, 400, every=form.every, **typed)
    message = f"Hidden: {counted(added.added, 'new span')}."
    if added.already:
        message += f" {counted(added.already, 'occurrence')} already hidden."
    flash(message)
    return _back(slug, guid)


@bp.post("/<slug>/redaction/<guid>/reviewed", endpoint="redaction_reviewed")
@login_required
def redaction_reviewed(slug: str, guid: str):
    """Mark the document reviewed, or reopen it."""
    study = _study(slug)
    reviewed = request.form.get("reviewed") == "on"
    try:
        redaction_review.set_reviewed(db.session, me(), study, guid, reviewed)
    except NotFound:
        abort(404)
    flash("Marked reviewed." if reviewed else "Reopened for review.")
    return _back(slug, guid, "reviewed")


@bp.post("/<slug>/redaction/<guid>/accept-all", endpoint="redaction_accept_all")
@login_required
def redaction_accept_all(slug: str, guid: str):
    """Accept every proposal of the document still undecided."""
    study = _study(slug)
    try:
        accepted = redaction_review.accept_all(db.session, me(), study, guid)
    except NotFound:
        abort(404)
    flash(f"Accepted: {counted(accepted, 'proposal')}.")
    return _back(slug, guid)


@bp.post("/<slug>/redaction/<guid>/<span>", endpoint="redaction_decide")
@login_required
def redaction_decide(slug: str, guid: str, span: str):
    """Accept or reject one span, or change its kind."""
    study = _study(slug)
    action, kind = request.form.get("action", ""), request.form.get("kind", "")
    try:
        found = redaction_review.decide(db.session, me(), study, guid, span, action, kind)
    except NotFound:
        abort(404)
    except Refused as refused:
        return render_review(study, guid, refused.message, 400, about="spans")
    flash(f"Span {found.start}–{found.end}: {found.status}, {found.kind.replace('_', ' ')}.")
    return _back(slug, guid)
