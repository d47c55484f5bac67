"""The analysis overview: which questions a study has and what can be done with each."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from survey.extensions import db
from survey.services.analysis import overview_view
from survey.web.analysis.access import study_or_404
from survey.web.analysis.blueprint import bp


@bp.get("/<slug>", endpoint="overview")
@login_required
def overview_page(slug: str):
    """List the closed questions (descriptives) and the free text (words, topics) of a study."""
    study = study_or_404(slug)
    found = overview_view.overview(db.session, study)
    return render_template(
        "analysis/overview.html", here="analysis.overview", study=study, found=found
    )
