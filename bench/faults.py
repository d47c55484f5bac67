"""Benchmark: respondents keep answering while gunicorn workers are killed; no save is lost.

Run with ``.venv/bin/python bench/faults.py`` (add ``--databases sqlite`` when
no PostgreSQL answers at HEARD_BENCH_POSTGRES_URL).

For each database, `heard serve` (2 sync workers) serves the demo study while
virtual respondents (bench/respondents.py; 50 on PostgreSQL, 20 on SQLite)
complete it over and over, and every `--every` seconds one gunicorn worker,
chosen at random, is killed with SIGKILL mid-whatever-it-was-doing (gunicorn
starts a new one). A request whose connection dies is sent again unchanged:
same session cookie, same CSRF token, same answers. A page save's natural
idempotency key is (response, item), kept by a unique constraint and an upsert,
so a repeat can only write the same row again.

At the end, read through the application's own services:

- every page save the server acknowledged (its 303 reached the client) is in
  the database with the values posted, for the response of that respondent's
  session;
- no response holds two rows for one item, no two respondents share a
  response, and each completed survey is one completed response;
- no page is half saved: a response with any answer on a page has a row for
  every question of that page;
- no respondent saw a 5xx or "database is locked", and the server's log has
  no "database is locked" either.

It prints the kills, requests, retries, surveys, saves checked and every
failure found, and exits 1 if any check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import servers
from bench.respondents import Failed, Respondent, Tally, page_answers
from instruments.library import load_library

SLUG = "police-response"
RETRIES = 8
RESPONDENTS = {"postgresql": 50, "sqlite": 20}


@dataclass
class Ledger:
    """What the clients saw: acknowledged saves per response, and what went wrong.

    `find` maps a session cookie to its response id (read from the server-side
    session at the first acknowledged save, before a submit forgets it).
    """

    find: Callable[[bytes], str | None]
    saves: dict[str, list[tuple[str, dict]]] = field(default_factory=dict)
    sessions: dict[bytes, str | None] = field(default_factory=dict)
    surveys: int = 0
    phrases_lost: int = 0
    failures: Counter = field(default_factory=Counter)

    def saved(self, cookie: bytes, key: str, form: dict) -> None:
        """Record a page save the server acknowledged."""
        if cookie not in self.sessions:
            self.sessions[cookie] = self.find(cookie)
        response_id = self.sessions[cookie]
        if response_id is None:
            self.failures["a save acknowledged for a session without a response"] += 1
            return
        self.saves.setdefault(response_id, []).append((key, form))


async def respond(port: int, count: int, seconds: float, seed: int, ledger: Ledger, tally: Tally):
    """Run `count` respondents completing surveys, with retries, for `seconds`."""
    instrument = load_library(SLUG)

    async def one(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        while True:
            person = Respondent(
                "127.0.0.1", port, SLUG, page_answers(instrument, rng), tally, ledger.saved, RETRIES
            )
            try:
                phrase = await person.complete()
            except Failed as error:
                ledger.failures[str(error).split(":")[-1].strip()] += 1
                continue
            ledger.surveys += 1
            ledger.phrases_lost += not phrase  # acknowledged as "already sent" after a retry

    tasks = [asyncio.ensure_future(one(n)) for n in range(count)]
    await asyncio.sleep(seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def kill_workers(server: servers.Running, every: float, kills: list[float]) -> None:
    """SIGKILL one random gunicorn worker every `every` seconds."""
    rng = random.Random(7)
    while True:
        await asyncio.sleep(every)
        pids = server.worker_pids()
        if pids:
            try:
                os.kill(rng.choice(pids), signal.SIGKILL)
                kills.append(time.monotonic())
            except ProcessLookupError:
                pass


def response_finder(app) -> Callable[[bytes], str | None]:
    """Return a function from a session cookie to the response its server-side session holds."""
    from survey.extensions import db
    from survey.services import web_sessions

    def find(cookie: bytes) -> str | None:
        token = cookie.split(b"=", 1)[1].decode()
        with app.app_context():
            data = web_sessions.load_session(db.session, token) or {}
            db.session.remove()
        return data.get("response")

    return find


def verify(app, ledger: Ledger) -> list[str]:
    """Check the database against what the clients were told; return the problems found."""
    from sqlalchemy import func, select

    from survey.extensions import db
    from survey.models import Answer, Response, Study
    from survey.services import navigation, responses
    from survey.services.answers import Stored, read_page

    problems: list[str] = []
    instrument = load_library(SLUG)
    pages = {s.key: s.page for s in navigation.all_steps(instrument) if s.page is not None}
    with app.app_context():
        session = db.session
        checked = 0
        for response_id, saves in ledger.saves.items():
            stored = responses.stored_answers(session, response_id)
            seen = responses.condition_values(stored)
            for key, form in saves:
                page = pages[key]
                posted = read_page(page.items, {k: list(v) for k, v in form.items()})
                for item in page.items:
                    if item.id not in posted.answers:
                        continue
                    kept, checked = stored.get(item.id), checked + 1
                    # Hidden by an earlier answer: the save kept "not_shown", rightly.
                    shown = navigation.shown(page.section, seen) and navigation.shown(item, seen)
                    expected = posted.answers[item.id] if shown else Stored(code="not_shown")
                    if kept != expected:
                        problems.append(f"page {key}, item {item.id}: acknowledged save not kept")
        shared = len(ledger.sessions) - len(set(ledger.sessions.values()))
        problems += [f"{shared} sessions share a response"] if shared else []
        duplicates = session.execute(
            select(Answer.response_id, Answer.item_id)
            .group_by(Answer.response_id, Answer.item_id)
            .having(func.count() > 1)
        ).all()
        problems += [f"duplicate rows for {r[:8]}/{i}" for r, i in duplicates]
        study_id = session.scalar(select(Study.id).where(Study.slug == SLUG))
        problems += _half_saved_pages(session, pages, study_id)
        ours = select(func.count()).select_from(Response).where(Response.study_id == study_id)
        completed = session.scalar(ours.where(Response.status == "completed"))
        empty = session.scalar(
            ours.where(~Response.answers.any(), Response.status == "in_progress")
        )
    print(f"acknowledged answers checked: {checked:,}")
    print(f"completed responses in the database: {completed:,} "
          f"(surveys finished: {ledger.surveys:,})")
    print(f"drafts with no answer (cut off by the end of the run, or a retried consent): {empty}")
    if completed < ledger.surveys:
        missing = ledger.surveys - completed
        problems.append(f"{missing} acknowledged submits are not in the database")
    return problems


def _half_saved_pages(session, pages, study_id: int) -> list[str]:
    """Return the pages some response of the study has only part of."""
    from sqlalchemy import select

    from survey.models import Answer, Response

    held: dict[str, set[str]] = {}
    rows = session.execute(
        select(Answer.response_id, Answer.item_id)
        .join(Response, Answer.response_id == Response.id)
        .where(Response.study_id == study_id)
    )
    for response_id, item_id in rows:
        held.setdefault(response_id, set()).add(item_id)
    problems = []
    for response_id, items in held.items():
        for key, page in pages.items():
            wanted = {i.id for i in page.items if i.answerable}
            if wanted & items and not wanted <= items:
                problems.append(f"response {response_id[:8]}: page {key} half saved")
    return problems


def run(database: str, seconds: float, every: float, seed: int) -> bool:
    """Run the fault benchmark on one database; print what it found; return True if clean."""
    count = RESPONDENTS[database]
    tally, kills = Tally(), []
    with servers.heard(database) as server:
        os.environ.pop("HEARD_DATABASE_URL", None)  # the last run's database is gone
        os.environ.update(server.env)
        from survey import create_app

        app = create_app()
        ledger = Ledger(response_finder(app))

        async def both() -> None:
            killer = asyncio.ensure_future(kill_workers(server, every, kills))
            await respond(server.port, count, seconds, seed, ledger, tally)
            killer.cancel()

        asyncio.run(both())
        time.sleep(2)
        problems = verify(app, ledger)
        log = (server.instance / "serve.log").read_text(errors="replace")
    locked = log.count("database is locked")
    retried = sum(v for k, v in tally.errors.items() if k.startswith("connection"))
    print(f"\n== {database}: {count} respondents, {seconds:.0f} s, "
          f"a worker killed every {every:.0f} s")
    print(f"workers killed: {len(kills)}; requests answered: {tally.requests:,}; "
          f"requests sent again after a lost connection: {retried:,}")
    print(f"surveys completed: {ledger.surveys:,} ({ledger.phrases_lost} acknowledged as "
          "'already sent' after a retry, so their withdrawal phrase was lost with the reply)")
    print(f"errors by kind: {dict(tally.errors) or 'none'}; respondents who gave up: "
          f"{dict(ledger.failures) or 'none'}")
    print(f"'database is locked' in the server log: {locked}")
    fives = sum(v for k, v in tally.errors.items() if k.startswith("status 5"))
    problems += [f"{fives} 5xx replies"] if fives else []
    problems += [f"{locked} 'database is locked' in the log"] if locked else []
    problems += [f"respondents gave up: {dict(ledger.failures)}"] if ledger.failures else []
    print("problems:", "none" if not problems else "")
    for problem in problems[:50]:
        print("  -", problem)
    return not problems


def main() -> int:
    """Run on each database; exit 1 when anything acknowledged was lost or doubled."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--every", type=float, default=10.0, help="seconds between kills")
    parser.add_argument("--databases", nargs="+", default=["postgresql", "sqlite"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    results = [run(d, args.seconds, args.every, args.seed) for d in args.databases]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
