"""Question pages, section openings, "Check your answers" and the final submit.

Respondent URLs name a step by its position (``/s/<slug>/p/3``), never by its
key: browser history keeps every address, and a key would say what was asked.
"""

from __future__ import annotations

from flask import abort, current_app, request, session

from survey.extensions import db
from survey.services import navigation, quotes, responses, submit_keys
from survey.services.answers import form_values, read_page
from survey.services.errors import AlreadySubmitted, ResponseNotFound
from survey.services.receipt import receipt_for
from survey.services.review import review_rows
from survey.web.respond.blueprint import bp
from survey.web.respond.context import Visit, render, to, to_step, visit

ACTIONS = ("continue", "back", "save", "skip")


def _response_id(visit_: Visit) -> str:
    response = responses.live_response(db.session, session.get("response"), visit_.study)
    return response.id


def _step(visit_: Visit, kind: str, n: str) -> navigation.Step:
    step = navigation.step_at(visit_.instrument, kind, n)
    if step is None:
        abort(404)
    return step


def _form() -> dict[str, list[str]]:
    return {name: request.form.getlist(name) for name in request.form}


@bp.route("/s/<slug>/p/<n>", methods=["GET", "POST"])
def page(slug: str, n: str):
    """Show one question page, or keep its answers and move on, back or save."""
    visit_ = visit(slug)
    response_id = _response_id(visit_)
    step = _step(visit_, navigation.PAGE, n)
    answers = responses.stored_answers(db.session, response_id)
    seen = responses.condition_values(answers)
    items = navigation.visible_items(step.page, seen)
    if not items:  # reached by a stale link: this page is not on the path now
        return to_step(visit_, navigation.next_step(visit_.instrument, step, seen))
    if request.method == "GET":
        return _render_page(visit_, step, items, form_values(items, answers), {})
    action = request.form.get("action", "continue")
    posted = read_page(items, _form())
    if posted.errors:
        return _render_page(visit_, step, items, _form(), posted.errors, status=400)
    hidden = {
        item.id: responses.Stored(code="not_shown")
        for item in step.page.items
        if item.answerable and item not in items
    }
    seen.update(responses.condition_values(posted.answers))
    target = _target(visit_, step, action, seen)
    token = target.token if target is not None else "check"
    responses.save_page(db.session, response_id, {**hidden, **posted.answers}, token)
    if action == "save":
        return _save_for_later(visit_, response_id)
    return to_step(visit_, target, "consent" if action == "back" else "check")


def _target(
    visit_: Visit, step: navigation.Step, action: str, seen: dict
) -> navigation.Step | None:
    if action == "back":
        return navigation.previous_step(visit_.instrument, step, seen)
    if request.args.get("from") == "check" or action == "save":
        return step if action == "save" else None
    return navigation.next_step(visit_.instrument, step, seen)


def _render_page(visit_: Visit, step, items, values, errors, status: int = 200):
    return render(
        "page.html",
        visit_,
        status=status,
        step=step,
        items=items,
        values=values,
        errors=errors,
        from_check=request.args.get("from") == "check",
        resume_enabled=visit_.study.resume_enabled,
    )


@bp.route("/s/<slug>/section/<n>", methods=["GET", "POST"])
def section(slug: str, n: str):
    """Open a sensitive section with its content note, and offer to skip it."""
    visit_ = visit(slug)
    response_id = _response_id(visit_)
    step = _step(visit_, navigation.SECTION, n)
    seen = responses.condition_values(responses.stored_answers(db.session, response_id))
    if not navigation.is_visible(visit_.instrument, step, seen):
        # Not on this person's path (its condition is false, or none of its questions
        # is shown): like a question page, go on to the next step, showing nothing of it.
        return to_step(visit_, navigation.next_step(visit_.instrument, step, seen))
    if request.method == "GET":
        return render("section.html", visit_, step=step)
    action = request.form.get("action", "continue")
    if action == "skip":
        target = navigation.section_after(visit_.instrument, step.section, seen)
        responses.skip_section(
            db.session, response_id, step.section, target.token if target else "check"
        )
        return to_step(visit_, target)
    if action == "back":
        return to_step(visit_, navigation.previous_step(visit_.instrument, step, seen), "consent")
    return to_step(visit_, navigation.next_step(visit_.instrument, step, seen))


def _save_for_later(visit_: Visit, response_id: str):
    if not visit_.study.resume_enabled:
        abort(404)
    phrase = responses.save_for_later(
        db.session, response_id, visit_.study, current_app.config["SECRET_KEY"]
    )
    session.pop("response", None)
    submit_keys.forget(session)
    return render("saved.html", visit_, phrase=phrase)


@bp.route("/s/<slug>/check", methods=["GET", "POST"])
def check(slug: str):
    """Show every answer with a link to change it; submitting ends with a withdrawal code.

    The page carries a one-time submit key (`services.submit_keys`), kept in
    the server-side session, so the same post repeated after a lost reply
    shows the same withdrawal phrase again.
    """
    visit_ = visit(slug)
    try:
        response_id = _response_id(visit_)
    except AlreadySubmitted:
        return _done_again(visit_)
    except ResponseNotFound:
        if session.get("submitted"):
            return render("already_submitted.html", visit_)
        raise
    if request.method == "GET":
        answers = responses.stored_answers(db.session, response_id)
        rows = review_rows(visit_.instrument, answers, visit_.language)
        return render("check.html", visit_, rows=rows, submit_key=submit_keys.issue(session))
    key = submit_keys.accepted(session, request.form.get(submit_keys.FIELD))
    if key is None:  # not the form of the last "Check your answers" shown: show this draft first
        return to("check", visit_)
    secret = current_app.config["SECRET_KEY"]
    choice = request.form.get(quotes.FIELD)
    try:
        phrase = responses.submit(
            db.session,
            response_id,
            visit_.instrument,
            secret,
            quote_choice=choice,
            phrase=submit_keys.phrase_for(secret, response_id, key),
        )
    except AlreadySubmitted:
        return _done_again(visit_)
    return _done(visit_, phrase, quotes.no_quotes_for(visit_.instrument, choice))


def _done_again(visit_: Visit):
    """Show the withdrawal phrase again for a repeated submit, or say it was already sent."""
    posted = request.form.get(submit_keys.FIELD) if request.method == "POST" else None
    secret = current_app.config["SECRET_KEY"]
    shown = submit_keys.shown_again(db.session, visit_.study, session, posted, secret)
    if shown is None:
        return render("already_submitted.html", visit_)
    return _done(visit_, shown.phrase, shown.no_quotes)


def _done(visit_: Visit, phrase: str, no_quotes: bool):
    session.pop("response", None)
    submit_keys.forget(session)
    session["submitted"] = True
    receipt = receipt_for(
        visit_.study,
        visit_.instrument,
        session_idle_days=current_app.config["HEARD_SESSION_IDLE_DAYS"],
    )
    return render("done.html", visit_, phrase=phrase, receipt=receipt, no_quotes=no_quotes)
