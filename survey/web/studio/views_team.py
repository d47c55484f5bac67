"""Studio views: a study's team (add an existing staff account by email, remove a member)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from survey.extensions import db
from survey.models import Study
from survey.services import permissions, team
from survey.web.studio.access import me, study_or_404
from survey.web.studio.blueprint import bp

PROBLEMS = {
    team.NoSuchAccount: "There is no active staff account with that email address. An "
    "administrator can create one.",
    team.AlreadyMember: "That person is on the team already.",
    team.NotMember: "That person is not on the team.",
    team.LastManager: "Someone on the team must be able to manage it: add another researcher "
    "first.",
}


def _team_page(study: Study, error: str | None = None, email: str = "", status: int = 200):
    page = render_template(
        "studio/team.html",
        here="team",
        study=study,
        members=team.members(db.session, study),
        error=error,
        email=email,
    )
    return page, status


@bp.route("/studies/<slug>/team", methods=["GET", "POST"], endpoint="team")
@login_required
def team_page(slug: str):
    """List the team; posting an email address adds that staff account to it."""
    study = study_or_404(slug, permissions.MANAGE_TEAM)
    if request.method == "GET":
        return _team_page(study)
    email = request.form.get("email", "")
    try:
        added = team.add_member(db.session, me(), study, email)
    except team.TeamError as error:
        return _team_page(study, PROBLEMS[type(error)], email, 400)
    flash(f"{added.email} is on the team.")
    return redirect(url_for("studio.team", slug=study.slug), code=303)


@bp.post("/studies/<slug>/team/<public_id>/remove")
@login_required
def remove_member(slug: str, public_id: str):
    """Take someone off the team."""
    study = study_or_404(slug, permissions.MANAGE_TEAM)
    try:
        removed = team.remove_member(db.session, me(), study, public_id)
    except team.TeamError as error:
        return _team_page(study, PROBLEMS[type(error)], status=400)
    flash(f"{removed.email} is no longer on the team.")
    if not permissions.may(db.session, me(), permissions.VIEW, study):
        return redirect(url_for("studio.index"), code=303)
    return redirect(url_for("studio.team", slug=study.slug), code=303)
