"""Coding views for the lead: the per-code agreement table, its default unit and CSV download."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from survey.extensions import db
from survey.models import Study
from survey.services import permissions
from survey.services.coding import blind, coders, reliability
from survey.services.coding.errors import NotFound, Refused
from survey.web.coding.access import me, study_or_404
from survey.web.coding.blueprint import bp

UNIT_WORDS = {"answer": "answers", "sentence": "sentences", "character": "characters"}


def _agreement_page(study: Study, unit: str | None, error: str | None = None):
    guids = request.args.getlist("coders")
    try:
        table = reliability.agreement(db.session, study, me(), unit, guids)
    except NotFound:
        abort(404)
    except Refused as refused:
        return _agreement_page(study, None, refused.message)
    page = render_template(
        "coding/agreement.html",
        here="coding.agreement",
        study=study,
        table=table,
        default_unit=coders.settings_for(db.session, study).unit,
        units=UNIT_WORDS,
        tentative=reliability.TENTATIVE,
        reliable=reliability.RELIABLE,
        error=error,
    )
    return page, 400 if error else 200


@bp.get("/<slug>/agreement", endpoint="agreement")
@login_required
def agreement(slug: str):
    """Show the per-code agreement of the chosen coders at the chosen unit."""
    study = study_or_404(slug, permissions.LEAD_CODING)
    return _agreement_page(study, request.args.get("unit") or None)


@bp.post("/<slug>/agreement/unit", endpoint="agreement_unit")
@login_required
def agreement_unit(slug: str):
    """Save the unit the agreement table uses by default."""
    study = study_or_404(slug, permissions.LEAD_CODING)
    unit = request.form.get("unit", "")
    try:
        blind.set_unit(db.session, me(), study, unit)
    except Refused as refused:
        return _agreement_page(study, None, refused.message)
    flash(f"The agreement table now compares {UNIT_WORDS[unit]} by default.")
    return redirect(url_for("coding.agreement", slug=study.slug), code=303)


@bp.get("/<slug>/agreement.csv", endpoint="agreement_csv")
@login_required
def agreement_csv(slug: str):
    """Download the agreement table as CSV."""
    study = study_or_404(slug, permissions.LEAD_CODING)
    unit, guids = request.args.get("unit") or None, request.args.getlist("coders")
    try:
        table = reliability.agreement(db.session, study, me(), unit, guids)
    except NotFound:
        abort(404)
    except Refused:
        abort(400)
    name = f"agreement-{study.slug}-{table.unit}.csv"
    return Response(
        reliability.table_csv(table),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
