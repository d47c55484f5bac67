"""Every respondent page passes the WCAG 2.2 A and AA checks a machine can make, at 320 and 1280 px.

Those are axe-core's rules, plus two it does not make: the page's title is
plain words (2.4.2), and nothing needs sideways scrolling at 320 px (1.4.10).

axe-core is put into the page with `page.evaluate` of its source. The app's
Content-Security-Policy (`script-src 'self'`) blocks `add_script_tag`, and it
should: it is part of what is under test. Code evaluated through the DevTools
protocol is not subject to the page's CSP, so the page is audited exactly as
served, whereas a context with `bypass_csp=True` would strip the policy from
every response and audit a page respondents never get.
"""

from __future__ import annotations

import re

import pytest

from tests.survey.browser.kinds import PAGES, open_kind

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDTHS = {320: 640, 1280: 800}
MARKUP = re.compile(r"<[a-z/]")
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
  });
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')),
  }));
}"""


def describe(violations: list[dict]) -> str:
    """Return the violations as lines a person can act on."""
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}\n    at {', '.join(v['targets'])}"
        for v in violations
    )


@pytest.mark.parametrize("kind", PAGES)
def test_page_passes_automated_wcag_checks_at_320_and_1280_px(
    browsing, live_server, axe_source, kind
):
    # One load, audited at both widths: resizing re-lays the page out exactly
    # as loading it at that width would (there is no width-dependent script).
    page = browsing.page(width=320, height=WIDTHS[320])
    open_kind(page, live_server, kind)
    page.evaluate(axe_source)
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        violations = page.evaluate(RUN_AXE, WCAG_TAGS)
        assert not violations, f"{kind} at {width}px:\n{describe(violations)}"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{kind} at {width}px scrolls sideways by {overflow}px"
    title = page.title()
    assert title and not MARKUP.search(title), f"{kind}: the title is not plain words: {title!r}"
