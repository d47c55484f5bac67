"""Blueprint `analysis`: descriptives, topic models, keyword in context and code suggestions.

Analysts see what respondents talk about without writing code. Every page
reads the redacted text only, and every count passes through disclosure
control with the study's threshold. Every module of this package whose name
starts with `views` adds routes to the blueprint when imported.
"""

import importlib
import pkgutil

from survey.web.analysis import access  # noqa: F401  (the context processor)
from survey.web.analysis.blueprint import bp

for _module in pkgutil.iter_modules(__path__):
    if _module.name.startswith("views"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["bp"]
