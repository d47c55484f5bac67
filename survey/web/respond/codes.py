"""Coming back with a saved phrase, and withdrawing with the code from the end page."""

from __future__ import annotations

from flask import request, session

from survey.extensions import db
from survey.services import responses, submit_keys
from survey.services.errors import PhraseNotFound, TooManyAttempts
from survey.services.messages import N_, Message
from survey.web.respond.blueprint import bp
from survey.web.respond.context import (
    count_session_failure,
    phrase_limits,
    render,
    session_failures_exceeded,
    to,
    visit,
)

FIELD_ID = "phrase"


def _phrase_error(error: Exception) -> Message:
    if isinstance(error, TooManyAttempts) or session_failures_exceeded():
        return N_(
            "That phrase has been tried too many times. Your answers are safe. "
            "Please wait about 15 minutes and try again."
        )
    return N_(
        "We could not find answers for that phrase. Check each word and try again. "
        "Capital letters and extra spaces do not matter."
    )


@bp.route("/s/<slug>/resume", methods=["GET", "POST"])
def resume(slug: str):
    """Let someone type their phrase to carry on where they saved."""
    visit_ = visit(slug)
    if not visit_.study.resume_enabled:
        return render("no_resume.html", visit_, status=404)
    if request.method == "GET":
        return render("resume.html", visit_, error=None)
    try:
        if session_failures_exceeded():
            raise TooManyAttempts("session")
        response = responses.resume(
            db.session, visit_.study, request.form.get(FIELD_ID, ""), phrase_limits()
        )
    except (PhraseNotFound, TooManyAttempts) as error:
        count_session_failure()
        status = 429 if isinstance(error, TooManyAttempts) else 400
        return render("resume.html", visit_, status=status, error=_phrase_error(error))
    session.update(response=response.id, lang=response.language, consented=True, safety_seen=True)
    session.pop("failures", None)
    submit_keys.forget(session)
    return to("resume_here", visit_)


@bp.route("/s/<slug>/withdraw", methods=["GET", "POST"])
def withdraw(slug: str):
    """Delete a submitted response, everywhere, with the code shown at the end."""
    visit_ = visit(slug, must_be_open=False)
    if request.method == "GET":
        return render("withdraw.html", visit_, error=None)
    if request.form.get("confirm") != "yes":
        return render("withdraw.html", visit_, status=400, error=N_("Tick the box to confirm."))
    try:
        if session_failures_exceeded():
            raise TooManyAttempts("session")
        responses.withdraw(
            db.session, visit_.study, request.form.get(FIELD_ID, ""), phrase_limits()
        )
    except (PhraseNotFound, TooManyAttempts) as error:
        count_session_failure()
        status = 429 if isinstance(error, TooManyAttempts) else 400
        return render("withdraw.html", visit_, status=status, error=_phrase_error(error))
    session.pop("failures", None)
    return render("withdrawn.html", visit_)
