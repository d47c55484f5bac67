"""The interview list of a study: start an interview, or resume one in progress."""

from __future__ import annotations

from flask import abort, flash, request
from flask_login import login_required

from survey.extensions import db
from survey.services import interview
from survey.web.interview.blueprint import bp
from survey.web.interview.common import (
    instrument_for,
    interview_or_404,
    interview_study,
    languages_of,
    remember_second_language,
    render,
    to,
    to_step,
)
from survey.web.staff_access import me


@bp.get("/<slug>", endpoint="index")
@login_required
def index(slug: str):
    """List what the interviewer can do: start an interview, resume one, open the guide."""
    study = interview_study(slug)
    offered, all_languages = languages_of(study)
    return render(
        "index.html",
        study,
        instrument=instrument_for(study),
        offered=offered,
        all_languages=all_languages,
        in_progress=interview.interviews_in_progress(db.session, study),
    )


def _bad_start(study, message: str):
    offered, all_languages = languages_of(study)
    return render(
        "index.html",
        study,
        status=400,
        instrument=instrument_for(study),
        offered=offered,
        all_languages=all_languages,
        in_progress=interview.interviews_in_progress(db.session, study),
        error=message,
    )


@bp.post("/<slug>/start", endpoint="start")
@login_required
def start(slug: str):
    """Start an interviewer-administered response in the chosen language(s)."""
    study = interview_study(slug)
    instrument = instrument_for(study)
    if instrument.is_guide:
        abort(404)
    if not study.is_open:
        return _bad_start(study, "This study is not open, so no interview can start.")
    language = request.form.get("language", "")
    try:
        second = interview.check_languages(
            study, instrument, language, request.form.get("second_language")
        )
    except interview.InterviewLanguageInvalid:
        return _bad_start(study, "Choose a language the study offers, and a different second one.")
    rid = interview.start_interview(db.session, study, me(), language)
    remember_second_language(rid, second)
    flash(f"Interview {interview.short_id(rid)} started. Note this id: it is how you resume it.")
    return to("consent", slug, rid=rid)


@bp.post("/<slug>/<rid>/resume", endpoint="resume")
@login_required
def resume(slug: str, rid: str):
    """Resume a paused interview where it stopped, with an interpreter's language if chosen."""
    iv = interview_or_404(slug, rid)
    second = request.form.get("second_language") or None
    if second is not None and (second == iv.language or second not in iv.instrument.languages):
        abort(400)
    interview.resume(db.session, iv.study, rid, me())
    remember_second_language(rid, second)
    return to_step(iv, iv.response.last_page)
