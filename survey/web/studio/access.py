"""Who is asking, and which study they may open: shared by the studio's views.

A study someone may not see answers 404, exactly like one that does not
exist, and so does an action their role does not allow on a study they can
see: the administration pages answer 404 in the same way (ARCHITECTURE.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort
from flask_login import current_user, login_required

from instruments.languages import language_name
from survey.extensions import db
from survey.models import Study, User
from survey.services import permissions
from survey.web.studio.blueprint import bp


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


def creators_only(view: Callable) -> Callable:
    """Let people who may create studies through; 404 for other staff."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not may(permissions.CREATE_STUDY):
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.context_processor
def permission_helpers() -> dict[str, object]:
    """Give studio templates `may(action, study)`, the action names and `language_name`."""
    return {
        "language_name": language_name,
        "may": may,
        "EDIT": permissions.EDIT,
        "VIEW": permissions.VIEW,
        "MANAGE_TEAM": permissions.MANAGE_TEAM,
        "CREATE_STUDY": permissions.CREATE_STUDY,
    }
