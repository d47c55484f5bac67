"""An interview guide: topics, prompts and follow-ups, with a notes box per topic.

The notes stay in this interviewer's server-side session (never a cookie,
never the URL) until they are saved as a transcript document, or discarded.
"""

from __future__ import annotations

from flask import abort, flash, request, session
from flask_login import login_required

from survey.extensions import db
from survey.services import interview_notes
from survey.web.interview.blueprint import bp
from survey.web.interview.common import instrument_for, interview_study, render, to
from survey.web.staff_access import me

NOTES = "interview_guide_notes"
ACTIONS = ("keep", "save", "discard")


def _kept(slug: str) -> dict[str, str]:
    return interview_notes.opened_notes(dict(session.get(NOTES, {}).get(slug, {})))


def _keep(study, notes: dict[str, str] | None) -> None:
    slug = study.slug
    everything = dict(session.get(NOTES, {}))
    if notes:
        # Sealed with the study's key: the session row is in the database.
        everything[slug] = interview_notes.sealed_notes(db.session, study, notes)
    else:
        everything.pop(slug, None)
    session[NOTES] = everything


@bp.route("/<slug>/guide", methods=["GET", "POST"], endpoint="guide")
@login_required
def guide(slug: str):
    """Show the guide with notes per topic; keep the notes, save them as a document, or discard."""
    study = interview_study(slug)
    instrument = instrument_for(study)
    if not instrument.is_guide:
        abort(404)
    if request.method == "GET":
        return render("guide.html", study, instrument=instrument, notes=_kept(slug))
    action = request.form.get("action")
    posted = {topic.id: request.form.get(f"note-{topic.id}", "") for topic in instrument.topics}
    try:
        notes = interview_notes.clean_notes(instrument, posted)
    except interview_notes.NoteTooLong:
        limit = interview_notes.MAX_NOTE_LENGTH
        message = f"The notes on one topic are over {limit:,} characters: shorten them."
        return render("guide.html", study, status=400, instrument=instrument, notes=posted,
                      error=message)  # fmt: skip
    if action not in ACTIONS:
        abort(400)
    if action == "save":
        return _save(study, instrument, notes, posted)
    _keep(study, notes if action == "keep" else None)
    flash("Notes kept for now." if action == "keep" else "Notes discarded.")
    return to("guide", slug)


def _save(study, instrument, notes, posted):
    try:
        document = interview_notes.save_notes(db.session, study, instrument, notes, me())
    except interview_notes.NotesEmpty:
        return render("guide.html", study, status=400, instrument=instrument, notes=posted,
                      error="There are no notes to save yet.")  # fmt: skip
    _keep(study, None)
    flash(f"Notes saved as the document “{document.name}”, ready to code.")
    return to("guide", study.slug)
