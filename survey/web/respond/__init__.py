"""Blueprint `respond`: the anonymous respondent's journey under /s/<slug>.

No view here reads the client's address, user agent or referrer, and nothing
answered goes into a cookie or a URL.
"""

from survey.web.respond import codes, entry, exits, pages  # noqa: F401  (they add the routes)
from survey.web.respond.blueprint import bp

__all__ = ["bp"]
