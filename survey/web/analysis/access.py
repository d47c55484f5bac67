"""Which study someone may analyse, and the analysis navigation: shared by the analysis views.

Analysis needs the `analyse` permission (administrators, researchers and
analysts on the team). A study someone may not analyse answers 404, exactly
as one that does not exist. Accepting a code suggestion also needs `code`.
"""

from __future__ import annotations

from flask import current_app

from survey.models import Study
from survey.services import permissions
from survey.web import staff_access
from survey.web.analysis.blueprint import bp
from survey.web.staff_access import may, me

__all__ = ["may", "me", "study_or_404"]

NAV = (
    ("analysis.overview", "Overview", permissions.ANALYSE),
    ("analysis.describe", "Descriptives", permissions.ANALYSE),
    ("analysis.topics", "Topics", permissions.ANALYSE),
    ("analysis.words", "Words in context", permissions.ANALYSE),
    ("analysis.codes", "Codes by answer", permissions.ANALYSE),
    ("analysis.suggestions", "Code suggestions", permissions.ANALYSE),
    ("analysis.reports", "Reports", permissions.ANALYSE),
)


def study_or_404(slug: str, action: str = permissions.ANALYSE) -> Study:
    """Return the study at `slug` if the signed-in person may do `action` (analyse by default)."""
    return staff_access.study_or_404(slug, action)


def nav_links(study: Study) -> list[tuple[str, str]]:
    """Return the (endpoint, label) pairs of the analysis navigation this person may use."""
    return staff_access.nav_links(NAV, study)


@bp.context_processor
def analysis_helpers() -> dict[str, object]:
    """Give analysis templates `may`, the action names and the navigation."""
    return {
        "may": may,
        "ANALYSE": permissions.ANALYSE,
        "CODE": permissions.CODE,
        "nav_links": nav_links,
        "has_page": lambda endpoint: endpoint in current_app.view_functions,
    }
