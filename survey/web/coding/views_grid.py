"""Coding views: the grid of one question's answers by codes, ticked and saved without JS."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from survey.extensions import db
from survey.models import Study
from survey.services.coding import grid, reading
from survey.services.coding.errors import NotFound, Refused
from survey.web.coding.access import counted, me, study_or_404
from survey.web.coding.blueprint import bp

FILTER_PREFIX = "a_"


def _view(values: MultiDict) -> grid.View:
    """Return the filters, sort and page asked for in a query string or a form."""
    filters = {
        key.removeprefix(FILTER_PREFIX): value
        for key, value in values.items()
        if key.startswith(FILTER_PREFIX) and value
    }
    sort = values.get("sort", "case")
    page = values.get("page", type=int) or 1
    return grid.View(filters, sort if sort in grid.SORTS else "case", page)


def _query(view: grid.View) -> dict[str, str]:
    """Return the query string that shows `view` again (without the page)."""
    return {f"{FILTER_PREFIX}{k}": v for k, v in view.filters.items()} | {"sort": view.sort}


def _cells(values: list[str]) -> set[grid.Cell]:
    cells = set()
    for value in values:
        document, _, code = value.partition(":")
        if not document or not code:
            abort(404)
        cells.add((document, code))
    return cells


def _grid_page(study: Study, item_id: str, view: grid.View, error: str = "", status: int = 200):
    try:
        found = grid.grid(db.session, study, me(), item_id, view)
    except NotFound:
        abort(404)
    if not found.suppressed:
        reading.record_view(db.session, me(), study, "grid", question=item_id, rows=len(found.rows))
    page = render_template(
        "coding/grid.html",
        here="coding.grid",
        study=study,
        grid=found,
        view=view,
        query=_query(view),
        prefix=FILTER_PREFIX,
        sorts=grid.SORTS,
        error=error,
    )
    return page, status


@bp.get("/<slug>/grid/<item_id>", endpoint="grid")
@login_required
def grid_page(slug: str, item_id: str):
    """Show the answers to one question as rows and the codable codes as columns to tick."""
    study = study_or_404(slug)
    return _grid_page(study, item_id, _view(request.args))


@bp.post("/<slug>/grid/<item_id>", endpoint="grid_save")
@login_required
def grid_save(slug: str, item_id: str):
    """Code or uncode the whole answers whose boxes were ticked or unticked on the page."""
    study = study_or_404(slug)
    form, view = request.form, _view(request.form)
    ticked, was = _cells(form.getlist("cell")), _cells(form.getlist("was"))
    try:
        saved = grid.save(db.session, me(), study, item_id, set(form.getlist("row")), ticked, was)
    except NotFound:
        abort(404)
    except grid.GridChanged as error:
        return _grid_page(study, item_id, view, error.message, 409)
    except Refused as error:
        return _grid_page(study, item_id, view, error.message, 400)
    flash(f"Saved: {counted(saved.added, 'box', 'boxes')} newly ticked, {saved.removed} unticked.")
    target = url_for(
        "coding.grid", slug=study.slug, item_id=item_id, page=view.page, **_query(view)
    )
    return redirect(target, code=303)
