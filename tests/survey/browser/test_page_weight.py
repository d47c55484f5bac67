"""Every respondent page is small: at most 15 KB gzipped, HTML, CSS and JS together.

Measured from what the browser really fetched for the page, each body gzipped
on its own (as a server would send it). The stylesheet travels inside the
document (one round trip fewer on a slow network: survey/web/headers.py), so
it is weighed as part of the document. The sizes are printed in the terminal
summary. That no request leaves the live server's origin is checked for every
test by the `browsing` fixture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.survey.browser.conftest import BUDGET, PageWeight
from tests.survey.browser.kinds import PAGES, open_kind

if TYPE_CHECKING:
    from playwright.sync_api import Response

pytestmark = pytest.mark.browser

WEIGHED = ("document", "stylesheet", "script")


def last_page_load(responses: list[Response]) -> list[Response]:
    """Return the last document the main frame received and the responses after it."""
    starts = [
        i
        for i, response in enumerate(responses)
        if response.request.resource_type == "document"
        and response.frame.parent_frame is None
        and not 300 <= response.status < 400
    ]
    assert starts, "no page was loaded"
    return responses[starts[-1] :]


@pytest.mark.parametrize("kind", PAGES)
def test_page_is_within_the_15_kb_budget(browsing, live_server, page_weights, kind):
    page = browsing.page()
    # Routing turns the browser's cache off, so every page fetches its CSS and JS anew.
    page.route("**/*", lambda route: route.continue_())
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    open_kind(page, live_server, kind)
    loaded = [r for r in last_page_load(responses) if r.request.resource_type in WEIGHED]
    kinds = sorted(r.request.resource_type for r in loaded)
    assert kinds == ["document", "script"], f"expected one document and script, got {kinds}"
    weight = PageWeight.of([(r.request.resource_type, r.body()) for r in loaded])
    page_weights[kind] = weight
    assert weight.total <= BUDGET, (
        f"{kind} is {weight.total} bytes gzipped (document {weight.document}, "
        f"CSS {weight.stylesheet}, JS {weight.script}): over the {BUDGET} byte budget"
    )
