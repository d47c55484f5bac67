"""Blueprint `studio`: researchers create, check, preview, publish and follow studies."""

from survey.web.studio import (  # noqa: F401  (they add the routes)
    admin,
    views,
    views_create,
    views_edit,
    views_export,
    views_preview,
    views_preview_pages,
    views_settings,
    views_team,
    views_versions,
)
from survey.web.studio.blueprint import bp

__all__ = ["bp"]
