"""Analysis views: the code-suggestion queue of the signed-in person, and accepting or rejecting.

Suggestions are trained on the person's own codings of one question and
shown only to them. Nothing is applied to text until they press Accept,
which needs the `code` permission and makes one undoable coding.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from survey.extensions import db
from survey.services import permissions
from survey.services.analysis import explorer, suggestions
from survey.services.analysis.jobs import JobError
from survey.services.coding import reading
from survey.services.coding.errors import NotFound, Refused
from survey.web.analysis.access import may, me, study_or_404
from survey.web.analysis.blueprint import bp


@bp.get("/<slug>/suggestions", endpoint="suggestions")
@login_required
def suggestions_page(slug: str):
    """Let the person choose a free-text question to get code suggestions for."""
    study = study_or_404(slug)
    return render_template(
        "analysis/suggestions.html",
        here="analysis.suggestions",
        study=study,
        questions=explorer.questions(db.session, study),
    )


def _label(study, item_id: str) -> str:
    try:
        return suggestions.question_label(db.session, study, item_id)
    except NotFound:
        abort(404)


@bp.get("/<slug>/suggestions/<item_id>", endpoint="suggestions_item")
@login_required
def suggestions_item(slug: str, item_id: str):
    """Show the person's suggestion job for a question: progress, scores and open suggestions."""
    study = study_or_404(slug)
    label = _label(study, item_id)
    found = suggestions.queue(db.session, study, me(), item_id)
    if found.open:
        reading.record_view(db.session, me(), study, "suggestions", texts=len(found.open))
    return render_template(
        "analysis/suggestions_item.html",
        here="analysis.suggestions",
        study=study,
        item_id=item_id,
        label=label,
        queue=found,
        may_code=may(permissions.CODE, study),
    )


@bp.post("/<slug>/suggestions/<item_id>/train", endpoint="suggestions_train")
@login_required
def suggestions_train(slug: str, item_id: str):
    """Start training on the person's codings of the question; come back to its page."""
    study = study_or_404(slug, permissions.CODE)
    _label(study, item_id)
    try:
        suggestions.start_training(db.session, study, me(), item_id)
    except JobError as error:
        flash(error.message)
    return redirect(url_for("analysis.suggestions_item", slug=slug, item_id=item_id))


def _decide(slug: str, item_id: str, suggestion_id: str, accept: bool):
    study = study_or_404(slug, permissions.CODE)
    decide = suggestions.accept if accept else suggestions.reject
    try:
        done = decide(db.session, study, me(), suggestion_id)
    except NotFound:
        abort(404)
    except Refused as error:
        flash(error.message)
        done = False
    if done:
        flash("Code applied to the answer." if accept else "Suggestion rejected.")
    target = url_for("analysis.suggestions_item", slug=slug, item_id=item_id)
    return redirect(target + "#queue")


@bp.post("/<slug>/suggestions/<item_id>/<suggestion_id>/accept", endpoint="suggestion_accept")
@login_required
def suggestion_accept(slug: str, item_id: str, suggestion_id: str):
    """Apply the suggested code to the whole answer as the person's own coding."""
    return _decide(slug, item_id, suggestion_id, accept=True)


@bp.post("/<slug>/suggestions/<item_id>/<suggestion_id>/reject", endpoint="suggestion_reject")
@login_required
def suggestion_reject(slug: str, item_id: str, suggestion_id: str):
    """Mark the suggestion rejected; nothing is applied."""
    return _decide(slug, item_id, suggestion_id, accept=False)
