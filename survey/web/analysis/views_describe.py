"""Descriptives pages: frequencies of a closed question, and a crosstab by a second one."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import login_required
from markupsafe import Markup

from survey.extensions import db
from survey.services.analysis import describe_view
from survey.web.analysis.access import study_or_404
from survey.web.analysis.blueprint import bp


@bp.get("/<slug>/describe", endpoint="describe")
@login_required
def describe_index(slug: str):
    """List the study's closed questions, each linking to its descriptives."""
    study = study_or_404(slug)
    questions = describe_view.closed_questions(study)
    return render_template(
        "analysis/describe.html", here="analysis.describe", study=study, questions=questions,
        found=None,
    )  # fmt: skip


@bp.get("/<slug>/describe/<item_id>", endpoint="describe_item")
@login_required
def describe_item(slug: str, item_id: str):
    """Show the frequencies of one closed question, with a crosstab by `by` if asked."""
    study = study_or_404(slug)
    if describe_view.is_free_text(study, item_id):
        return render_template(
            "analysis/describe.html", here="analysis.describe", study=study, questions=[],
            found=None, free_text=item_id,
        )  # fmt: skip
    by = request.args.get("by") or None
    try:
        found = describe_view.describe(db.session, study, item_id, by)
    except describe_view.ItemNotFound:
        abort(404)
    # Reviewed (bandit B704, semgrep): analysis.charts escapes every label and value of the
    # SVG (tests/analysis/test_charts.py); Markup only stops Jinja escaping it a second time.
    # nosemgrep: heard-markup-non-literal
    chart = Markup(found.table.chart)  # noqa: S704  # nosec B704
    return render_template(
        "analysis/describe.html", here="analysis.describe", study=study, found=found,
        chart=chart, questions=describe_view.closed_questions(study),
    )  # fmt: skip
