"""Findings reports: the list, the builder, a theme's text and quotes, preview, check and export.

Every form works without JavaScript. Reading and editing a report needs
`analyse`; the preview (a full rendition), the check and the export need
`export` as well (analysts have both). A report, theme or build that is not
this study's answers 404; a form naming what is not (or no longer) there is
refused with a message (400). The preview shows the document inside the
page, styled by class (the CSP allows no inline style), under the problems
that would block its export; the downloads are attachments and kept nowhere.

A GET changes nothing: the pages name what vanished from the report (a
deleted code, a withdrawn passage) and every POST of the report removes it
first (`store.tidy`), telling the analyst.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from survey.extensions import db
from survey.models import Report, Study
from survey.models.studies import today
from survey.services import permissions
from survey.services.reports import (
    editor,
    exporting,
    picker,
    question_edits,
    store,
    theme_edits,
)
from survey.services.reports.errors import ReportError
from survey.web.analysis.access import may, me, study_or_404
from survey.web.analysis.blueprint import bp

T = TypeVar("T")

EDITS = {
    "details": lambda s, u, r, f: store.set_details(
        db.session, s, u, r, f.get("title", ""), f.get("introduction", "")
    ),
    "theme_add": lambda s, u, r, f: theme_edits.add_theme(db.session, s, u, r, f.get("code", "")),
    "theme_remove": lambda s, u, r, f: theme_edits.remove_theme(
        db.session, s, u, r, f.get("code", "")
    ),
    "theme_up": lambda s, u, r, f: theme_edits.move_theme(
        db.session, s, u, r, f.get("code", ""), "up"
    ),
    "theme_down": lambda s, u, r, f: theme_edits.move_theme(
        db.session, s, u, r, f.get("code", ""), "down"
    ),
    "question_add": lambda s, u, r, f: question_edits.add_question(
        db.session, s, u, r, f.get("item", "")
    ),
    "question_remove": lambda s, u, r, f: question_edits.remove_question(
        db.session, s, u, r, f.get("item", "")
    ),
    "question_up": lambda s, u, r, f: question_edits.move_question(
        db.session, s, u, r, f.get("item", ""), "up"
    ),
    "question_down": lambda s, u, r, f: question_edits.move_question(
        db.session, s, u, r, f.get("item", ""), "down"
    ),
    "breakdowns": lambda s, u, r, f: question_edits.set_breakdowns(
        db.session, s, u, r, f.getlist("by")
    ),
}
# Where the page goes back to after each edit.
ANCHORS = {"details": "details", "breakdowns": "breakdowns"}


def _or_404(find: Callable[..., T], *args: object) -> T:
    """Return `find(db.session, *args)`, or answer 404 when it names nothing of this study."""
    try:
        return find(db.session, *args)
    except store.ReportNotFound:
        abort(404)


def _report(study: Study, report_id: str) -> Report:
    return _or_404(store.report_of, study, report_id)


def _tidied(study: Study, report: Report) -> None:
    """Remove what vanished from the report before a change, and tell the analyst."""
    for note in store.tidy(db.session, study, me(), report):
        flash(note)


def _exporter(slug: str) -> Study:
    """Return the study if the person may analyse and export it (404 otherwise)."""
    study = study_or_404(slug)
    if not may(permissions.EXPORT, study):
        abort(404)
    return study


@bp.get("/<slug>/reports", endpoint="reports")
@login_required
def reports_page(slug: str, error: str | None = None, status: int = 200):
    """List the study's findings reports, with a form to start one."""
    study = study_or_404(slug)
    page = render_template(
        "analysis/reports.html", here="analysis.reports", study=study, error=error,
        reports=store.list_reports(db.session, study), title=request.form.get("title", ""),
    )  # fmt: skip
    return page, status


@bp.post("/<slug>/reports", endpoint="report_new")
@login_required
def report_new(slug: str):
    """Start a report and open its builder."""
    study = study_or_404(slug)
    try:
        report = store.create_report(db.session, study, me(), request.form.get("title", ""))
    except ReportError as error:
        return reports_page(slug, str(error), 400)
    return redirect(url_for("analysis.report", slug=slug, report_id=report.public_id))


def _builder(study: Study, report: Report, error: str | None = None, status: int = 200):
    view = editor.editor(db.session, study, me(), report)
    page = render_template(
        "analysis/report.html", here="analysis.reports", study=study, report=view, error=error,
        form=request.form if error else {}, may_export=may(permissions.EXPORT, study),
    )  # fmt: skip
    return page, status


@bp.get("/<slug>/reports/<report_id>", endpoint="report")
@login_required
def report_page(slug: str, report_id: str):
    """Show the builder: themes, their order, closed questions, breakdowns, builds."""
    study = study_or_404(slug)
    return _builder(study, _report(study, report_id))


@bp.post("/<slug>/reports/<report_id>", endpoint="report_edit")
@login_required
def report_edit(slug: str, report_id: str):
    """Make one change the builder's forms ask for (`action`), then show the builder again."""
    study = study_or_404(slug)
    report = _report(study, report_id)
    action = request.form.get("action", "")
    if action not in EDITS:
        return _builder(study, report, "Choose one of the page’s buttons.", 400)
    _tidied(study, report)
    try:
        EDITS[action](study, me(), report, request.form)
    except ReportError as error:
        return _builder(study, report, str(error), 400)
    where = ANCHORS.get(action, "themes" if action.startswith("theme") else "questions")
    return redirect(url_for("analysis.report", slug=slug, report_id=report_id) + f"#{where}")


def _page() -> int:
    text = request.values.get("page", "")
    return int(text) if text.isdigit() and len(text) < 6 else 1


def _theme_page(study: Study, report: Report, guid: str, error: str | None = None, status=200):
    where = request.values.get("where", "")
    view = _or_404(picker.theme_page, study, me(), report, guid, where, _page())
    page = render_template(
        "analysis/report_theme.html", here="analysis.reports", study=study, report=report,
        theme=view, error=error, narrative=request.form.get("narrative") if error else None,
    )  # fmt: skip
    return page, status


@bp.get("/<slug>/reports/<report_id>/themes/<theme_id>", endpoint="report_theme")
@login_required
def report_theme(slug: str, report_id: str, theme_id: str):
    """Show a theme's narrative and the quotes that may be chosen for it."""
    study = study_or_404(slug)
    return _theme_page(study, _report(study, report_id), theme_id)


@bp.post("/<slug>/reports/<report_id>/themes/<theme_id>", endpoint="report_theme_save")
@login_required
def report_theme_save(slug: str, report_id: str, theme_id: str):
    """Save a theme's narrative and chosen quotes."""
    study = study_or_404(slug)
    report = _report(study, report_id)
    _or_404(store.theme_of, study, report, theme_id)
    _tidied(study, report)
    form = request.form
    try:
        theme_edits.save_theme(
            db.session, study, me(), report, theme_id,
            form.get("narrative", ""), form.getlist("quote"), form.getlist("shown"),
        )  # fmt: skip
    except ReportError as error:
        return _theme_page(study, report, theme_id, str(error), 400)
    flash("The theme’s text and quotes are saved.")
    return redirect(url_for("analysis.report", slug=slug, report_id=report_id) + "#themes")


@bp.get("/<slug>/reports/<report_id>/preview", endpoint="report_preview")
@login_required
def report_preview(slug: str, report_id: str):
    """Show the report as it would be built today and what would block it (nothing is stored)."""
    study = _exporter(slug)
    report = _report(study, report_id)
    try:
        shown = exporting.preview(db.session, study, me(), report, today=today())
    except ReportError as error:
        return _builder(study, report, str(error), 400)
    return render_template(
        "analysis/report_preview.html", here="analysis.reports", study=study, report=report,
        preview=shown,
    )  # fmt: skip


@bp.post("/<slug>/reports/<report_id>/delete", endpoint="report_delete")
@login_required
def report_delete(slug: str, report_id: str):
    """Delete the report (its builds too) once the box is ticked."""
    study = study_or_404(slug)
    report = _report(study, report_id)
    if request.form.get("confirm") != "yes":
        return _builder(study, report, "Tick the box to confirm that the report should go.", 400)
    title = report.title
    store.delete_report(db.session, study, me(), report)
    flash(f"The report “{title}” is deleted.")
    return redirect(url_for("analysis.reports", slug=slug))


@bp.post("/<slug>/reports/<report_id>/builds", endpoint="report_check")
@login_required
def report_check(slug: str, report_id: str):
    """Build the report from today's data, store the build and show its safety check."""
    study = _exporter(slug)
    report = _report(study, report_id)
    _tidied(study, report)
    try:
        made = exporting.build_report(db.session, study, me(), report, today=today())
    except ReportError as error:
        return _builder(study, report, str(error), 400)
    return redirect(
        url_for("analysis.report_build", slug=slug, report_id=report_id, build_id=made.public_id)
    )


def _build_page(study: Study, report: Report, build_id: str, status: int = 200):
    made = _or_404(exporting.build_of, study, report, build_id)
    checked = exporting.check(db.session, study, made, me())
    page = render_template(
        "analysis/report_build.html", here="analysis.reports", study=study, report=report,
        checked=checked, formats=exporting.FORMATS,
    )  # fmt: skip
    return page, status


@bp.get("/<slug>/reports/<report_id>/builds/<build_id>", endpoint="report_build")
@login_required
def report_build(slug: str, report_id: str, build_id: str):
    """Show a build's safety check: what to fix, or the downloads."""
    study = _exporter(slug)
    return _build_page(study, _report(study, report_id), build_id)


@bp.post("/<slug>/reports/<report_id>/builds/<build_id>", endpoint="report_export")
@login_required
def report_export(slug: str, report_id: str, build_id: str):
    """Send a checked build as HTML, DOCX or Markdown (kept nowhere), or show what blocks it."""
    study = _exporter(slug)
    report = _report(study, report_id)
    made = _or_404(exporting.build_of, study, report, build_id)
    try:
        name, mimetype, content = exporting.export(
            db.session, study, me(), made, request.form.get("format", "")
        )
    except exporting.ExportBlocked:
        return _build_page(study, report, build_id, 409)
    except ReportError:
        return _build_page(study, report, build_id, 400)
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
