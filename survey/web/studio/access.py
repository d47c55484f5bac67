"""Who is asking, and which study they may open: shared by the studio's views.

A study someone may not see answers 404, exactly like one that does not
exist, and so does an action their role does not allow on a study they can
see: the administration pages answer 404 in the same way (ARCHITECTURE.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort
from flask_login import login_required

from instruments.languages import language_name
from survey.services import permissions
from survey.web.staff_access import may, me, study_or_404
from survey.web.studio.blueprint import bp

__all__ = ["creators_only", "may", "me", "study_or_404"]


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
