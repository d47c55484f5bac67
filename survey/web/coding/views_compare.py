"""Coding views for the lead: compare coders per code and answer, and reconcile into consensus."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from survey.extensions import db
from survey.models import Study
from survey.services import permissions
from survey.services.coding import blind, compare, documents, reading
from survey.services.coding.errors import NotFound, Refused
from survey.web.coding.access import me, study_or_404
from survey.web.coding.blueprint import bp


def _lead_study(slug: str) -> Study:
    return study_or_404(slug, permissions.LEAD_CODING)


@bp.get("/<slug>/compare", endpoint="compare")
@login_required
def compare_page(slug: str):
    """Show per code where the coders differ; without a code, a summary of every code."""
    study = _lead_study(slug)
    code_guid, question = request.args.get("code"), request.args.get("question") or None
    only = request.args.get("only") == "disagreements"
    try:
        code = compare.code_of(db.session, study, code_guid) if code_guid else None
    except NotFound:
        abort(404)
    found = compare.compare_code(db.session, study, me(), code, question, only) if code else []
    if found:
        reading.record_view(db.session, me(), study, "compare", code, documents=len(found))
    return render_template(
        "coding/compare.html",
        here="coding.compare",
        study=study,
        code=code,
        question=question,
        only=only,
        codes=compare.codable(db.session, study),
        questions=documents.questions(db.session, study),
        coders=blind.compared_coders(db.session, study, me()),
        summary=None if code else compare.summary(db.session, study, me(), question),
        found=found,
        collapse=blind.collapses(db.session, study, me()),
    )


def _document_page(study: Study, guid: str, code_guid: str | None, error=None, take=None):
    try:
        document = documents.document(db.session, study, guid)
        code = compare.code_of(db.session, study, code_guid) if code_guid else None
    except NotFound:
        abort(404)
    found = compare.compare_document(db.session, study, me(), document, code) if code else None
    if found is not None:  # without a code the page shows no words of the answer
        reading.record_view(db.session, me(), study, "compare_document", document)
    page = render_template(
        "coding/compare.html",
        here="coding.compare",
        study=study,
        document=document,
        code=code,
        found=found,
        codes=compare.codes_in_document(db.session, study, me(), document),
        choices=compare.choices(found) if found else [],
        collapse=blind.collapses(db.session, study, me()),
        error=error,
        take=take,
    )
    return page, 400 if error else 200


@bp.get("/<slug>/compare/<guid>", endpoint="compare_document")
@login_required
def compare_document(slug: str, guid: str):
    """Show one answer with each coder's spans of a code marked, and the ways to reconcile."""
    return _document_page(_lead_study(slug), guid, request.args.get("code"))


@bp.post("/<slug>/compare/<guid>", endpoint="reconcile")
@login_required
def reconcile(slug: str, guid: str):
    """Make the consensus coding of one code in one answer from the chosen coding."""
    study = _lead_study(slug)
    code_guid, take = request.form.get("code", ""), request.form.get("take", "")
    try:
        changed = compare.reconcile(db.session, me(), study, guid, code_guid, take)
    except NotFound:
        abort(404)
    except Refused as refused:
        return _document_page(study, guid, code_guid, refused.message, take)
    flash(
        "The consensus is saved." if changed else "The consensus was already so: nothing changed."
    )
    target = url_for("coding.compare_document", slug=study.slug, guid=guid, code=code_guid)
    return redirect(target, code=303)


@bp.post("/<slug>/compare/agreed", endpoint="accept_agreed")
@login_required
def accept_agreed(slug: str):
    """Copy a code into the consensus in every answer where all its coders agree."""
    study = _lead_study(slug)
    code_guid, question = request.form.get("code", ""), request.form.get("question") or None
    try:
        changed = compare.accept_agreed(db.session, me(), study, code_guid, question)
    except NotFound:
        abort(404)
    flash(
        f"The consensus now holds the agreed coding of {changed} more answer"
        f"{'' if changed == 1 else 's'}."
    )
    target = url_for("coding.compare", slug=study.slug, code=code_guid, question=question)
    return redirect(target, code=303)
