"""Studio views: a new study from the bundled library, a YAML file or an XLSForm."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from instruments import library_names
from survey.extensions import db
from survey.services.new_study import (
    LIBRARY,
    NewStudyInvalid,
    NewStudyRequest,
    create_new_study,
)
from survey.web.studio.access import creators_only, me
from survey.web.studio.blueprint import bp


def _new_page(form: dict, errors: dict | None = None, problems: tuple = (), status: int = 200):
    page = render_template(
        "studio/new.html",
        names=library_names(),
        form=form,
        errors=errors or {},
        problems=problems,
        max_mb=current_app.config["HEARD_UPLOAD_MAX_BYTES"] / 1_048_576,
    )
    return page, status


def _asked() -> NewStudyRequest:
    """Read the form: the slug, the source, and the upload's bytes (one over the limit at most)."""
    upload = request.files.get("upload")
    limit = current_app.config["HEARD_UPLOAD_MAX_BYTES"]
    return NewStudyRequest(
        slug=request.form.get("slug", "").strip(),
        source=request.form.get("source", ""),
        library_name=request.form.get("library", ""),
        data=upload.stream.read(limit + 1) if upload else b"",
        filename=(upload.filename or "") if upload else "",
    )


@bp.route("/studies/new", methods=["GET", "POST"])
@creators_only
def new_study():
    """Create a draft study; on any problem, show them all and create nothing."""
    form = {"source": request.form.get("source", LIBRARY), **request.form.to_dict()}
    if request.method == "GET":
        return _new_page(form)
    asked = _asked()
    try:
        created = create_new_study(
            db.session,
            me(),
            asked,
            max_upload_bytes=current_app.config["HEARD_UPLOAD_MAX_BYTES"],
            draft_lifetime_hours=current_app.config["HEARD_DRAFT_LIFETIME_HOURS"],
        )
    except NewStudyInvalid as invalid:
        return _new_page(form, invalid.errors, invalid.problems, 400)
    flash(f"Study created as a draft at /s/{created.study.slug}. Nothing is public yet.")
    for warning in created.warnings:
        flash(f"{warning.path or asked.filename}: {warning.message} [{warning.code.code}]")
    target = "studio.edit" if created.warnings else "studio.overview"
    return redirect(url_for(target, slug=created.study.slug), code=303)
