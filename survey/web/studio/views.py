"""Studio views (being built): the list of studies a person may see."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from survey.extensions import db
from survey.services import permissions, studio
from survey.web.studio.blueprint import bp


@bp.get("/")
@login_required
def index():
    """List the studies this person may see, with their counts."""
    studies = permissions.visible_studies(db.session, current_user)
    rows = [(s, studio.counts(db.session, s)) for s in studies]
    return render_template("studio/index.html", rows=rows, shown_count=studio.shown_count)
