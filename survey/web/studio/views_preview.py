"""Studio views: preview a study as a respondent, in each of its languages, storing nothing.

The preview renders the respondent's own templates. Their links and forms go
to the routes below, which never write: no response, no answers, no flags in
the session (only the staff member's own session and its CSRF token exist).
Every step is shown in order, whatever the answers, so conditional
questions can be read too; a note says when each would be shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import login_required

from instruments.schema import Instrument
from survey.models import Study
from survey.services import navigation, permissions, preview
from survey.services.receipt import receipt_for
from survey.services.study_settings import offered_languages
from survey.web.respondent_view import render_respondent
from survey.web.studio.access import study_or_404
from survey.web.studio.blueprint import bp

PREVIEW = "/studies/<slug>/preview"
ENDPOINTS = {"start": "landing", "quick_exit": "exit"}
Place = tuple[str, tuple[tuple[str, str], ...]]  # (page name, its URL values)


@dataclass(frozen=True)
class Banner:
    """What the preview banner shows: whose version, where Previous and Next go, languages."""

    is_draft: bool
    overview: str
    previous: str | None
    next: str | None
    languages: tuple[tuple[str, str, bool], ...]  # (code, this page in it, offered)


@dataclass(frozen=True)
class Previewing:
    """The study being previewed, the instrument shown and the language."""

    study: Study
    instrument: Instrument
    is_draft: bool
    lang: str

    def url(self, name: str, lang: str | None = None, **values: str) -> str:
        """Return the preview URL of page `name` (in `lang`, default this one)."""
        endpoint = f"studio.preview_{ENDPOINTS.get(name, name)}"
        return url_for(endpoint, slug=self.study.slug, lang=lang or self.lang, **values)

    def to(self, name: str, **values: str):
        """Redirect (303) to page `name` of the preview."""
        return redirect(self.url(name, **values), code=303)

    def to_step(self, step: navigation.Step | None, fallback: str = "check"):
        """Redirect to `step`, or to `fallback` when there is none."""
        return self.to(step.kind, key=step.key) if step else self.to(fallback)


def previewing(slug: str, lang: str | None) -> Previewing:
    """Return what to preview of the study at `slug` in `lang` (404 if not allowed or unknown)."""
    study = study_or_404(slug, permissions.VIEW)
    shown = preview.previewed(study)
    language = lang or shown.instrument.default_language
    if language not in shown.instrument.languages:
        abort(404)
    return Previewing(study, shown.instrument, shown.is_draft, language)


def _sequence(p: Previewing) -> list[Place]:
    steps = navigation.all_steps(p.instrument)
    places: list[Place] = [("landing", ()), ("safety", ()), ("consent", ())]
    places += [(step.kind, (("key", step.key),)) for step in steps]
    return [*places, ("check", ()), ("done", ())]


def _banner(p: Previewing, here: Place | None) -> Banner:
    places = _sequence(p)
    index = places.index(here) if here in places else None
    previous = places[index - 1] if index else None
    following = places[index + 1] if index is not None and index + 1 < len(places) else None
    name, values = here or ("landing", ())
    offered = offered_languages(p.study, p.instrument)
    languages = tuple(
        (code, p.url(name, code, **dict(values)), code in offered)
        for code in p.instrument.languages
    )
    return Banner(
        is_draft=p.is_draft,
        overview=url_for("studio.overview", slug=p.study.slug),
        previous=p.url(previous[0], **dict(previous[1])) if previous else None,
        next=p.url(following[0], **dict(following[1])) if following else None,
        languages=languages,
    )


def render_preview(p: Previewing, template: str, here: Place | None, status: int = 200, **context):
    """Render a respondent template for the preview, with its banner and preview-only links."""
    return render_respondent(
        template,
        study=p.study,
        instrument=p.instrument,
        language=p.lang,
        languages=offered_languages(p.study, p.instrument),
        link=lambda name, **values: p.url(name, **values),
        status=status,
        preview=_banner(p, here),
        **context,
    )


def receipt(p: Previewing):
    """Return the "what we store" receipt the study would show."""
    idle_days = current_app.config["HEARD_SESSION_IDLE_DAYS"]
    return receipt_for(p.study, p.instrument, session_idle_days=idle_days)


def step_or_404(p: Previewing, kind: str, key: str) -> navigation.Step:
    """Return the step of that kind and key, or answer 404."""
    step = preview.step(p.instrument, kind, key)
    if step is None:
        abort(404)
    return step


@bp.errorhandler(preview.DraftNotLoadable)
def draft_not_loadable(error: preview.DraftNotLoadable):
    """Explain that a draft with errors cannot be previewed, and where to fix it."""
    study = study_or_404(request.view_args.get("slug", ""), permissions.VIEW)
    return render_template("studio/preview_unavailable.html", study=study), 409


@bp.get(PREVIEW)
@login_required
def preview_start(slug: str):
    """Start the preview in the instrument's default language."""
    return previewing(slug, None).to("landing")


@bp.route(f"{PREVIEW}/<lang>", methods=["GET", "POST"])
@login_required
def preview_landing(slug: str, lang: str):
    """Show the landing page; "Start" goes on to the safety page in the language chosen."""
    p = previewing(slug, lang)
    if request.method == "POST":
        chosen = request.form.get("lang", lang)
        chosen = chosen if chosen in p.instrument.languages else lang
        return redirect(p.url("safety", chosen), code=303)
    return render_preview(p, "landing.html", ("landing", ()), receipt=receipt(p), started=False)


@bp.route(f"{PREVIEW}/<lang>/safety", methods=["GET", "POST"])
@login_required
def preview_safety(slug: str, lang: str):
    """Show the safety page; continuing goes to consent."""
    p = previewing(slug, lang)
    if request.method == "POST":
        return p.to("consent")
    return render_preview(p, "safety.html", ("safety", ()))


@bp.route(f"{PREVIEW}/<lang>/consent", methods=["GET", "POST"])
@login_required
def preview_consent(slug: str, lang: str):
    """Show consent; agreeing goes to the first step, declining to the kind "no"."""
    p = previewing(slug, lang)
    if request.method == "GET":
        return render_preview(p, "consent.html", ("consent", ()))
    if request.form.get("choice") != "agree":
        return p.to("declined")
    return p.to_step(preview.first_step(p.instrument))


@bp.get(f"{PREVIEW}/<lang>/declined")
@login_required
def preview_declined(slug: str, lang: str):
    """Show what someone who declines sees."""
    p = previewing(slug, lang)
    return render_preview(p, "declined.html", None)
