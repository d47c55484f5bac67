"""Fuzz every respondent POST with hostile forms, at scale: no input may give a 5xx.

Run with ``.venv/bin/python bench/fuzz.py [--per-endpoint N] [--seed S] [--only NAME]``.
The app runs in-process (Flask test client) on a temporary SQLite database
with the bundled demo study (police-response). Each respondent route that
takes a POST (start, safety, consent, a question page, a sensitive section's
opening, check, resume, withdraw and the quick exit) gets N forms (default
10,000) drawn by hypothesis from the strategies in ``tests/hostile.py`` (the
same ones tests/survey/test_hostile_input.py uses): XSS, template and SQL
fragments, spreadsheet formulas, bidi and zero-width characters, combining
marks, NUL, lone surrogates and invalid UTF-8 in the raw body, fields
repeated, missing and unknown, and about one form in a hundred carries a value
of 60 KB to 1 MB. Each goes out with the session's valid CSRF token.

The fields of each form, and the values that work, are read from the page
itself. A respondent whose survey was sent or ended by the request starts
again: one that meets "Your session has ended" (409); after "Check your
answers" was sent, every 20th time only, so most posts to it meet a survey
already sent. The quick exit is posted again and again with the same session.
Phrase attempts are not limited here (the limits have their own tests) and phrases are hashed at the
cheapest cost, so the run measures input handling, not argon2.

It prints, per endpoint, the inputs sent, the count of each status, every 5xx
with the input that caused it (repr, cut short) and the time taken; it exits 1
if any input gave a 5xx.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from survey import create_app
from survey.extensions import db
from survey.services import accounts, phrases
from tests.factories import add_demo_study, csrf_token
from tests.hostile import form_body, hostile_form, short
from tests.survey.journey import Respondent

SLUG = "police-response"
BASE = f"/s/{SLUG}"
HIDDEN = {"csrf_token"}
RESUBMIT_EVERY = 20


@dataclass
class Endpoint:
    """One respondent POST: its name, where a respondent must stand, and its form's fields."""

    name: str
    path: str
    arrive: Callable[[Respondent], None]  # put a new respondent where the form is
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class Tally:
    """What one endpoint gave: statuses, 5xx inputs, time."""

    statuses: Counter = field(default_factory=Counter)
    errors: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0


def build_app(folder: Path):
    """Return the app on a fresh SQLite database with the demo study, phrases hashed cheaply."""
    accounts.use_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    phrases.use_cost(memory_kib=8, time_cost=1)
    app = create_app({"HEARD_DATABASE_URL": f"sqlite:///{folder / 'fuzz.db'}",
                      "SECRET_KEY": "fuzz", "INSTANCE_PATH": str(folder / "instance"),
                      "HEARD_PHRASE_ATTEMPTS_PER_SESSION": 10**9,
                      "HEARD_PHRASE_ATTEMPTS_GLOBAL": 10**9})  # fmt: skip
    with app.app_context():
        db.create_all()
    add_demo_study(app)
    return app


def form_fields(page: str) -> dict[str, tuple[str, ...]]:
    """Return the names of the first form's fields, each with the values the page offers."""
    forms = lxml_html.document_fromstring(page).forms
    found: dict[str, list[str]] = {}
    for element in forms[0].inputs if forms else ():
        name = element.get("name")
        if not name or name in HIDDEN:
            continue
        values = found.setdefault(name, [])
        if element.tag == "select":
            values += [option.get("value", "") for option in element.iter("option")]
        elif element.get("value") is not None:
            values.append(element.get("value"))
    return {name: tuple(dict.fromkeys(values)) for name, values in found.items()}


def walk_to(kind: str) -> Callable[[Respondent], None]:
    """Return a walker that begins the survey and skips pages until a `kind` path ("/p/")."""

    def arrive(person: Respondent) -> None:
        person.begin()
        for _ in range(60):
            if kind in person.path:
                return
            person.answer({}, action="skip" if "/section/" in person.path else "continue")
        raise RuntimeError(f"never reached a {kind} page")

    return arrive


def to_safety(person: Respondent) -> None:
    """Open the landing page and start: the safety page."""
    person.get(BASE)
    person.post()


def to_consent(person: Respondent) -> None:
    """Start and pass the safety page: the consent page, not yet agreed."""
    to_safety(person)
    if "/safety" in person.path:
        person.post()


def opened(path: str) -> Callable[[Respondent], None]:
    """Return a walker that only opens `path` (a form anyone may post)."""
    return lambda person: person.get(path) and None


def endpoints(app) -> list[Endpoint]:
    """Return the respondent POST routes, with their paths read from a walk through the survey."""
    person = Respondent(app.test_client(), SLUG)
    walk_to("/p/")(person)
    page = person.path
    walk_to("/section/")(person)
    section = person.path

    def to_check(person: Respondent) -> None:
        person.begin()
        person.get(f"{BASE}/check")

    found = [
        Endpoint("start", f"{BASE}/start", opened(BASE)),
        Endpoint("safety", f"{BASE}/safety", to_safety),
        Endpoint("consent", f"{BASE}/consent", to_consent),
        Endpoint("page", page, walk_to("/p/")),
        Endpoint("section", section, walk_to("/section/")),
        Endpoint("check", f"{BASE}/check", to_check),
        Endpoint("resume", f"{BASE}/resume", opened(f"{BASE}/resume")),
        Endpoint("withdraw", f"{BASE}/withdraw", opened(f"{BASE}/withdraw")),
        Endpoint("exit", "/x", opened(BASE)),
    ]
    for endpoint in found:
        person = Respondent(app.test_client(), SLUG)
        endpoint.arrive(person)
        endpoint.fields = form_fields(person.html) if endpoint.name != "exit" else {}
    return found


def fuzz(app, endpoint: Endpoint, count: int, seed_value: int) -> Tally:
    """Send `count` hostile forms to `endpoint`; return what came back."""
    tally = Tally()
    state: dict[str, Respondent] = {}
    sent = Counter()

    def fresh() -> Respondent:
        person = Respondent(app.test_client(), SLUG)
        endpoint.arrive(person)
        state["person"] = person
        state["token"] = csrf_token(person.html) if "csrf_token" in person.html else ""
        return person

    fresh()
    forms = st.integers(0, 99).flatmap(lambda n: hostile_form(endpoint.fields, huge=n == 0))

    @seed(seed_value)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(pairs=forms)
    def run(pairs):
        person = state["person"]
        body = form_body(pairs, {"csrf_token": state["token"]})
        response = person.client.post(endpoint.path, data=body,
                                      content_type="application/x-www-form-urlencoded")  # fmt: skip
        response.get_data()
        response.close()
        status = response.status_code
        tally.statuses[status] += 1
        if status >= 500:
            tally.errors.append((status, short(pairs, 300)))
        if ended(endpoint.name, status, sent):
            fresh()

    started = time.perf_counter()
    run()
    tally.seconds = time.perf_counter() - started
    return tally


def ended(name: str, status: int, sent: Counter) -> bool:
    """Return True when the request left the respondent somewhere the form is not."""
    if name == "check":
        if status == 200:
            sent["check"] += 1
            return sent["check"] % RESUBMIT_EVERY == 0
        return status == 409
    return status == 409


def report(results: dict[str, Tally]) -> int:
    """Print the table and every 5xx; return the exit status (1 on any 5xx)."""
    print(f"{'endpoint':<10} {'inputs':>7} {'seconds':>8}  statuses")
    for name, tally in results.items():
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(tally.statuses.items()))
        print(f"{name:<10} {sum(tally.statuses.values()):>7} {tally.seconds:>8.1f}  {statuses}")
    failures = [(name, error) for name, tally in results.items() for error in tally.errors]
    for name, (status, sample) in failures[:50]:
        print(f"5xx {name} {status}: {sample}")
    print(f"{len(failures)} inputs gave a 5xx" if failures else "no input gave a 5xx")
    return 1 if failures else 0


def main() -> int:
    """Fuzz each respondent POST and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-endpoint", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", action="append", help="an endpoint name (repeatable)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        results = {}
        for endpoint in endpoints(app):
            if args.only and endpoint.name not in args.only:
                continue
            results[endpoint.name] = fuzz(app, endpoint, args.per_endpoint, args.seed)
            print(f"... {endpoint.name} done", file=sys.stderr, flush=True)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return report(results)


if __name__ == "__main__":
    sys.exit(main())
