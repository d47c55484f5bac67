"""Blueprint `interview`: staff administer an instrument, or follow a guide, with a respondent.

Every module of this package whose name starts with `views` adds routes to
the blueprint when imported (as in the coding blueprint).
"""

import importlib
import pkgutil

from survey.web.interview.blueprint import bp

for _module in pkgutil.iter_modules(__path__):
    if _module.name.startswith("views"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["bp"]
