"""Blueprint `studio`: researchers create, check, preview, publish and follow studies."""

from survey.web.studio import views  # noqa: F401  (they add the routes)
from survey.web.studio.blueprint import bp

__all__ = ["bp"]
