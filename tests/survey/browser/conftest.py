"""Browser fixtures: one system Chromium per session, a live server and a fresh context per test.

Playwright drives the Chromium the system package installed; no browser is
ever downloaded, and no test touches the real network:

- Every request a context makes is noted, and a test fails if any went to
  another origin than the live server's: respondent pages must load nothing
  from elsewhere (quick exit tests may also reach the exit site).
- Chromium resolves no host name but the exit site's, which it resolves to a
  local stand-in, so a stray request fails instead of leaving the machine.
  The exit site cannot be intercepted with `context.route` instead: quick
  exit without JavaScript reaches it through a redirect from /x, and
  Playwright never routes a redirect's target (its documentation says so),
  so that request would go out to the real site.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from survey.config import DEFAULT_EXIT_URL
from survey.extensions import db
from tests.conftest import REPO
from tests.factories import add_demo_study, add_study

try:
    from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # reported by the `browser` fixture, with the reason
    sync_playwright = None
    PlaywrightError = Exception

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "test-artifacts"
TIMEOUT_MS = 10_000
BUDGET = 15 * 1024  # bytes, gzipped: HTML, CSS and JS of one respondent page
CLOSED_SLUG = "closed-study"
NO_SAVING_SLUG = "no-saving"
WEIGHTS = pytest.StashKey[dict[str, "PageWeight"]]()
NEUTRAL_PAGE = b"<!doctype html><html lang=en><title>Weather</title><h1>Weather</h1></html>"


def unavailable(reason: str) -> None:
    """Skip with `reason`, or fail when HEARD_REQUIRE_BROWSER=1 says the browser must run."""
    if os.environ.get("HEARD_REQUIRE_BROWSER") == "1":
        pytest.fail(f"HEARD_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def exit_host() -> str:
    """Return the host of the default exit URL (BBC Weather)."""
    return urlsplit(DEFAULT_EXIT_URL).hostname or ""


def chromium_path() -> str | None:
    """Return the system Chromium's path, or None when it is not installed."""
    return CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")


def origin(url: str) -> str:
    """Return the scheme, host and port of `url`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class NeutralSiteHandler(BaseHTTPRequestHandler):
    """Answer every GET with a tiny weather page, and note the path asked for."""

    server: NeutralSiteServer

    def do_GET(self) -> None:
        """Serve the tiny page."""
        self.server.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(NEUTRAL_PAGE)))
        self.end_headers()
        self.wfile.write(NEUTRAL_PAGE)

    def log_message(self, format: str, *args: object) -> None:
        """Log nothing."""


class NeutralSiteServer(ThreadingHTTPServer):
    """A local HTTPS stand-in for the exit site, keeping the paths asked for."""

    daemon_threads = True
    paths: list[str]


def self_signed_certificate(folder: Path, host: str) -> tuple[Path, Path]:
    """Make a throwaway certificate and key for `host`; return their paths."""
    openssl = shutil.which("openssl")
    if openssl is None:
        unavailable("openssl not found: it makes the certificate of the stand-in exit site")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = [openssl, "req", "-x509", "-nodes", "-days", "1", "-subj", f"/CN={host}"]
    command += ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    command += ["-addext", f"subjectAltName=DNS:{host}", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(command, check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="session")
def neutral_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NeutralSiteServer]:
    """The exit site's stand-in, on 127.0.0.1 over HTTPS, for the whole session."""
    cert, key = self_signed_certificate(tmp_path_factory.mktemp("neutral-site"), exit_host())
    server = NeutralSiteServer(("127.0.0.1", 0), NeutralSiteHandler)
    server.paths = []
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser(request: pytest.FixtureRequest) -> Iterator[Browser]:
    """The system Chromium, headless, launched once for the whole session."""
    path = chromium_path()
    if path is None:
        unavailable(f"no Chromium at {CHROMIUM} or on PATH (apt-get install chromium)")
    if sync_playwright is None:
        unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    port = request.getfixturevalue("neutral_site").server_address[1]
    resolve_nothing_else = (
        f"--host-resolver-rules=MAP {exit_host()}:443 127.0.0.1:{port}, "
        "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=path,
            args=[*CHROMIUM_ARGS, resolve_nothing_else],
            headless=True,
            # Playwright turns the back/forward cache off by default. Respondents'
            # browsers have it on, and what Back shows after quick exit is under test.
            ignore_default_args=["--disable-back-forward-cache"],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The source of axe-core, installed by `npm ci` (test-only, never served)."""
    if not AXE.is_file():
        unavailable(f"axe-core not found at {AXE} (run npm ci)")
    return AXE.read_text(encoding="utf-8")


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's request handler with its log silenced: that log names client addresses."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log nothing."""

    def log(self, type: str, message: str, *args: object) -> None:
        """Log nothing."""


@dataclass(frozen=True)
class LiveServer:
    """The app under test, served over HTTP on 127.0.0.1."""

    app: Flask
    url: str


@contextlib.contextmanager
def serving(app: Flask, *, dispose: bool = False) -> Iterator[LiveServer]:
    """Serve `app` on a free port of 127.0.0.1 in a thread until the block ends.

    With `dispose`, the app's database connections are closed afterwards (for
    module-scoped servers, whose database outlives no test).
    """
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        if dispose:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """Serve `app` (demo study, a closed study, one without saving) on a free port."""
    add_demo_study(app)
    add_study(app, slug=CLOSED_SLUG, status="closed")
    add_study(app, slug=NO_SAVING_SLUG, resume_enabled=False)
    with serving(app) as server:
        yield server


@dataclass
class Browsing:
    """Fresh browser contexts on the live server, with every request they make."""

    browser: Browser
    server: LiveServer
    requests: list[str] = field(default_factory=list)
    allowed: set[str] = field(default_factory=set)
    contexts: list[BrowserContext] = field(default_factory=list)

    def page(
        self, *, javascript: bool = True, width: int = 360, height: int = 740, exits: bool = False
    ) -> Page:
        """Open a page in a new context of the given size, with or without JavaScript.

        With `exits`, the context may also reach the exit site's local stand-in
        (its certificate is self-signed, so certificate errors are ignored).
        """
        if exits:
            self.allowed.add(origin(DEFAULT_EXIT_URL))
        context = self.browser.new_context(
            base_url=self.server.url,
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
            ignore_https_errors=exits,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", lambda request: self.requests.append(request.url))
        self.contexts.append(context)
        return context.new_page()

    def foreign_requests(self) -> list[str]:
        """Return every requested URL outside the live server and the allowed origins."""
        own = {origin(self.server.url), *self.allowed}
        return [url for url in self.requests if origin(url) not in own]


@pytest.fixture
def browsing(browser: Browser, live_server: LiveServer) -> Iterator[Browsing]:
    """Contexts for this test; afterwards, no request may have left the live server."""
    browsing = Browsing(browser, live_server)
    yield browsing
    for context in browsing.contexts:
        context.close()
    foreign = browsing.foreign_requests()
    assert not foreign, f"requests went to another origin than the live server: {foreign}"


@dataclass(frozen=True)
class PageWeight:
    """The gzipped bytes of one page's document, stylesheets and scripts."""

    document: int
    stylesheet: int
    script: int

    @property
    def total(self) -> int:
        """Return the sum of the parts."""
        return self.document + self.stylesheet + self.script

    @classmethod
    def of(cls, bodies: list[tuple[str, bytes]]) -> PageWeight:
        """Weigh `(resource type, body)` pairs, each gzipped on its own."""
        sizes = dict.fromkeys(("document", "stylesheet", "script"), 0)
        for kind, body in bodies:
            sizes[kind] += len(gzip.compress(body))
        return cls(**sizes)


@pytest.fixture
def page_weights(request: pytest.FixtureRequest) -> dict[str, PageWeight]:
    """The weights measured in this session, by page name, for the terminal summary."""
    return request.config.stash.setdefault(WEIGHTS, {})


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Print every measured page weight, so the budget's margin is on record."""
    weights = config.stash.get(WEIGHTS, {})
    if not weights:
        return
    write = terminalreporter.write_line
    terminalreporter.write_sep("-", f"respondent page weight, gzipped bytes (budget {BUDGET})")
    write(f"{'page':<34}{'document':>10}{'css':>8}{'js':>8}{'total':>8}")
    for name, weight in sorted(weights.items(), key=lambda pair: -pair[1].total):
        write(
            f"{name:<34}{weight.document:>10}{weight.stylesheet:>8}"
            f"{weight.script:>8}{weight.total:>8}"
        )
