"""A respondent driving the Flask test client: every form posted with its CSRF token."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from instruments.schema import Instrument
from survey.services import navigation
from tests.factories import csrf_token, tiny_instrument

PHRASE = re.compile(r'<p class="phrase" id="phrase">([a-z -]+)</p>')
FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"')
SUBMIT_KEY = re.compile(r'<input type="hidden" name="submit_key" value="([^"]+)">')


ROUTE = {navigation.PAGE: "p", navigation.SECTION: "section"}


def step_path(slug: str, token: str, instrument: Instrument | None = None) -> str:
    """Return the respondent URL of a step named by its stored token (``page/about``).

    Respondent URLs name steps by their 1-based place in the instrument's steps
    (`navigation.all_steps`), never by key; the default instrument is the tiny one.
    """
    kind, _, key = token.partition("/")
    steps = navigation.all_steps(instrument or tiny_instrument())
    [number] = [i for i, s in enumerate(steps, start=1) if (s.kind, s.key) == (kind, key)]
    return f"/s/{slug}/{ROUTE[kind]}/{number}"


def hidden_fields(html: str) -> dict[str, str]:
    """Return the hidden fields a browser sends with the form besides the CSRF token."""
    key = SUBMIT_KEY.search(html)
    return {"submit_key": key.group(1)} if key else {}


@dataclass
class Respondent:
    """One person answering one study through `client`."""

    client: FlaskClient
    slug: str
    environ: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    page: TestResponse | None = None

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        """GET `path` and follow redirects."""
        self.page = self.client.get(
            path, follow_redirects=True, environ_base=self.environ, headers=self.headers, **kwargs
        )
        return self.page

    def post(
        self,
        path: str | None = None,
        data: dict | None = None,
        follow: bool = True,
        html: str | None = None,
    ) -> TestResponse:
        """POST `data` to `path` (default: the form of `html` or this page) with its token."""
        html = html if html is not None else self.html
        target = path or FORM_ACTION.search(html).group(1).replace("&amp;", "&")
        payload = {"csrf_token": csrf_token(html), **hidden_fields(html), **(data or {})}
        self.page = self.client.post(
            target,
            data=payload,
            follow_redirects=follow,
            environ_base=self.environ,
            headers=self.headers,
        )
        return self.page

    @property
    def html(self) -> str:
        """Return the current page's HTML."""
        assert self.page is not None
        return self.page.get_data(as_text=True)

    @property
    def path(self) -> str:
        """Return the path of the current page."""
        assert self.page is not None
        return self.page.request.path

    def begin(self) -> TestResponse:
        """Open the landing page, start, pass the safety page and consent."""
        self.get(f"/s/{self.slug}")
        self.post()
        if "/safety" in self.path:
            self.post()
        return self.post(data={"choice": "agree"})

    def answer(self, data: dict, action: str = "continue") -> TestResponse:
        """Answer the current page with `data` and press `action`."""
        return self.post(data={**data, "action": action})

    def submit(self) -> TestResponse:
        """Send the answers from "Check your answers"."""
        assert "/check" in self.path, self.path
        return self.post()

    def phrase(self) -> str:
        """Return the phrase shown on the current page."""
        match = PHRASE.search(self.html)
        assert match, "no phrase on the page"
        return match.group(1)
