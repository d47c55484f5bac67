"""Coding views: the workspace overview of a study (questions with documents, counts)."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from survey.extensions import db
from survey.services.coding import coders, demo, documents
from survey.web.coding.access import me, study_or_404
from survey.web.coding.blueprint import bp


@bp.get("/<slug>", endpoint="overview")
@login_required
def overview(slug: str):
    """List the questions whose answers are documents to code, with counts."""
    study = study_or_404(slug)
    visible = coders.visible_coder_ids(db.session, study, me())
    return render_template(
        "coding/overview.html",
        here="coding.overview",
        study=study,
        questions=documents.questions(db.session, study),
        coded=documents.coded_document_count(db.session, study, visible),
        coded_by_all=visible is None,
        settings=coders.settings_for(db.session, study),
        lead=coders.is_lead(db.session, me(), study),
        synthetic=demo.NOTE if demo.is_synthetic(study) else None,
    )
