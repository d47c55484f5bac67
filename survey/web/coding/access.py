"""Who is asking and which study they may code: shared by the coding views.

Like the studio, a study someone may not code answers 404, exactly as one
that does not exist. Coding needs the `code` permission (administrators,
researchers and analysts on the team); leading the coding (blind mode,
reveal, compare, reconcile, project import) needs `lead_coding`.
"""

from __future__ import annotations

from flask import current_app

from survey.extensions import db
from survey.models import Study
from survey.services import permissions
from survey.services.coding import coders
from survey.web import staff_access
from survey.web.coding.blueprint import bp
from survey.web.staff_access import may, me

__all__ = ["counted", "may", "me", "study_or_404"]

NAV = (
    ("coding.overview", "Overview", permissions.CODE),
    ("coding.documents", "Documents", permissions.CODE),
    ("coding.transcripts", "Transcripts", permissions.CODE),
    ("coding.codebook", "Codebook", permissions.CODE),
    ("coding.codes", "Codes", permissions.CODE),
    ("coding.search", "Search", permissions.CODE),
    ("coding.coders", "Coders", permissions.LEAD_CODING),
    ("coding.compare", "Compare", permissions.LEAD_CODING),
    ("coding.agreement", "Agreement", permissions.LEAD_CODING),
    ("coding.exchange", "Export and import", permissions.CODE),
    ("coding.log", "Log", permissions.CODE),
    ("coding.redaction", "Redaction", permissions.REDACT),
)


def study_or_404(slug: str, action: str = permissions.CODE) -> Study:
    """Return the study at `slug` if the signed-in person may do `action` (coding by default)."""
    return staff_access.study_or_404(slug, action)


def counted(number: int, one: str, many: str | None = None) -> str:
    """Return "1 segment" or "3 segments": the number with the right form of the noun."""
    return f"{number} {one if number == 1 else (many or one + 's')}"


def nav_links(study: Study) -> list[tuple[str, str]]:
    """Return the (endpoint, label) pairs of the coding navigation this person may use."""
    return staff_access.nav_links(NAV, study)


@bp.context_processor
def coding_helpers() -> dict[str, object]:
    """Give coding templates `may`, the action names, the navigation and blind-mode state."""
    return {
        "may": may,
        "CODE": permissions.CODE,
        "LEAD_CODING": permissions.LEAD_CODING,
        "nav_links": nav_links,
        "has_page": lambda endpoint: endpoint in current_app.view_functions,
        "coding_settings": lambda study: coders.settings_for(db.session, study),
    }
