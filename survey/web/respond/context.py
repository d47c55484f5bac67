"""What every respondent view needs: the study, the session's state, rendering."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, redirect, session, url_for
from werkzeug.wrappers import Response as HTTPResponse

from instruments.schema import Instrument
from survey.extensions import db
from survey.models import InstrumentVersion, Response, Study
from survey.services import attempts, navigation, responses, studies, submit_keys
from survey.services.study_settings import offered_languages
from survey.web.respondent_view import Link, render_respondent, respond_link

STUDY_KEYS = (
    "lang",
    "safety_seen",
    "consented",
    "response",
    "submitted",
    "failures",
    submit_keys.FIELD,
)


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
        link=journey_link(visit_),
        status=status,
        **context,
    )


def journey_link(visit_: Visit) -> Link:
    """Return the journey's link maker: steps by position, items by place on their page.

    The templates (shared with the studio's preview, whose links keep keys)
    name a step by its key and a field by its item id; browser history keeps
    every address, so here they become ``/p/3`` and ``#Q2``.
    """
    plain = respond_link(visit_.slug)

    def link(name: str, **values: str) -> str:
        if name in (navigation.PAGE, navigation.SECTION) and "key" in values:
            step = navigation.find_step(visit_.instrument, name, values.pop("key"))
            if step is None:  # never from our own templates
                raise LookupError(f"no {name} step with that key")
            values["n"] = str(step.number)
            item_id = values.pop("_anchor", None)
            anchor = navigation.item_anchor(step.page, item_id) if step.page and item_id else None
            if anchor:
                values["_anchor"] = anchor
        return plain(name, **values)

    return link


def to(endpoint: str, visit_: Visit, **values: str) -> HTTPResponse:
    """Redirect (303, so a refresh never re-posts) to a respondent endpoint."""
    return redirect(url_for(f"respond.{endpoint}", slug=visit_.slug, **values), code=303)


def to_step(visit_: Visit, step: navigation.Step | None, fallback: str = "check") -> HTTPResponse:
    """Redirect to `step` by its position (never its key), or to `fallback` when None."""
    if step is None:
        return to(fallback, visit_)
    return to(step.kind, visit_, n=str(step.number))


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
