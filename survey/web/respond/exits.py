"""Quick exit: end the server session and leave for a neutral site."""

from __future__ import annotations

from flask import make_response, redirect, request, session
from sqlalchemy import select

from survey.extensions import csrf, db
from survey.models import Study
from survey.services import responses
from survey.web.respond.blueprint import bp
from survey.web.respondent_view import exit_url


@bp.route("/x", methods=["GET", "POST"])
@csrf.exempt
def quick_exit():
    """End the session (discarding unsaved answers) and leave for the neutral exit URL.

    A GET is allowed on purpose: without JavaScript the exit button is a plain
    link, and leaving must work with one tap; it redirects. The script's
    beacon POSTs while the page itself leaves with location.replace, so a POST
    gets an empty 204. Either way it only ever destroys state.
    """
    slug = session.get("study")
    study = db.session.scalar(select(Study).where(Study.slug == slug)) if slug else None
    responses.discard_unsaved(db.session, session.get("response"))
    session.end()
    if request.method == "POST":
        response = make_response("", 204)
    else:
        response = redirect(exit_url(study), code=303)
    response.headers["Clear-Site-Data"] = '"cookies", "storage"'
    return response
