"""What every interview view needs: the study, the interview, its languages, rendering.

Interviewing needs the `interview` permission (administrators, and
researchers and interviewers on the study's team); anyone else gets 404,
exactly like a study that does not exist. An interview is found by its
response's random id in the URL; an id that is not an interview in progress
on this study is 404 too.

The interpreter's second language is a choice of this interviewer's session
(kept server-side, never in the response): each start or resume sets it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, g, redirect, render_template, session, url_for
from flask_babel import force_locale, gettext, refresh
from werkzeug.wrappers import Response as HTTPResponse

from instruments.schema import Instrument, is_rtl, language_name
from survey.extensions import db
from survey.models import Response, Study
from survey.services import interview, permissions, responses, studies
from survey.services.study_settings import offered_languages
from survey.services.support import DEFAULT_SUPPORT, support_for
from survey.web.respondent_view import tr
from survey.web.staff_access import study_or_404

SECOND_LANGUAGES = "interview_second_languages"
CHECK_STEP = "check"  # what `last_page` holds once every page is behind
INTERFACE_WORDS = {
    "yes": "Yes",
    "no": "No",
    "prefer_not_to_say": "Prefer not to say",
    "dont_know": "I don’t know",
    "not_applicable": "Does not apply to me",
    "quote_question": "May we quote your words in reports? We never use your name.",
    "quote_yes": "Yes, you may quote my words",
    "quote_no": "No, do not quote my words",
}


@dataclass
class Interview:
    """An interview in progress: its study, instrument, response and languages."""

    study: Study
    instrument: Instrument
    response: Response
    second: str | None
    rid: str  # the response's random id, as the URLs carry it
    language: str  # the language the respondent answers in

    @property
    def short_id(self) -> str:
        """Return the short id the interviewer was shown at the start."""
        return interview.short_id(self.rid)


def interview_study(slug: str) -> Study:
    """Return the study at `slug` if the signed-in person may interview on it; else 404."""
    return study_or_404(slug, permissions.INTERVIEW)


def instrument_for(study: Study) -> Instrument:
    """Return the study's published instrument."""
    return studies.instrument_of(study.instrument_version)


def languages_of(study: Study) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the languages a respondent may answer in, and those an interpreter may add."""
    instrument = instrument_for(study)
    return offered_languages(study, instrument), instrument.languages


def interview_or_404(slug: str, rid: str) -> Interview:
    """Return the interview `rid` in progress on the study at `slug`, or 404."""
    study = interview_study(slug)
    try:
        response = interview.live_interview(db.session, study, rid)
    except interview.InterviewNotFound:
        abort(404)
    version = responses.version_of(db.session, rid, study)
    instrument = studies.instrument_of(version or study.instrument_version)
    second = session.get(SECOND_LANGUAGES, {}).get(rid)
    return Interview(study, instrument, response, second, response.id, response.language)


def remember_second_language(rid: str, second: str | None) -> None:
    """Keep (or forget) the interpreter's second language of interview `rid` in this session."""
    chosen = dict(session.get(SECOND_LANGUAGES, {}))
    if second:
        chosen[rid] = second
    else:
        chosen.pop(rid, None)
    session[SECOND_LANGUAGES] = chosen


def interface_words(language: str | None) -> dict[str, str]:
    """Return the answer words Heard itself shows (Yes, Prefer not to say...) in `language`."""
    if not language:
        return {}
    with force_locale(language.replace("-", "_")):
        return {code: gettext(msgid) for code, msgid in INTERFACE_WORDS.items()}


def support_list(instrument: Instrument, study: Study, language: str) -> list:
    """Return the study's support list in `language`, always with the helpline and 999."""
    resources = list(support_for(instrument, language, study.support))
    phones = {resource.phone for resource in resources}
    return resources + [r for r in DEFAULT_SUPPORT if r.phone not in phones]


def render(template: str, study: Study, iv: Interview | None = None, status: int = 200, **context):
    """Render `interview/<template>`; widgets speak the respondent's language."""
    language = iv.language if iv is not None else "en"
    g.respondent_language = language
    refresh()
    page = render_template(
        f"interview/{template}",
        study=study,
        iv=iv,
        lang=language,
        second=iv.second if iv is not None else None,
        t=lambda text: text.get(language) if text is not None else "",
        tr=tr,
        text_dir=lambda code: "rtl" if is_rtl(code) else "ltr",
        language_name=language_name,
        reasons=interview.REASON_LABELS,
        **context,
    )
    return page, status


def to(endpoint: str, slug: str, **values: str) -> HTTPResponse:
    """Redirect (303, so a refresh never re-posts) to an interview endpoint."""
    return redirect(url_for(f"interview.{endpoint}", slug=slug, **values), code=303)


def to_step(iv: Interview, last_page: str | None) -> HTTPResponse:
    """Redirect to the step a response's `last_page` names (consent when none)."""
    if last_page == CHECK_STEP:
        return to("check", iv.study.slug, rid=iv.rid)
    if last_page and "/" in last_page:
        kind, key = last_page.split("/", 1)
        return to(kind, iv.study.slug, rid=iv.rid, key=key)
    return to("consent", iv.study.slug, rid=iv.rid)
