"""Benchmark: the first question page on a slow phone, against the 2.5 s goal (issue 9, item 7).

Run with ``.venv/bin/python bench/slow_network.py`` (``--runs`` to repeat).

The demo study is served by `heard serve` (bench/servers.py), and the system
Chromium, through Playwright, agrees to take part and reaches the first
question. Then, for each run, the page is loaded again cold (the cache off,
as on a first visit) under emulated "Regular 3G" as the issue defines it:
1,125 ms latency, 80 KB/s down and up, and the CPU slowed four times. The time
printed is when the first question could be used: its first input is in the
document as parsed and visible, which is the first contentful paint (the page
carries its stylesheet inline, so it shows once the document has arrived; its
one script is deferred and changes nothing that is shown). Not a test: the figures depend on the
machine; tests/survey/browser/test_slow_network.py checks what makes the page
fast (two requests, nothing waiting on JavaScript).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

if TYPE_CHECKING:
    from playwright.sync_api import CDPSession, Page

GOAL_S = 2.5
CHROMIUM = "/usr/bin/chromium"
LATENCY_MS = 1125
BYTES_PER_S = 80 * 1024
CPU_SLOWDOWN = 4
FIRST_INPUT = "main form fieldset input, main form fieldset textarea, main form fieldset select"
# When the page could first be used, in ms from the start of navigation, and its parts.
TIMINGS = """async (selector) => {
  const paint = await new Promise(resolve => {
    new PerformanceObserver(list => {
      const found = list.getEntriesByName('first-contentful-paint')[0];
      if (found) { resolve(found); }
    }).observe({type: 'paint', buffered: true});
    setTimeout(() => resolve(null), 30000);
  });
  const nav = performance.getEntriesByType('navigation')[0];
  const input = document.querySelector(selector);
  const box = input ? input.getBoundingClientRect() : null;
  return {
    response_end: nav.responseEnd, dom_content_loaded: nav.domContentLoadedEventEnd,
    first_paint: paint ? paint.startTime : null, load: nav.loadEventEnd,
    input_ready: !!input && !input.disabled && box.width > 0 && box.height > 0,
    bytes: [nav, ...performance.getEntriesByType('resource')]
      .reduce((sum, entry) => sum + entry.transferSize, 0),
  };
}"""


def slow_down(page: Page) -> CDPSession:
    """Emulate "Regular 3G" with a four times slower CPU and no cache; return the CDP session."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    conditions = {"offline": False, "latency": LATENCY_MS,
                  "downloadThroughput": BYTES_PER_S, "uploadThroughput": BYTES_PER_S}  # fmt: skip
    cdp.send("Network.emulateNetworkConditions", conditions)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return cdp


def speed_up(cdp: CDPSession) -> None:
    """Undo `slow_down`."""
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    conditions = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", conditions)
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.detach()


def usable_after(page: Page) -> tuple[float, dict]:
    """Return when the loaded page could first be used (seconds) and its timings."""
    timings = page.evaluate(TIMINGS, FIRST_INPUT)
    if not timings["input_ready"] or timings["first_paint"] is None:
        raise SystemExit(f"the first question's input is not visible and enabled on {page.url}")
    return timings["first_paint"] / 1000, timings


def reach_first_question(page: Page, base: str) -> str:
    """Start the demo survey, read the safety page and agree; return the first question's URL."""
    page.goto(f"{base}/s/police-response")
    for button in ("Start", "Continue", "I understand and want to take part"):
        with page.expect_navigation():
            page.get_by_role("button", name=button, exact=True).click()
    return page.url


def main() -> None:
    """Measure `--runs` cold loads of the first question page under Regular 3G; print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from bench import servers

    with servers.heard("sqlite") as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
        url = reach_first_question(page, f"http://127.0.0.1:{server.port}")
        print(f"first question page: {url.split('/s/', 1)[1]}")
        print(
            f"Regular 3G: {LATENCY_MS} ms latency, {BYTES_PER_S // 1024} KB/s, CPU x{CPU_SLOWDOWN}"
        )
        times = []
        for run in range(1, args.runs + 1):
            cdp = slow_down(page)
            page.goto(url)
            seconds, timings = usable_after(page)
            speed_up(cdp)
            times.append(seconds)
            parts = ", ".join(
                f"{key} {value:.0f} ms"
                for key, value in timings.items()
                if key not in ("input_ready", "bytes")
            )
            parts += f"; {timings['bytes']} bytes transferred"
            print(f"run {run}: usable after {seconds:.2f} s ({parts})")
        browser.close()
    median = statistics.median(times)
    verdict = "within" if median <= GOAL_S else "OVER"
    print(f"median {median:.2f} s: {verdict} the {GOAL_S} s goal")


if __name__ == "__main__":
    main()
