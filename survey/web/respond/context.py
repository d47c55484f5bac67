"""What every respondent view needs: the study, the session's state, rendering."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, redirect, session, url_for
from werkzeug.wrappers import Response as HTTPResponse

from instruments.schema import Instrument
from survey.extensions import db
from survey.models import InstrumentVersion, Response, Study
from survey.services import attempts, responses, studies
from survey.services.study_settings import offered_languages
from survey.web.respondent_view import render_respondent, respond_link

STUDY_KEYS = ("lang", "safety_seen", "consented", "response", "submitted", "failures", "submit_key")


@dataclass
class Visit:
    """The study a respondent is on, its instrument, the chosen and offered languages."""

    study: Study
    instrument: Instrument
    language: str
    languages: tuple[str, ...]
    # This session's response, if any (kept so later lookups in the request need no query).
    response: Response | None = None

    @property
    def slug(self) -> str:
        """Return the study's slug."""
        return self.study.slug


def visit(slug: str, *, must_be_open: bool = True) -> Visit:
    """Return the visit to `slug`; start this session's state afresh for a new study.

    Someone already answering keeps the instrument version their response
    started on, even after a newer one is published.
    """
    db_session = db.session
    study = (
        studies.open_study(db_session, slug)
        if must_be_open
        else studies.find_study(db_session, slug)
    )
    if session.get("study") != slug:
        for key in STUDY_KEYS:
            session.pop(key, None)
        session["study"] = slug
    response, version = responses.response_and_version(db_session, session.get("response"), study)
    instrument = studies.instrument_of(version or study.instrument_version)
    languages = offered_languages(study, instrument)
    language = _language(instrument, languages, version)
    g.respondent_language = language  # so an error page later in this request speaks it too
    return Visit(study, instrument, language, languages, response)


def _language(
    instrument: Instrument, languages: tuple[str, ...], version: InstrumentVersion | None
) -> str:
    """Return the session's language if it may be used, else the study's default."""
    chosen = session.get("lang")
    if chosen in languages or (version is not None and chosen in instrument.languages):
        return chosen
    return instrument.default_language if instrument.default_language in languages else languages[0]


def render(
    template: str, visit_: Visit | None, status: int = 200, **context: object
) -> tuple[str, int]:
    """Render a respondent page with the study, language, support and exit link."""
    if visit_ is None:
        return render_respondent(
            template,
            study=None,
            instrument=None,
            language=g.get("respondent_language", "en"),
            languages=(),
            link=respond_link(None),
            status=status,
            **context,
        )
    return render_respondent(
        template,
        study=visit_.study,
        instrument=visit_.instrument,
        language=visit_.language,
        languages=visit_.languages,
        link=respond_link(visit_.slug),
        status=status,
        **context,
    )


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
