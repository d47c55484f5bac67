"""Words in context: search the redacted answers for a word or phrase; frequent words and pairs."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import login_required

from survey.extensions import db
from survey.services.analysis import words_view
from survey.web.analysis.access import study_or_404
from survey.web.analysis.blueprint import bp


@bp.get("/<slug>/words", endpoint="words")
@login_required
def words_page(slug: str):
    """Show keyword-in-context hits for `q`, in one question and one filter if chosen."""
    study = study_or_404(slug)
    asked = words_view.Asked(
        q=request.args.get("q", ""),
        question=request.args.get("question", ""),
        where=request.args.get("where", ""),
    )
    try:
        found = words_view.words_page(db.session, study, asked)
    except words_view.QuestionNotFound:
        abort(404)
    status = 400 if found.search is not None and found.search.error else 200
    return render_template(
        "analysis/words.html", here="analysis.words", study=study, page=found
    ), status
