"""The first question is usable on a slow phone: few round trips, and nothing waits on JavaScript.

Under emulated "Regular 3G" (1,125 ms latency, 80 KB/s) with the CPU slowed
four times, as bench/slow_network.py measures it against the 2.5 s goal: what
makes the page fast is asserted here (the document, its stylesheet inline,
and one deferred script, all from our origin, nothing fetched later), the time only
printed, since a timed assertion would fail on a busy machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from bench.slow_network import FIRST_INPUT, slow_down, speed_up, usable_after
from tests.survey.browser.conftest import origin
from tests.survey.browser.pages import consented, demo_path, first_page_where, hand_over

if TYPE_CHECKING:
    from playwright.sync_api import Request

pytestmark = pytest.mark.browser

FIRST_PAGE, _ = first_page_where(lambda items: items[0] if items else None)
QUESTION = demo_path(f"page/{FIRST_PAGE}")


def test_the_first_question_page_loads_in_two_requests_under_regular_3g(browsing, live_server):
    page = browsing.page(width=360, height=740)
    hand_over(consented(live_server), page, live_server)
    requested: list[Request] = []
    page.on("request", lambda request: requested.append(request))
    cdp = slow_down(page)
    page.goto(QUESTION)
    seconds, timings = usable_after(page)
    page.wait_for_load_state("networkidle")
    speed_up(cdp)
    print(f"\nfirst question usable after {seconds:.2f} s under Regular 3G: {timings}")
    kinds = sorted(request.resource_type for request in requested)
    assert kinds == ["document", "script"], [r.url for r in requested]
    assert {origin(request.url) for request in requested} == {live_server.url}
    assert page.evaluate("[...document.scripts].every(s => s.defer || s.async)"), (
        "a script blocks the page from showing"
    )


def test_the_first_question_is_usable_with_javascript_off(browsing, live_server):
    page = browsing.page(width=320, height=640, javascript=False)
    hand_over(consented(live_server), page, live_server)
    page.goto(QUESTION)
    first = page.locator(FIRST_INPUT).first
    assert first.is_visible() and first.is_enabled()
    assert page.get_by_role("button", name="Continue", exact=True).is_enabled()
