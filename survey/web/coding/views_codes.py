"""Coding views: every code with its counts, and the code view (its segments in context)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import login_required

from survey.extensions import db
from survey.services.coding import code_view, documents, reading
from survey.services.coding.errors import NotFound
from survey.web.coding.access import me, study_or_404
from survey.web.coding.blueprint import bp


@bp.get("/<slug>/codes", endpoint="codes")
@login_required
def codes(slug: str):
    """List every code in tree order with its segments, documents and cases, per coder."""
    study = study_or_404(slug)
    counts, coders = code_view.code_counts(db.session, study, me())
    return render_template(
        "coding/codes.html", here="coding.codes", study=study, counts=counts, coders=coders
    )


@bp.get("/<slug>/codes/<guid>", endpoint="code_view")
@login_required
def code_page(slug: str, guid: str):
    """Show every segment of one code that I may see, in context, with counts."""
    study = study_or_404(slug)
    chosen = code_view.SegmentFilter(
        coder=request.args.get("coder") or None,
        question=request.args.get("question") or None,
        page=request.args.get("page", type=int) or 1,
    )
    try:
        code = code_view.code_of(db.session, study, guid)
        found = code_view.code_segments(db.session, study, me(), code, chosen)
    except NotFound:
        abort(404)
    reading.record_view(db.session, me(), study, "code", code, shown=len(found.lines))
    return render_template(
        "coding/code_view.html",
        here="coding.codes",
        study=study,
        code=code,
        path=code_view.path_of(db.session, study, code),
        found=found,
        chosen=chosen,
        coders=code_view.visible_coders(db.session, study, me()),
        questions=documents.questions(db.session, study),
    )
