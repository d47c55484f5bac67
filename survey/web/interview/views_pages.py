"""The interview itself: consent read aloud, question pages, section openings, check and submit.

The pages reuse the respondent journey's services (navigation, reading a
page, saving it, submitting) and its question widgets, in a staff frame.
"""

from __future__ import annotations

from flask import abort, current_app, request
from flask_login import login_required

from survey.extensions import db
from survey.models.respondent import INTERVIEW_REASONS
from survey.services import interview, navigation, quotes, responses
from survey.services.answers import form_values, read_page
from survey.services.review import review_rows
from survey.web.interview.blueprint import bp
from survey.web.interview.common import (
    Interview,
    interface_words,
    interview_or_404,
    render,
    support_list,
    to,
)
from survey.web.staff_access import me


def _step(iv: Interview, kind: str, key: str) -> navigation.Step:
    step = navigation.find_step(iv.instrument, kind, key)
    if step is None:
        abort(404)
    return step


def _go(iv: Interview, step: navigation.Step | None):
    if step is None:
        return to("check", iv.study.slug, rid=iv.rid)
    return to(step.kind, iv.study.slug, rid=iv.rid, key=step.key)


def _seen(iv: Interview) -> dict:
    return responses.condition_values(responses.stored_answers(db.session, iv.rid))


@bp.route("/<slug>/<rid>/consent", methods=["GET", "POST"], endpoint="consent")
@login_required
def consent(slug: str, rid: str):
    """Show the consent to read aloud; record the respondent's answer."""
    iv = interview_or_404(slug, rid)
    if request.method == "GET":
        return render("consent.html", iv.study, iv)
    choice = request.form.get("consent")
    if choice == "agree":
        first = navigation.next_step(iv.instrument, None, _seen(iv))
        responses.save_page(db.session, rid, {}, first.token if first else "check")
        return _go(iv, first)
    if choice == "decline":
        interview.decline(db.session, iv.study, rid, me())
        support = support_list(iv.instrument, iv.study, iv.language)
        return render("declined.html", iv.study, iv, support=support, final=True)
    return render("consent.html", iv.study, iv, status=400, error=True)


@bp.route("/<slug>/<rid>/page/<key>", methods=["GET", "POST"], endpoint="page")
@login_required
def page(slug: str, rid: str, key: str):
    """Show one question page, or keep the answers given and move on or back."""
    iv = interview_or_404(slug, rid)
    step = _step(iv, navigation.PAGE, key)
    answers = responses.stored_answers(db.session, rid)
    seen = responses.condition_values(answers)
    items = navigation.visible_items(step.page, seen)
    if not items:  # a stale link: this page is not on the path now
        return _go(iv, navigation.next_step(iv.instrument, step, seen))
    if request.method == "GET":
        return _render_page(iv, step, items, form_values(items, answers), {})
    form = {name: request.form.getlist(name) for name in request.form}
    posted = read_page(items, form)
    if posted.errors:
        return _render_page(iv, step, items, form, posted.errors, status=400)
    hidden = {
        item.id: responses.Stored(code="not_shown")
        for item in step.page.items
        if item.answerable and item not in items
    }
    seen.update(responses.condition_values(posted.answers))
    if request.form.get("action") == "pause":
        return _save_and_pause(iv, step, key, {**hidden, **posted.answers})
    back = request.form.get("action") == "back"
    target = (navigation.previous_step if back else navigation.next_step)(iv.instrument, step, seen)
    token = target.token if target is not None else ("page/" + key if back else "check")
    responses.save_page(db.session, rid, {**hidden, **posted.answers}, token)
    if back and target is None:
        return to("consent", slug, rid=rid)
    return _go(iv, target)


def _render_page(iv: Interview, step, items, values, errors, status: int = 200):
    return render(
        "page.html",
        iv.study,
        iv,
        status=status,
        step=step,
        items=items,
        values=values,
        errors=errors,
        words=interface_words(iv.second),
        pause_in_page=True,
    )


def _save_and_pause(iv: Interview, step, key: str, answers):
    """Keep what was typed on this page, then pause with the reason chosen under it."""
    reason = request.form.get("reason")
    if reason not in INTERVIEW_REASONS:
        return render("reason_needed.html", iv.study, iv, status=400, action="pause")
    responses.save_page(db.session, iv.rid, answers, step.token)
    interview.pause(db.session, iv.study, iv.rid, me(), reason, current_app.config["SECRET_KEY"])
    return to("index", iv.study.slug)


@bp.route("/<slug>/<rid>/section/<key>", methods=["GET", "POST"], endpoint="section")
@login_required
def section(slug: str, rid: str, key: str):
    """Read a sensitive section's content note; go on, or skip the section."""
    iv = interview_or_404(slug, rid)
    step = _step(iv, navigation.SECTION, key)
    if request.method == "GET":
        return render("section.html", iv.study, iv, step=step)
    seen = _seen(iv)
    if request.form.get("action") == "skip":
        target = navigation.section_after(iv.instrument, step.section, seen)
        token = target.token if target else "check"
        responses.skip_section(db.session, rid, step.section, token)
        return _go(iv, target)
    return _go(iv, navigation.next_step(iv.instrument, step, seen))


@bp.route("/<slug>/<rid>/check", methods=["GET", "POST"], endpoint="check")
@login_required
def check(slug: str, rid: str):
    """Show the answers given; submitting ends the interview with a withdrawal code."""
    iv = interview_or_404(slug, rid)
    if request.method == "GET":
        answers = responses.stored_answers(db.session, rid)
        rows = review_rows(iv.instrument, answers, iv.language)
        return render("check.html", iv.study, iv, rows=rows, words=interface_words(iv.second))
    choice = request.form.get(quotes.FIELD)
    key = current_app.config["SECRET_KEY"]
    phrase = interview.submit(
        db.session, iv.study, rid, me(), iv.instrument, key, quote_choice=choice
    )
    support = support_list(iv.instrument, iv.study, iv.language)
    no_quotes = quotes.no_quotes_for(iv.instrument, choice)
    return render(
        "done.html",
        iv.study,
        iv,
        phrase=phrase,
        support=support,
        stopped=False,
        final=True,
        no_quotes=no_quotes,
    )
