"""Studio views: edit the instrument's YAML (kept as a draft, problems beside their lines)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from survey.extensions import db
from survey.services import permissions, studio
from survey.services.listing import listing
from survey.web.studio.access import me, study_or_404
from survey.web.studio.blueprint import bp


@bp.route("/studies/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Show the draft with every problem under its line; saving keeps it even when invalid."""
    study = study_or_404(slug, permissions.EDIT)
    if request.method == "POST":
        report = studio.save_draft(db.session, me(), study, request.form.get("source", ""))
        flash(_saved_message(report))
        return redirect(url_for("studio.edit", slug=study.slug), code=303)
    source = studio.draft_source(study)
    report = studio.check_source(source, filename=f"{study.slug}.yaml")
    return render_template(
        "studio/edit.html",
        here="edit",
        study=study,
        source=source,
        listing=listing(source, report),
        blockers=studio.publish_blockers(study, report),
        has_draft=study.draft_source is not None,
    )


def _saved_message(report: studio.DraftReport) -> str:
    if report.instrument is None:
        return "Draft saved. It does not load yet: the problems are beside their lines below."
    if report.publishable:
        return "Draft saved. It loads and nothing stops it being published."
    return "Draft saved. It loads; what stands in the way of publishing is listed below."


@bp.post("/studies/<slug>/discard")
@login_required
def discard_draft(slug: str):
    """Throw the draft away; the published version stays as it is."""
    study = study_or_404(slug, permissions.EDIT)
    studio.discard_draft(db.session, me(), study)
    flash("Draft discarded.")
    return redirect(url_for("studio.overview", slug=study.slug), code=303)
