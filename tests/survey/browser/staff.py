"""A staff member's browser page on a live server, signed in once for a whole test module."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tests.factories import STAFF_PASSWORD
from tests.survey.browser.conftest import TIMEOUT_MS, LiveServer
from tests.survey.browser.pages import press

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@dataclass
class SignedIn:
    """The module's live server, its page paths, and a signed-in browser page on it."""

    server: LiveServer
    paths: dict[str, str]
    page: Page
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    refused: list[str] = field(default_factory=list)  # what the Content-Security-Policy blocked


@contextlib.contextmanager
def signed_in_page(
    browser: Browser, server: LiveServer, email: str, paths: dict[str, str], width: int, height: int
) -> Iterator[SignedIn]:
    """Open one page on `server`, sign `email` in, and record its requests and CSP refusals."""
    context = browser.new_context(base_url=server.url, viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    session = SignedIn(server, paths, context.new_page())
    context.on("request", lambda request: session.requests.append(request.url))
    session.page.on(
        "console", lambda m: session.refused.append(m.text) if "Security Policy" in m.text else None
    )
    session.page.goto("/studio/login")
    session.page.get_by_label("Email address").fill(email)
    session.page.get_by_label("Password").fill(STAFF_PASSWORD)
    press(session.page, "Sign in")
    try:
        yield session
    finally:
        context.close()
