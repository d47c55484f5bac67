"""Studio views: the preview's question pages, section openings, check and end pages.

Posting a page checks the answers exactly as the real journey does (so the
error messages can be previewed) and then moves on, back or to "saved";
nothing posted is kept.
"""

from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from survey.services import navigation, preview
from survey.services.answers import read_page
from survey.services.review import review_rows
from survey.web.respondent_view import exit_url
from survey.web.studio.blueprint import bp
from survey.web.studio.views_preview import (
    PREVIEW,
    previewing,
    receipt,
    render_preview,
    step_or_404,
)

NOTHING_CHECKED = "This is a preview: no phrase is checked and nothing is stored."


@bp.route(f"{PREVIEW}/<lang>/section/<key>", methods=["GET", "POST"])
@login_required
def preview_section(slug: str, lang: str, key: str):
    """Show a section's opening; answering, skipping and going back move through the preview."""
    p = previewing(slug, lang)
    step = step_or_404(p, navigation.SECTION, key)
    if request.method == "GET":
        return render_preview(p, "section.html", ("section", (("key", key),)), step=step)
    action = request.form.get("action", "continue")
    if action == "skip":
        return p.to_step(preview.step_after_section(p.instrument, step.section))
    if action == "back":
        return p.to_step(preview.step_before(p.instrument, step), "consent")
    return p.to_step(preview.step_after(p.instrument, step))


@bp.route(f"{PREVIEW}/<lang>/p/<key>", methods=["GET", "POST"])
@login_required
def preview_page(slug: str, lang: str, key: str):
    """Show every question of a page; posting checks the answers, keeps none, and moves on."""
    p = previewing(slug, lang)
    step = step_or_404(p, navigation.PAGE, key)
    items = step.page.items
    here = ("page", (("key", key),))
    form = {name: request.form.getlist(name) for name in request.form}
    errors = read_page(items, form).errors if request.method == "POST" else {}
    if request.method == "GET" or errors:
        return render_preview(
            p,
            "page.html",
            here,
            status=400 if errors else 200,
            step=step,
            items=items,
            values=form,
            errors=errors,
            from_check=False,
            resume_enabled=p.study.resume_enabled,
        )
    action = request.form.get("action", "continue")
    if action == "save" and p.study.resume_enabled:
        return p.to("saved")
    if action == "back":
        return p.to_step(preview.step_before(p.instrument, step), "consent")
    return p.to_step(preview.step_after(p.instrument, step))


@bp.route(f"{PREVIEW}/<lang>/check", methods=["GET", "POST"])
@login_required
def preview_check(slug: str, lang: str):
    """Show "Check your answers" (nothing was answered); sending shows the end page."""
    p = previewing(slug, lang)
    if request.method == "POST":
        return p.to("done")
    rows = review_rows(p.instrument, {}, p.lang)
    return render_preview(p, "check.html", ("check", ()), rows=rows)


@bp.get(f"{PREVIEW}/<lang>/done")
@login_required
def preview_done(slug: str, lang: str):
    """Show the end page, with an example where the withdrawal code would be."""
    p = previewing(slug, lang)
    return render_preview(
        p, "done.html", ("done", ()), phrase=preview.SAMPLE_PHRASE, receipt=receipt(p)
    )


@bp.get(f"{PREVIEW}/<lang>/saved")
@login_required
def preview_saved(slug: str, lang: str):
    """Show the "saved" page, with an example where the phrase would be."""
    p = previewing(slug, lang)
    return render_preview(p, "saved.html", None, phrase=preview.SAMPLE_PHRASE)


@bp.route(f"{PREVIEW}/<lang>/resume", methods=["GET", "POST"])
@login_required
def preview_resume(slug: str, lang: str):
    """Show the "come back" page; a phrase typed here is not checked."""
    p = previewing(slug, lang)
    error = NOTHING_CHECKED if request.method == "POST" else None
    return render_preview(p, "resume.html", None, error=error)


@bp.route(f"{PREVIEW}/<lang>/withdraw", methods=["GET", "POST"])
@login_required
def preview_withdraw(slug: str, lang: str):
    """Show the withdrawal page; a code typed here is not checked."""
    p = previewing(slug, lang)
    error = NOTHING_CHECKED if request.method == "POST" else None
    return render_preview(p, "withdraw.html", None, error=error)


@bp.get(f"{PREVIEW}/<lang>/exit")
@login_required
def preview_exit(slug: str, lang: str):
    """Say where quick exit would take a respondent (the preview does not sign you out)."""
    p = previewing(slug, lang)
    return render_template(
        "studio/preview_exit.html",
        study=p.study,
        exit_url=exit_url(p.study),
        back=p.url("landing"),
    )
