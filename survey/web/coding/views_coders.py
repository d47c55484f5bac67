"""Coding views for the lead: the coders of a study, blind mode and reveal."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from survey.extensions import db
from survey.models import Study
from survey.services import permissions
from survey.services.coding import blind, coders
from survey.services.coding.errors import Refused
from survey.web.coding.access import me, study_or_404
from survey.web.coding.blueprint import bp

SWITCH = {"on": True, "off": False}
BLIND_SAID = {
    True: "Blind mode is on: each coder now sees only their own codings.",
    False: "Blind mode is off: every coder sees everyone’s codings.",
}
REVEAL_SAID = {
    True: "Everyone’s codings are revealed to every coder.",
    False: "Everyone’s codings are hidden again: each coder sees only their own.",
}


def _coders_page(study: Study, error: str | None = None, status: int = 200):
    page = render_template(
        "coding/coders.html",
        here="coding.coders",
        study=study,
        rows=blind.coder_rows(db.session, study),
        settings=coders.settings_for(db.session, study),
        changes=blind.changes(db.session, study),
        error=error,
    )
    return page, status


@bp.get("/<slug>/coders", endpoint="coders")
@login_required
def coders_page(slug: str):
    """List the study's coders with their counts, and the blind-mode setting."""
    return _coders_page(study_or_404(slug, permissions.LEAD_CODING))


@bp.post("/<slug>/coders/blind", endpoint="blind")
@login_required
def blind_switch(slug: str):
    """Turn blind mode on or off."""
    study = study_or_404(slug, permissions.LEAD_CODING)
    value = SWITCH.get(request.form.get("blind", ""))
    if value is None:
        abort(400)
    blind.set_blind(db.session, me(), study, value)
    flash(BLIND_SAID[value])
    return redirect(url_for("coding.coders", slug=study.slug), code=303)


@bp.post("/<slug>/coders/reveal", endpoint="reveal")
@login_required
def reveal(slug: str):
    """Reveal everyone's codings to every coder, or hide them again."""
    study = study_or_404(slug, permissions.LEAD_CODING)
    value = SWITCH.get(request.form.get("reveal", ""))
    if value is None:
        abort(400)
    try:
        blind.set_revealed(db.session, me(), study, value)
    except Refused as refused:
        return _coders_page(study, refused.message, 400)
    flash(REVEAL_SAID[value])
    return redirect(url_for("coding.coders", slug=study.slug), code=303)
