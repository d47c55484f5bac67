"""Pause, stop, the distress-check script and support information, on every interview page."""

from __future__ import annotations

from flask import current_app, request
from flask_login import login_required

from survey.extensions import db
from survey.models.respondent import INTERVIEW_REASONS
from survey.services import interview
from survey.web.interview.blueprint import bp
from survey.web.interview.common import interview_or_404, render, support_list, to, to_step
from survey.web.staff_access import me

KEEP, DELETE = "keep", "delete"


@bp.post("/<slug>/<rid>/pause", endpoint="pause")
@login_required
def pause(slug: str, rid: str):
    """Pause with a reason: the answers saved so far are kept until someone resumes."""
    iv = interview_or_404(slug, rid)
    try:
        interview.pause(
            db.session,
            iv.study,
            rid,
            me(),
            request.form.get("reason"),
            current_app.config["SECRET_KEY"],
        )
    except interview.InterviewReasonInvalid:
        return render("reason_needed.html", iv.study, iv, status=400, action="pause")
    return to("index", slug)


@bp.route("/<slug>/<rid>/stop", methods=["GET", "POST"], endpoint="stop")
@login_required
def stop(slug: str, rid: str):
    """Ask whether to keep or delete the answers given so far (delete unless told), and stop."""
    iv = interview_or_404(slug, rid)
    reason = request.values.get("reason")
    if request.method == "GET":
        chosen = reason if reason in INTERVIEW_REASONS else None
        return render("stop.html", iv.study, iv, chosen=chosen)
    decision = request.form.get("answers", DELETE)
    if decision not in (KEEP, DELETE) or reason not in INTERVIEW_REASONS:
        return render("stop.html", iv.study, iv, status=400, chosen=None, error=True)
    phrase = interview.stop(
        db.session,
        iv.study,
        rid,
        me(),
        reason=reason,
        keep=decision == KEEP,
        instrument=iv.instrument,
        key=current_app.config["SECRET_KEY"],
    )
    support = support_list(iv.instrument, iv.study, iv.language)
    return render(
        "done.html", iv.study, iv, phrase=phrase, support=support, stopped=True, final=True
    )


@bp.route("/<slug>/<rid>/distress-check", methods=["GET", "POST"], endpoint="distress_check")
@login_required
def distress_check(slug: str, rid: str):
    """Show the distress-check script; opening it from a page (a POST) records the check."""
    iv = interview_or_404(slug, rid)
    if request.method == "POST":
        interview.distress_check(db.session, iv.study, rid, me())
        return to("distress_check", slug, rid=rid)
    return render("distress.html", iv.study, iv)


@bp.get("/<slug>/<rid>/continue", endpoint="go_on")
@login_required
def go_on(slug: str, rid: str):
    """Go back to the page the interview was on."""
    iv = interview_or_404(slug, rid)
    return to_step(iv, iv.response.last_page)


@bp.get("/<slug>/<rid>/support", endpoint="support")
@login_required
def support(slug: str, rid: str):
    """Show where the respondent can get help, large enough to read out."""
    iv = interview_or_404(slug, rid)
    return render(
        "support.html", iv.study, iv, support=support_list(iv.instrument, iv.study, iv.language)
    )
