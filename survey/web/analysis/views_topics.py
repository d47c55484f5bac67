"""Analysis views: topic fits (list and start), a fit's progress and explorer, draft codes.

A fit runs as a background job; its page shows a progress bar (updated by
analysis.js from the JSON status route, or by a Refresh link without
JavaScript) until it is done, then the explorer. Quotes come from the
redacted text only, and every count follows the study's threshold.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required

from survey.extensions import db
from survey.models import AnalysisJob, Study
from survey.services import permissions
from survey.services.analysis import drafts, explorer, fit_form, jobs, suggestions
from survey.services.coding import reading
from survey.services.coding.errors import NotFound
from survey.web.analysis.access import may, me, study_or_404
from survey.web.analysis.blueprint import bp


def _job(study: Study, public_id: str, kind: str | None = "topics") -> AnalysisJob:
    try:
        return explorer.job_of(db.session, study, public_id, kind)
    except NotFound:
        abort(404)


def _list_page(study: Study, error: str | None = None, status: int = 200):
    html = render_template(
        "analysis/topics.html",
        here="analysis.topics",
        study=study,
        fits=explorer.fits(db.session, study),
        questions=explorer.questions(db.session, study),
        languages=fit_form.answer_languages(db.session, study),
        form=request.form if error else {},
        error=error,
        min_k=fit_form.MIN_K,
        max_k=fit_form.MAX_K,
    )
    return html, status


@bp.get("/<slug>/topics", endpoint="topics")
@login_required
def topics_page(slug: str):
    """List the study's topic fits, with a form to start one."""
    return _list_page(study_or_404(slug))


@bp.post("/<slug>/topics", endpoint="topics_start")
@login_required
def topics_start(slug: str):
    """Start a topic fit as a background job and go to its page."""
    study = study_or_404(slug)
    item_ids = [q.item_id for q in explorer.questions(db.session, study)]
    try:
        languages = [code for code, _, _ in fit_form.answer_languages(db.session, study)]
        params = fit_form.read_fit_form(request.form, item_ids, languages)
    except fit_form.FitFormError as error:
        return _list_page(study, str(error), 400)
    try:
        job = jobs.start(db.session, study, me(), "topics", params)
    except jobs.JobError as error:
        return _list_page(study, error.message, 400)
    return redirect(url_for("analysis.topics_job", slug=slug, job_id=job.public_id))


def _explorer(study: Study, job: AnalysisJob, result: dict) -> dict:
    """Return what the explorer template needs for a finished fit."""
    found = explorer.topics(result)
    items = explorer.attribute_items(study)
    by = request.args.get("by", "")
    choices = explorer.filter_choices(db.session, study, job)
    where = explorer.read_filter(request.args.get("where", ""), choices)
    quotes = explorer.quotes(db.session, study, job, len(found), where=where)
    shown = sum(len(q) for q in quotes.by_topic.values())
    if shown:
        reading.record_view(db.session, me(), study, "topics", job=job.public_id, texts=shown)
    return {
        "result": result,
        "topics": found,
        "curve": explorer.k_curve(result),
        "curve_svg": explorer.k_curve_chart(result),
        "prevalence_svg": explorer.prevalence_chart(found),
        "items": items,
        "by": by if by in dict(items) else "",
        "groups": explorer.prevalence_by(db.session, study, job, by, where=where)
        if by in dict(items)
        else [],
        "where": where,
        "choices": choices,
        "quotes": quotes,
        "may_code": may(permissions.CODE, study),
    }


@bp.get("/<slug>/topics/<job_id>", endpoint="topics_job")
@login_required
def topics_job(slug: str, job_id: str):
    """Show a fit: its progress while it runs, its error, or the explorer when done."""
    study = study_or_404(slug)
    job = _job(study, job_id)
    result = explorer.result_of(db.session, job) if job.status == "done" else None
    context = _explorer(study, job, result) if result is not None else {}
    return render_template(
        "analysis/topics_job.html",
        here="analysis.topics",
        study=study,
        job=job,
        params=explorer.job_params(job),
        labels={q.item_id: q.label for q in explorer.questions(db.session, study)},
        **context,
    )


@bp.get("/<slug>/jobs/<job_id>/status", endpoint="job_status")
@login_required
def job_status(slug: str, job_id: str):
    """Return a job's status, progress and stage as JSON (never any text of the study)."""
    study = study_or_404(slug)
    job = _job(study, job_id, None)
    if job.kind == "suggestions" and not suggestions.is_own(db.session, study, me(), job):
        abort(404)
    return jsonify(status=job.status, progress=job.progress, stage=job.stage)


@bp.post("/<slug>/topics/<job_id>/drafts", endpoint="topics_drafts")
@login_required
def topics_drafts(slug: str, job_id: str):
    """Make draft codes from the chosen topics, then go to the codebook."""
    study = study_or_404(slug, permissions.CODE)
    job = _job(study, job_id)
    chosen = [int(t) for t in request.form.getlist("topic") if t.isdigit()]
    try:
        made = drafts.create_drafts(db.session, me(), study, job, chosen)
    except drafts.DraftError as error:
        flash(str(error))
        return redirect(url_for("analysis.topics_job", slug=slug, job_id=job_id) + "#drafts")
    flash(f"Added {len(made)} draft code{'s' if len(made) != 1 else ''} under “{drafts.CATEGORY}”.")
    return redirect(url_for("coding.codebook", slug=slug))
