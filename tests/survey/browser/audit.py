"""A page audited as the accessibility tests audit it: axe-core's WCAG 2.2 A/AA rules, two widths.

Besides axe's rules, two it does not make: the title is plain words (2.4.2)
and nothing needs sideways scrolling at 320 px (1.4.10). axe-core goes in
through `page.evaluate`, which the page's Content-Security-Policy does not
govern, so the page is audited exactly as served (see test_accessibility.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.survey.browser.test_accessibility import MARKUP, RUN_AXE, WCAG_TAGS, WIDTHS, describe

if TYPE_CHECKING:
    from playwright.sync_api import Page

OPEN_EVERY_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


def problems_at_both_widths(page: Page, axe_source: str, name: str) -> list[str]:
    """Return what is wrong with the loaded page at 320 and 1280 px (every <details> opened)."""
    page.evaluate(OPEN_EVERY_DETAILS)
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(axe_source)
    found = []
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        violations = page.evaluate(RUN_AXE, WCAG_TAGS)
        if violations:
            found.append(f"{name} at {width}px:\n{describe(violations)}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            found.append(f"{name} at {width}px scrolls sideways by {overflow}px")
    title = page.title()
    if not title or MARKUP.search(title):
        found.append(f"{name}: the title is not plain words: {title!r}")
    return found
