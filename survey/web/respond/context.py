"""What every respondent view needs: the study, the session's state, rendering."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, redirect, render_template, session, url_for
from werkzeug.wrappers import Response as HTTPResponse

from instruments.schema import Instrument, SupportResource, is_rtl, language_name
from survey.extensions import db
from survey.models import Study
from survey.services import attempts, studies
from survey.services.support import support_for

STUDY_KEYS = ("lang", "safety_seen", "consented", "response", "submitted", "failures")


@dataclass
class Visit:
    """The study a respondent is on, its instrument and the chosen language."""

    study: Study
    instrument: Instrument
    language: str

    @property
    def slug(self) -> str:
        """Return the study's slug."""
        return self.study.slug


def visit(slug: str, *, must_be_open: bool = True) -> Visit:
    """Return the visit to `slug`; start this session's state afresh for a new study."""
    db_session = db.session
    study = (
        studies.open_study(db_session, slug)
        if must_be_open
        else studies.find_study(db_session, slug)
    )
    instrument = studies.instrument_of(study.instrument_version)
    if session.get("study") != slug:
        for key in STUDY_KEYS:
            session.pop(key, None)
        session["study"] = slug
    language = session.get("lang")
    if language not in instrument.languages:
        language = instrument.default_language
    return Visit(study, instrument, language)


def exit_url(study: Study | None) -> str:
    """Return where quick exit goes for `study` (the neutral default otherwise)."""
    if study is not None and study.exit_url:
        return study.exit_url
    return current_app.config["HEARD_DEFAULT_EXIT_URL"]


def support(visit_: Visit) -> tuple[SupportResource, ...]:
    """Return the support resources to show on this visit's pages."""
    return support_for(visit_.instrument, visit_.language)


def render(
    template: str, visit_: Visit | None, status: int = 200, **context: object
) -> tuple[str, int]:
    """Render a respondent page with the study, language, support and exit link."""
    language = visit_.language if visit_ else "en"
    page = render_template(
        f"respond/{template}",
        visit=visit_,
        study=visit_.study if visit_ else None,
        instrument=visit_.instrument if visit_ else None,
        lang=language,
        rtl=is_rtl(language),
        support=support(visit_) if visit_ else support_for(None, language),
        exit_url=exit_url(visit_.study if visit_ else None),
        t=lambda text: text.get(language) if text is not None else "",
        language_name=language_name,
        **context,
    )
    return page, status


def to(endpoint: str, visit_: Visit, **values: str) -> HTTPResponse:
    """Redirect (303, so a refresh never re-posts) to a respondent endpoint."""
    return redirect(url_for(f"respond.{endpoint}", slug=visit_.slug, **values), code=303)


def phrase_limits() -> attempts.Limits:
    """Return the global limits on wrong phrases, from the configuration."""
    config = current_app.config
    return attempts.Limits(
        secret_key=config["SECRET_KEY"],
        per_window=config["HEARD_PHRASE_ATTEMPTS_GLOBAL"],
        window_seconds=config["HEARD_PHRASE_WINDOW_SECONDS"],
    )


def session_failures_exceeded() -> bool:
    """Return True when this browser session has used up its wrong phrases."""
    return session.get("failures", 0) >= current_app.config["HEARD_PHRASE_ATTEMPTS_PER_SESSION"]


def count_session_failure() -> None:
    """Count one wrong phrase against this browser session."""
    session["failures"] = session.get("failures", 0) + 1
