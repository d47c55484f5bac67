"""From the landing page to consent: who runs it, safety, consent or a kind "no"."""

from __future__ import annotations

from flask import current_app, request, session

from survey.extensions import db
from survey.services import navigation, responses, submit_keys
from survey.services.receipt import receipt_for
from survey.web.respond.blueprint import bp
from survey.web.respond.context import render, to, to_step, visit


@bp.get("/s/<slug>")
def landing(slug: str):
    """Show who runs the study, why, how long, and what is and is not stored."""
    visit_ = visit(slug, must_be_open=False)
    if not visit_.study.is_open:
        return render("closed.html", visit_, status=410)
    receipt = receipt_for(
        visit_.study,
        visit_.instrument,
        session_idle_days=current_app.config["HEARD_SESSION_IDLE_DAYS"],
    )
    return render("landing.html", visit_, receipt=receipt, started=bool(session.get("response")))


@bp.post("/s/<slug>/start")
def start(slug: str):
    """Keep the chosen language and go on to the safety page (first time) or consent."""
    visit_ = visit(slug)
    language = request.form.get("lang", "")
    if language in visit_.languages:
        session["lang"] = language
    if session.get("response"):
        return to("resume_here", visit_)
    return to("consent" if session.get("safety_seen") else "safety", visit_)


@bp.route("/s/<slug>/safety", methods=["GET", "POST"])
def safety(slug: str):
    """Explain quick exit and browsing safety, once."""
    visit_ = visit(slug)
    if request.method == "POST":
        session["safety_seen"] = True
        return to("consent", visit_)
    return render("safety.html", visit_)


@bp.route("/s/<slug>/consent", methods=["GET", "POST"])
def consent(slug: str):
    """Ask for informed consent; agreeing starts a response, declining leads to support."""
    visit_ = visit(slug)
    if request.method == "GET":
        return render("consent.html", visit_)
    if request.form.get("choice") != "agree":
        return to("declined", visit_)
    if not session.get("response"):
        session["response"] = responses.start_response(db.session, visit_.study, visit_.language)
        session["consented"] = True
        session.pop("submitted", None)
        submit_keys.forget(session)  # a key of an earlier response must not send this one
    return to("resume_here", visit_)


@bp.get("/s/<slug>/declined")
def declined(slug: str):
    """Thank the person kindly and show where to get help."""
    return render("declined.html", visit(slug, must_be_open=False))


@bp.get("/s/<slug>/continue")
def resume_here(slug: str):
    """Go to where this session's response left off."""
    visit_ = visit(slug)
    response = responses.live_response(db.session, session.get("response"), visit_.study)
    if response.last_page == "check":
        return to("check", visit_)
    saved = navigation.step_of_token(visit_.instrument, response.last_page)
    return to_step(visit_, saved or navigation.next_step(visit_.instrument, None, {}))
