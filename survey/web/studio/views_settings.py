"""Studio views: a study's settings (dates, languages, support, exit, retention, privacy)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from instruments.schema import Instrument
from survey.extensions import db
from survey.models import Study
from survey.services import permissions, studio
from survey.services.retention import retention_of
from survey.services.study_settings import (
    LIMITS,
    SettingsInvalid,
    form_values,
    posted_values,
    update_settings,
)
from survey.services.support import support_for
from survey.web.studio.access import me, study_or_404
from survey.web.studio.blueprint import bp


def _settings_page(
    study: Study, instrument: Instrument, values: dict, errors: dict | None = None, status=200
):
    defaults = {lang: support_for(instrument, lang) for lang in instrument.languages}
    page = render_template(
        "studio/settings.html",
        here="settings",
        study=study,
        instrument=instrument,
        values=values,
        errors=errors or {},
        limits=LIMITS,
        defaults=defaults,
        default_exit=current_app.config["HEARD_DEFAULT_EXIT_URL"],
        link_hosts=current_app.config.get("HEARD_LINK_HOSTS", ()),
        retention=retention_of(study),
    )
    return page, status


@bp.route("/studies/<slug>/settings", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    """Show the settings; saving checks every field and records each change in the audit log."""
    study = study_or_404(slug, permissions.EDIT)
    instrument = studio.working_instrument(study)
    if request.method == "GET":
        return _settings_page(study, instrument, form_values(study, instrument))
    posted = {name: request.form.getlist(name) for name in request.form}
    try:
        hosts = current_app.config.get("HEARD_LINK_HOSTS", ())
        changed = update_settings(db.session, me(), study, instrument, posted, link_hosts=hosts)
    except SettingsInvalid as invalid:
        values = posted_values(posted, instrument)
        return _settings_page(study, instrument, values, invalid.errors, 400)
    flash("Settings saved." if changed else "Nothing was changed.")
    return redirect(url_for("studio.settings", slug=study.slug), code=303)
