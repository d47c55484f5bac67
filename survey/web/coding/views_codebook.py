"""Coding views: the codebook tree, and adding, editing, merging, splitting and deleting codes.

The rules (names unique among siblings, no cycles, categories not codable)
are the `coding` library's; the services apply them in one transaction each
and these views turn a refusal into its message on the same page.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from coding.model import DEFAULT_COLOUR
from survey.extensions import db
from survey.models import Code, Study
from survey.services import permissions
from survey.services.coding import codebook, coders, memos, pages, reading
from survey.services.coding.errors import NotFound, Refused
from survey.web.coding.access import counted, me, study_or_404
from survey.web.coding.blueprint import bp

MAX_PARTS = 6


def render_codebook(study: Study, error: str | None = None, status: int = 200):
    """Render the codebook page, with an error message when something was refused."""
    html = render_template(
        "coding/codebook.html",
        here="coding.codebook",
        study=study,
        tree=pages.tree(db.session, study, me()),
        code_memos=memos.code_memos(db.session, study, me()),
        study_memos=memos.memos_on(db.session, study, me(), "study"),
        error=error,
    )
    return html, status


def _uses(study: Study, code: Code) -> int:
    """Return how many of the segments this person may see carry `code`."""
    return codebook.uses(db.session, code, coders.visible_coder_ids(db.session, study, me()))


def _form_page(study: Study, mode: str, code: Code | None = None, status: int = 200, **values):
    without = code.public_id if code is not None else None
    html = render_template(
        "coding/code_form.html",
        here="coding.codebook",
        study=study,
        mode=mode,
        code=code,
        choices=pages.choices(db.session, study, without=without),
        uses=_uses(study, code) if code is not None else 0,
        **{"fields": None, "error": None, **values},
    )
    return html, status


def _fields() -> codebook.CodeFields:
    form = request.form
    return codebook.CodeFields(
        name=form.get("name", ""),
        parent=form.get("parent") or None,
        codable=form.get("kind", "code") != "category",
        colour=form.get("colour", "").strip() or DEFAULT_COLOUR,
        **{name: form.get(name, "") for name in codebook.ENTRY_FIELDS},
    )


def _code(study: Study, guid: str) -> Code:
    try:
        return codebook.code_row(db.session, study, guid)
    except NotFound:
        abort(404)


@bp.get("/<slug>/codebook", endpoint="codebook")
@login_required
def codebook_page(slug: str):
    """Show the codebook: categories and codes as a tree, each entry, colour, count and memos."""
    return render_codebook(study_or_404(slug))


@bp.get("/<slug>/colours.css", endpoint="code_colours")
@login_required
def code_colours(slug: str):
    """Serve the stylesheet that gives each code's marks and swatches its colour."""
    css = pages.colour_rules(db.session, study_or_404(slug))
    return Response(css, mimetype="text/css")


@bp.route("/<slug>/codebook/new", methods=["GET", "POST"], endpoint="code_new")
@login_required
def code_new(slug: str):
    """Add a code or a category (GET: the form)."""
    study = study_or_404(slug)
    if request.method == "GET":
        parent = request.args.get("parent") or None
        return _form_page(study, "new", fields=codebook.CodeFields(name="", parent=parent))
    fields = _fields()
    try:
        code = codebook.add_code(db.session, me(), study, fields)
    except Refused as error:
        return _form_page(study, "new", fields=fields, error=error.message, status=400)
    flash(f"Added “{code.name}”.")
    return redirect(url_for("coding.codebook", slug=slug, _anchor=f"code-{code.public_id}"), 303)


@bp.route("/<slug>/codebook/<guid>", methods=["GET", "POST"], endpoint="code_edit")
@login_required
def code_edit(slug: str, guid: str):
    """Edit a code: rename, move, rewrite its entry, change its colour (GET: the form)."""
    study = study_or_404(slug)
    code = _code(study, guid)
    if request.method == "GET":
        return _form_page(study, "edit", code, fields=codebook.fields_of(db.session, code))
    fields = _fields()
    try:
        codebook.edit_code(db.session, me(), study, guid, fields)
    except NotFound:
        abort(404)
    except Refused as error:
        return _form_page(study, "edit", code, 400, fields=fields, error=error.message)
    flash(f"Saved “{code.name}”.")
    return redirect(url_for("coding.codebook", slug=slug, _anchor=f"code-{guid}"), 303)


@bp.post("/<slug>/codebook/<guid>/merge", endpoint="code_merge")
@login_required
def code_merge(slug: str, guid: str):
    """Merge a code into another: first ask to confirm, then move its segments and remove it."""
    study = study_or_404(slug, permissions.LEAD_CODING)
    code = _code(study, guid)
    target = request.form.get("target", "")
    if not target:
        fields = codebook.fields_of(db.session, code)
        message = "Choose the code to merge it into."
        return _form_page(study, "edit", code, 400, fields=fields, error=message)
    if request.form.get("confirm") != "yes":
        return _form_page(study, "merge", code, target=target)
    try:
        moved = codebook.merge_code(db.session, me(), study, guid, target)
    except NotFound:
        abort(404)
    except Refused as error:
        return _form_page(study, "merge", code, 400, target=target, error=error.message)
    flash(f"Merged “{code.name}”: {counted(moved, 'segment')} moved.")
    return redirect(url_for("coding.codebook", slug=slug, _anchor=f"code-{target}"), 303)


def _parts() -> int:
    value = request.values.get("parts", "2")
    return min(max(int(value), 2), MAX_PARTS) if value.isdigit() and len(value) < 3 else 2


def _split_page(study: Study, code: Code, error: str | None = None):
    parts, form = _parts(), request.form
    texts = pages.coded_texts(db.session, study, me(), code)
    if texts:
        reading.record_view(db.session, me(), study, "code_split", code, shown=len(texts))
    values = {
        "texts": texts,
        "parts": parts,
        "names": [form.get(f"name-{i}", "") for i in range(parts)],
        "chosen": {k.removeprefix("to-"): v for k, v in form.items() if k.startswith("to-")},
    }
    return _form_page(study, "split", code, 400 if error else 200, error=error, **values)


@bp.route("/<slug>/codebook/<guid>/split", methods=["GET", "POST"], endpoint="code_split")
@login_required
def code_split(slug: str, guid: str):
    """Split a code: name new codes under it and choose, segment by segment, where each goes."""
    study = study_or_404(slug, permissions.LEAD_CODING)
    code = _code(study, guid)
    if request.method == "GET":
        return _split_page(study, code)
    form = request.form
    names = [form.get(f"name-{i}", "") for i in range(_parts())]
    chosen = {k.removeprefix("to-"): v for k, v in form.items() if k.startswith("to-")}
    try:
        made = codebook.split_from_form(db.session, me(), study, guid, names, chosen)
    except NotFound:
        abort(404)
    except Refused as refusal:
        return _split_page(study, code, refusal.message)
    flash(f"Split “{code.name}” into {counted(len(made), 'new code')}.")
    return redirect(url_for("coding.codebook", slug=slug, _anchor=f"code-{guid}"), 303)


def _delete_page(study: Study, code: Code, error: str | None = None):
    html = render_template(
        "coding/code_delete.html",
        here="coding.codebook",
        study=study,
        code=code,
        uses=_uses(study, code),
        children=pages.has_children(db.session, code),
        choices=[c for c in pages.choices(db.session, study, without=code.public_id) if c.codable],
        how=request.form.get("segments", ""),
        target=request.form.get("target", ""),
        error=error,
    )
    return html, 400 if error else 200


@bp.route("/<slug>/codebook/<guid>/delete", methods=["GET", "POST"], endpoint="code_delete")
@login_required
def code_delete(slug: str, guid: str):
    """Delete a code; if it is in use, ask whether to move its segments or remove them."""
    study = study_or_404(slug, permissions.LEAD_CODING)
    code = _code(study, guid)
    if request.method == "GET":
        return _delete_page(study, code)
    how, target = request.form.get("segments", "refuse"), request.form.get("target", "")
    if how == "move" and not target:
        return _delete_page(study, code, "Choose the code to move its segments to.")
    segments = {"remove": "remove", "move": target}.get(how, "refuse")
    try:
        count = codebook.delete_code(db.session, me(), study, guid, segments)
    except NotFound:
        abort(404)
    except Refused as refusal:
        return _delete_page(study, code, refusal.message)
    done = {"remove": "removed", "move": "moved"}.get(how, "")
    flash(f"Deleted “{code.name}”" + (f"; {counted(count, 'segment')} {done}." if count else "."))
    return redirect(url_for("coding.codebook", slug=slug), 303)
