"""Studio views: the versions a study published, and what changed between two of them."""

from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from survey.extensions import db
from survey.services import versions as published
from survey.web.studio.access import study_or_404
from survey.web.studio.blueprint import bp


@bp.get("/studies/<slug>/versions")
@login_required
def versions(slug: str):
    """List the published versions and compare two (?old=1&new=2, or new=draft)."""
    study = study_or_404(slug)
    pair = published.default_pair(db.session, study)
    old = request.args.get("old") or (pair[0] if pair else "")
    new = request.args.get("new") or (pair[1] if pair else "")
    comparison, problem, status = None, None, 200
    if old and new:
        try:
            comparison = published.compare(db.session, study, old, new)
        except published.VersionUnknown:
            problem = "There is no such version to compare (or the draft does not load)."
            status = 404
    page = render_template(
        "studio/versions.html",
        here="versions",
        study=study,
        history=published.history(db.session, study),
        comparison=comparison,
        problem=problem,
        old=old,
        new=new,
        has_draft=study.draft_source is not None,
    )
    return page, status
