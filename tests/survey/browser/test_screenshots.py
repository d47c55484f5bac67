"""Screenshots of question pages for a person to look at, saved only when asked for.

HEARD_SCREENSHOTS=1 saves them to test-artifacts/ (not in git).
"""

from __future__ import annotations

import os

import pytest

from tests.survey.browser.conftest import SCREENSHOTS
from tests.survey.browser.kinds import open_kind

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("HEARD_SCREENSHOTS") != "1",
        reason="screenshots are saved only with HEARD_SCREENSHOTS=1",
    ),
]

WIDTHS = {320: 640, 1280: 800}


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
@pytest.mark.parametrize("kind", ["question-several-with-scale", "question-error-choice"])
def test_question_page_screenshot_is_saved_for_review(browsing, live_server, kind, width):
    page = browsing.page(width=width, height=WIDTHS[width])
    open_kind(page, live_server, kind)
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{kind}-{width}px.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 0
