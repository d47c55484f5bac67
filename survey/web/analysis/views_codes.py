"""Codes by a respondent attribute: respondents per code and answer to one closed question.

Every count passes through disclosure control with the study's threshold;
the CSV download is the same suppressed table (hidden counts left empty).
"""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import login_required

from survey.extensions import db
from survey.services.analysis import codes_view
from survey.web.analysis.access import me, study_or_404
from survey.web.analysis.blueprint import bp


def _table(study, by: str) -> codes_view.SuppressedTable | None:
    """Return the table by `by`, None when nothing is asked; 404 for an unknown question."""
    if not by:
        return None
    try:
        return codes_view.code_attribute_table(db.session, study, by, me())
    except codes_view.QuestionNotFound:
        abort(404)


@bp.get("/<slug>/codes", endpoint="codes")
@login_required
def codes_page(slug: str):
    """Show how many respondents have each code, by the answer to the question `by`."""
    study = study_or_404(slug)
    by = request.args.get("by", "")
    return render_template(
        "analysis/codes.html", here="analysis.codes", study=study, by=by,
        questions=codes_view.attribute_questions(study), table=_table(study, by),
    )  # fmt: skip


@bp.get("/<slug>/codes.csv", endpoint="codes_csv")
@login_required
def codes_csv(slug: str):
    """Download the suppressed table by `by` as CSV (hidden counts are empty cells)."""
    study = study_or_404(slug)
    by = request.args.get("by", "")
    table = _table(study, by)
    if table is None or table.withheld or not table.row_labels:
        return redirect(url_for("analysis.codes", slug=slug, by=by or None))
    name = f"codes-by-{by}-{study.slug}.csv"
    return Response(
        codes_view.table_csv(table), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )  # fmt: skip
