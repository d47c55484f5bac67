"""Privacy by construction: no address, agent or referrer anywhere; nothing answered in URLs."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from survey.extensions import db
from tests.conftest import REPO
from tests.factories import add_study
from tests.survey.journey import Respondent
from tests.survey.test_journey import answer_everything

SENTINELS = {
    "REMOTE_ADDR": "203.0.113.77",
    "X-Forwarded-For": "198.51.100.99",
    "User-Agent": "SentinelAgent/9.9 (zqxjv-agent)",
    "Referer": "https://zqxjv-referrer.example/from",
}


def sentinel_respondent(client) -> Respondent:
    """A respondent whose every request carries the made-up address, agent and referrer."""
    return Respondent(
        client,
        "tiny",
        environ={"REMOTE_ADDR": SENTINELS["REMOTE_ADDR"]},
        headers={k: v for k, v in SENTINELS.items() if k != "REMOTE_ADDR"},
    )


def database_text(app) -> str:
    """Return every value of every table, as text."""
    with app.app_context():
        chunks = []
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)).all():
                chunks.append(" ".join(str(value) for value in row))
    return "\n".join(chunks)


def database_files(app) -> bytes:
    """Return the bytes of the SQLite database and its WAL (empty on other databases)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite:///"):
        return b""
    path = Path(url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_no_address_agent_or_referrer_is_kept_anywhere(app, client, runner, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    add_study(app)
    person = sentinel_respondent(client)
    person.begin()
    person.answer({"contact_kind": "found"}, action="save")
    person.get("/s/tiny/resume")
    person.post(data={"phrase": "wrong words entirely here now"})
    other = sentinel_respondent(app.test_client())
    other.begin()
    answer_everything(other)
    other.submit()
    other.get("/s/tiny/withdraw")
    other.post(data={"phrase": "not the code", "confirm": "yes"})
    other.client.get("/x", environ_base=other.environ, headers=other.headers)
    out = tmp_path / "export.csv"
    assert runner.invoke(args=["export", "tiny", "--out", str(out)]).exit_code == 0
    places = {
        "database rows": database_text(app),
        "database file": database_files(app).decode("utf-8", "replace"),
        "logs": caplog.text,
        "export": out.read_text() + out.with_name("export_codebook.csv").read_text(),
    }
    for where, text in places.items():
        for name, sentinel in SENTINELS.items():
            assert sentinel not in text, f"{name} found in the {where}"


def test_answers_never_travel_in_urls_or_cookies(app, client):
    add_study(app)
    person = Respondent(client, "tiny")
    person.begin()
    response = person.answer({"contact_kind": "found", "story": "zqxjv story"})
    seen_urls = [r.request.full_path for r in response.history] + [response.request.full_path]
    cookies = " ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    assert not any("zqxjv" in url or "found" in url for url in seen_urls)
    assert "zqxjv" not in cookies and "found" not in cookies


def test_every_respondent_form_posts():
    forms = []
    for template in (REPO / "survey" / "templates" / "respond").glob("*.html"):
        forms += re.findall(r"<form[^>]*>", template.read_text())
    assert forms, "no forms found"
    assert all('method="post"' in form for form in forms), forms


BANNED = re.compile(
    r"remote_addr|REMOTE_ADDR|access_route|user_agent|HTTP_USER_AGENT|X-Forwarded-For|"
    r"X-Real-IP|request\.referrer|HTTP_REFERER|request\.environ"
)
# Staff login throttling counts failures per address typed, not per client: no module may.
ALLOWED: set[str] = set()


def test_no_module_reads_request_metadata():
    offenders = []
    for path in (REPO / "survey").rglob("*.py"):
        relative = str(path.relative_to(REPO))
        if relative not in ALLOWED and BANNED.search(path.read_text()):
            offenders.append(relative)
    assert offenders == []


@pytest.mark.parametrize("folder", ["templates", "static"])
def test_pages_load_nothing_from_another_origin(folder):
    loads = re.compile(
        r"""(?:src|srcset|href)\s*=\s*["'](?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//"""
    )
    for path in (REPO / "survey" / folder).rglob("*"):
        if path.suffix in (".html", ".css", ".js"):
            text = path.read_text()
            for tag in re.findall(r"<(?:script|link|img|iframe|source|video|audio)[^>]*>", text):
                assert not loads.search(tag), f"{path.name}: {tag}"
            if path.suffix == ".css":
                assert not loads.search(text), path.name
