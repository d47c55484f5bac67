"""Who is asking, and which study they may open: shared by the staff blueprints.

A study someone may not see answers 404, exactly like one that does not
exist, and so does an action their role does not allow on a study they can
see (ARCHITECTURE.md). The studio and the coding workspace both use these;
neither blueprint imports the other.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort, current_app
from flask_login import current_user

from survey.extensions import db
from survey.models import Study, User
from survey.services import permissions


def me() -> User:
    """Return the signed-in staff member."""
    return current_user._get_current_object()


def study_or_404(slug: str, action: str = permissions.VIEW) -> Study:
    """Return the study at `slug` if the signed-in person may do `action` on it; else 404."""
    try:
        return permissions.study_for(db.session, me(), slug, action)
    except permissions.NotAllowed:
        abort(404)


def may(action: str, study: Study | None = None) -> bool:
    """Return True when the signed-in person may do `action` (on `study`)."""
    return current_user.is_authenticated and permissions.may(db.session, me(), action, study)


def nav_links(nav: Iterable[tuple[str, str, str]], study: Study) -> list[tuple[str, str]]:
    """Return the (endpoint, label) pairs of `nav` that exist and this person may use on `study`."""
    return [
        (endpoint, label)
        for endpoint, label, action in nav
        if endpoint in current_app.view_functions and may(action, study)
    ]
