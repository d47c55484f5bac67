"""Virtual respondents for the load and fault benchmarks: a small asyncio HTTP/1.1 client.

Each virtual respondent opens the landing page, chooses English, passes the
safety page and consent, answers every question page of the bundled survey
with realistic answers drawn from the instrument itself, and sends "Check your
answers", as a person with a browser would: every POST is followed by a GET of
the page it redirects to, and each carries the session cookie and the form's
CSRF token. The client is deliberately light (raw sockets, regular expressions,
answers precomputed per page), and the same client measures the bare-Flask
ceiling, so the ratio between the two is fair to both.

Requests use ``Connection: close`` (gunicorn's sync workers close every
connection anyway). Latency is measured from connect to the last byte.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from instruments.schema import Instrument, Item
from survey.services import navigation, quotes
from survey.services.answers import CHOICE_TYPES

CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')
SUBMIT_KEY = re.compile(rb'name="submit_key" value="([^"]+)"')
PHRASE = re.compile(rb'<p class="phrase" id="phrase">([a-z -]+)</p>')
ALREADY = b"already"

# Free text a respondent might write (made up for the benchmark).
SENTENCES = (
    "The officers did not ask me what had happened before they arrested me.",
    "Nobody explained my rights in a language I could understand.",
    "A support worker came the next day and that helped a lot.",
    "I was afraid to speak because the man who brought me here was outside.",
    "They treated me like a criminal, not like someone who needed help.",
    "The interpreter was kind and explained everything slowly.",
)


class Failed(Exception):
    """A request failed: an error status, a lost connection or an unexpected page."""


@dataclass
class Reply:
    """One HTTP response: status, lower-cased headers and the body."""

    status: int
    headers: dict[bytes, bytes]
    body: bytes


@dataclass
class Tally:
    """What a run measured: latencies (seconds) of answered requests, and failures by kind."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    surveys: int = 0
    requests: int = 0

    def error(self, kind: str) -> None:
        """Count one failure of `kind`."""
        self.errors[kind] = self.errors.get(kind, 0) + 1


async def http(
    host: str,
    port: int,
    method: str,
    path: str,
    *,
    cookie: bytes | None = None,
    form: dict[str, list[str] | str] | None = None,
    timeout: float = 30.0,
) -> Reply:
    """Send one request and read the whole reply (the server closes the connection)."""
    body = urlencode(form, doseq=True).encode() if form is not None else b""
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    if form is not None:
        head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    lines = "\r\n".join(head).encode()
    if cookie:
        lines += b"\r\nCookie: " + cookie
    # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation.
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(lines + b"\r\n\r\n" + body)
            raw = await reader.read(-1)
        finally:
            writer.close()
    head_end = raw.find(b"\r\n\r\n")
    if head_end < 0:
        raise Failed("connection closed before a complete reply")
    status_line, *header_lines = raw[:head_end].split(b"\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    body = raw[head_end + 4 :]
    length = headers.get(b"content-length")
    if length is not None and int(length) != len(body):
        raise Failed("reply cut short")  # the worker died while sending it
    return Reply(int(status_line.split()[1]), headers, body)


def page_answers(instrument: Instrument, rng: random.Random) -> dict[str, dict[str, list[str]]]:
    """Return a form to post for each question page, by page key, drawn from the instrument."""
    forms = {}
    for step in navigation.all_steps(instrument):
        if step.page is None:
            continue
        form: dict[str, list[str]] = {}
        for item in step.page.items:
            if item.answerable:
                form.update(_answer(item, rng))
        forms[step.key] = form
    return forms


def _answer(item: Item, rng: random.Random) -> dict[str, list[str]]:
    """Return a realistic answer to one item: mostly real answers, sometimes a non-answer."""
    if item.non_answers and rng.random() < 0.1:
        name = item.id if item.type in CHOICE_TYPES else f"{item.id}__na"
        return {name: [rng.choice(list(item.non_answers))]}
    if item.type == "scale":
        return {item.id: [str(rng.choice(item.choices).value)]}
    if item.type in ("single_choice", "yes_no"):
        return {item.id: [rng.choice(item.choice_values())]}
    if item.type == "multiple_choice":
        values = list(item.choice_values())
        return {item.id: rng.sample(values, rng.randint(1, min(3, len(values))))}
    if item.type in ("long_text", "short_text"):
        return {item.id: [" ".join(rng.sample(SENTENCES, rng.randint(1, 3)))]}
    if item.type == "number":
        low = int(item.min if item.min is not None else 0)
        high = int(item.max if item.max is not None else 100)
        return {item.id: [str(rng.randint(low, high))]}
    if item.type == "month_year":
        return {f"{item.id}__month": [str(rng.randint(1, 12))], f"{item.id}__year": ["2023"]}
    raise ValueError(f"the benchmark cannot answer items of type {item.type!r}")


@dataclass
class Respondent:
    """One virtual respondent: completes the survey at `slug` and counts what happened."""

    host: str
    port: int
    slug: str
    forms: dict[str, dict[str, list[str]]]
    tally: Tally
    # Called after each page save the server acknowledged (a redirect after POST).
    on_saved: Callable[[bytes, str, dict[str, list[str]]], None] | None = None
    retries: int = 0
    # Mean seconds a person spends on a page before acting (0: no pause, a stress test).
    pause: float = 0.0
    cookie: bytes | None = None
    rng: random.Random = field(default_factory=random.Random)

    async def think(self) -> None:
        """Wait as a person reading the page would (exponentially distributed, mean `pause`)."""
        if self.pause:
            await asyncio.sleep(self.rng.expovariate(1 / self.pause))

    async def request(self, method: str, path: str, form: dict | None = None) -> Reply:
        """Send one request, timing it; retry the same request when the connection fails."""
        attempt = 0
        while True:
            started = time.perf_counter()
            try:
                reply = await http(
                    self.host, self.port, method, path, cookie=self.cookie, form=form
                )
            except (TimeoutError, OSError, Failed) as error:
                attempt += 1
                self.tally.error(f"connection: {type(error).__name__}")
                if attempt > self.retries:
                    raise Failed(f"{method} {path}: {type(error).__name__}") from None
                await asyncio.sleep(0.05 * attempt)
                continue
            self.tally.latencies.append(time.perf_counter() - started)
            self.tally.requests += 1
            cookie = reply.headers.get(b"set-cookie")
            if cookie:
                self.cookie = cookie.split(b";", 1)[0]
            if reply.status >= 500 and attempt < self.retries:
                attempt += 1
                self.tally.error(f"status {reply.status} (retried)")
                continue
            if reply.status >= 400:
                raise Failed(f"{method} {path}: status {reply.status}")
            return reply

    async def follow(self, reply: Reply) -> tuple[str, Reply]:
        """Follow redirects with GET; return the final path and its reply."""
        path = ""
        while reply.status in (301, 302, 303):
            path = urlsplit(reply.headers[b"location"].decode()).path
            reply = await self.request("GET", path)
        return path, reply

    async def post(self, path: str, page: Reply, fields: dict) -> Reply:
        """POST `fields` with the CSRF token of `page`."""
        token = CSRF.search(page.body)
        if token is None:
            raise Failed(f"no form on {path}")
        await self.think()
        hidden = {"csrf_token": token.group(1).decode()}
        key = SUBMIT_KEY.search(page.body)  # "Check your answers" carries a one-time submit key
        if key is not None:
            hidden["submit_key"] = key.group(1).decode()
        return await self.request("POST", path, {**hidden, **fields})

    async def complete(self) -> bytes:
        """Answer the whole survey; return the withdrawal phrase shown at the end."""
        self.cookie = None
        base = f"/s/{self.slug}"
        await self.think()
        landing = await self.request("GET", base)
        path, page = await self.follow(await self.post(f"{base}/start", landing, {"lang": "en"}))
        if path.endswith("/safety"):
            path, page = await self.follow(await self.post(path, page, {}))
        path, page = await self.follow(await self.post(path, page, {"choice": "agree"}))
        while not path.endswith("/check"):
            kind, key = path.rsplit("/", 2)[-2:]
            form = self.forms[key] if kind == "p" else {}
            sent = await self.post(path, page, {**form, "action": "continue"})
            if sent.status != 303:
                raise Failed(f"POST {path} gave {sent.status}, not a redirect")
            if self.on_saved is not None and kind == "p":
                self.on_saved(self.cookie or b"", key, form)
            path, page = await self.follow(sent)
        done = await self.post(path, page, {quotes.FIELD: "yes", "action": "submit"})
        phrase = PHRASE.search(done.body)
        if phrase is None and ALREADY not in done.body:
            raise Failed("the final page shows neither a withdrawal phrase nor 'already'")
        self.tally.surveys += 1
        return phrase.group(1) if phrase else b""


def percentile(values: list[float], share: float) -> float:
    """Return the `share` percentile of `values` (nearest rank), or nan when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]
