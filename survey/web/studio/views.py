"""Studio views: the list of studies, a study's overview, and publish, close and reopen."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import login_required

from survey.extensions import db
from survey.services import permissions, studio
from survey.services.link_hosts import LinksNotAllowed
from survey.services.listing import notes_of
from survey.services.retention import retention_of
from survey.services.studio import NotPublishable, WrongState
from survey.web.studio.access import me, study_or_404
from survey.web.studio.blueprint import bp

WRONG_STATE = {
    "publish": "There is no draft to publish: edit the instrument first.",
    "close": "Only an open study can be closed.",
    "reopen": "Only a closed study can be reopened, and never one whose data was deleted "
    "at its retention date.",
}
DONE = {
    "publish": "Published. New respondents get this version; anyone already answering "
    "keeps the version they started.",
    "close": "The study is closed: it takes no more answers. People can still withdraw.",
    "reopen": "The study is open again.",
}


@bp.get("/")
@login_required
def index():
    """List the studies this person may see, with their counts."""
    studies = permissions.visible_studies(db.session, me())
    rows = [(s, studio.counts(db.session, s)) for s in studies]
    return render_template("studio/index.html", rows=rows, shown_count=studio.shown_count)


@bp.get("/studies/<slug>")
@login_required
def overview(slug: str):
    """Show a study: status, counts, link, versions, the draft's checks and what to do next."""
    study = study_or_404(slug)
    return _overview_page(studio.overview(db.session, study))


def _overview_page(
    view: studio.Overview,
    status: int = 200,
    problem: str | None = None,
    problems: list[str] | None = None,
):
    page = render_template(
        "studio/study.html",
        here="overview",
        view=view,
        study=view.study,
        problem=problem,
        problems=problems or [],
        notes=notes_of(studio.draft_source(view.study), view.report),
        shown_count=studio.shown_count,
        retention=retention_of(view.study),
        link=url_for("respond.landing", slug=view.study.slug, _external=True),
    )
    return page, status


@bp.post("/studies/<slug>/publish")
@login_required
def publish(slug: str):
    """Freeze the draft as the version new respondents get (the first time, open the study)."""
    return _change(slug, "publish", studio.publish, links=True)


@bp.post("/studies/<slug>/close")
@login_required
def close(slug: str):
    """Stop taking answers."""
    return _change(slug, "close", studio.close)


@bp.post("/studies/<slug>/reopen")
@login_required
def reopen(slug: str):
    """Take answers again."""
    return _change(slug, "reopen", studio.reopen, links=True)


def _change(slug: str, action: str, change, links: bool = False) -> object:
    study = study_or_404(slug, permissions.EDIT)
    hosts = {"link_hosts": current_app.config.get("HEARD_LINK_HOSTS", ())} if links else {}
    try:
        change(db.session, me(), study, **hosts)
    except LinksNotAllowed as refused:
        problem = (
            f"The study cannot be {'published' if action == 'publish' else 'reopened'}: "
            "some links go to sites the administrator does not allow. Change them in the "
            "settings or the instrument first."
        )
        view = studio.overview(db.session, study)
        return _overview_page(view, 409, problem, refused.problems)
    except NotPublishable:
        problem = "The draft cannot be published yet. Fix what is listed below first."
        return _overview_page(studio.overview(db.session, study), 409, problem)
    except WrongState:
        return _overview_page(studio.overview(db.session, study), 409, WRONG_STATE[action])
    flash(DONE[action])
    return redirect(url_for("studio.overview", slug=study.slug), code=303)
