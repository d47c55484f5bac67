"""Blueprint `coding`: analysts code free text together, compare, reconcile and exchange.

Every module of this package whose name starts with `views` adds routes to
the blueprint when imported; they are found by name so that a new page is
one new module.
"""

import importlib
import pkgutil

from survey.web.coding import access  # noqa: F401  (the context processor)
from survey.web.coding.blueprint import bp

for _module in pkgutil.iter_modules(__path__):
    if _module.name.startswith("views"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["bp"]
