"""The world the route inventory runs in: two studies full of real objects, an actor per kind.

Study A ("tiny") has every staff role on its team; study B ("other") has
nobody's. Both have answers and their documents, codes, segments, a topic fit,
a code suggestion, a redaction span and an interview in progress; two guide
studies (A's team on the first) serve the interview guide. One app per test
module: each request goes out on a new client carrying the actor's session
cookie, and after a request that may have changed something the database is
put back as it was (`Site.reset`), so every request finds the same world.

This module holds no tests; the inventory and the CSRF tests import it (its name
keeps it among the files of this piece of work).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import Engine, Table, column, select
from sqlalchemy import table as sql_table
from sqlalchemy.sql.expression import TableClause

from coding.model import Project
from coding.refi import write_qdpx
from instruments import load_library
from survey import create_app
from survey.extensions import db, write_transaction
from survey.models import (
    AnalysisJob,
    Code,
    CodeSuggestion,
    CodingDocument,
    CodingSettings,
    Membership,
    Redaction,
    Segment,
    Study,
    User,
)
from survey.services import interview, responses
from survey.services.reports import exporting, store, theme_edits
from tests.conftest import make_app
from tests.factories import STAFF_PASSWORD, add_study, csrf_token, make_staff, sign_in
from tests.survey import rich_study
from tests.survey.analysis.helpers import coder_id
from tests.survey.analysis.helpers import start as start_job
from tests.survey.coding.helpers import add_code, code_span
from tests.survey.journey import Respondent
from tests.survey.studio import edited_yaml

STAFF_ROLES = ("admin", "researcher", "analyst", "data_steward", "interviewer")
ACTORS = ("anonymous", "respondent", *(f"{role}@{where}" for role in STAFF_ROLES
                                       for where in ("own", "other")))  # fmt: skip
VISITOR = "visitor@example.org"  # an account the login form signs in

# What each URL part means, by endpoint where it differs from the default.
GUID_IS = {
    "code": ("code_edit", "code_delete", "code_merge", "code_split", "code_view"),
    "seg": ("segment_update", "segment_remove"),
    "other_doc": ("redaction_decide",),
}
QUERY = {
    "interview.stop": "?reason=distress",
    "analysis.codes_csv": "?by=contact_kind",
    "coding.compare_document": "?code={code}",
    "coding.search": "?q=police",
}
CODEBOOK_CSV = b"name,kind\nImported code,code\n"
TRANSCRIPT = b"Interviewer: How did you come here?\nRespondent: By lorry, at night.\n"
UPLOADS = {
    "coding.import_codebook": ("codebook.csv", CODEBOOK_CSV),
    "coding.import_project": ("empty.qdpx", write_qdpx(Project(name="Empty"))),
    "coding.transcript_new": ("interview.txt", TRANSCRIPT),
}
FORMS: dict[str, dict[str, str]] = {
    "respond.consent": {"choice": "agree"},
    "respond.page": {"contact_kind": "called", "action": "continue"},
    "respond.section": {"action": "skip"},
    "respond.resume": {"phrase": "a b c d e"},
    "respond.withdraw": {"phrase": rich_study.PHRASE, "confirm": "yes"},
    "auth.login_view": {"email": VISITOR, "password": STAFF_PASSWORD},
    "auth.password": {"current": STAFF_PASSWORD, "new": "a new password of some length",
                      "confirm": "a new password of some length"},
    "studio.new_study": {"slug": "fresh", "source": "library", "library": "police-response"},
    "studio.edit": {"source": edited_yaml(title="Changed")},
    "studio.settings": {"title": "Renamed study", "slug": "{slug}", "languages": "en",
                        "retention_days": "365", "disclosure_threshold": "10",
                        "draft_lifetime_hours": "24", "resume_enabled": "yes"},
    "studio.team": {"email": VISITOR},
    "studio.preview_landing": {"lang": "en"},
    "studio.preview_consent": {"choice": "agree"},
    "studio.preview_section": {"action": "skip"},
    "studio.preview_page": {"action": "continue"},
    "studio.preview_resume": {"phrase": "a b c d e"},
    "studio.preview_withdraw": {"phrase": "a b c d e", "confirm": "yes"},
    "studio.export": {"format": "csv"},
    "studio.export_settings": {"free_text": "withheld"},
    "studio.admin_create_user": {"email": "fresh@example.org", "role": "analyst"},
    "studio.admin_change_role": {"role": "analyst"},
    "studio.admin_set_active": {"active": "0"},
    "studio.admin_security": {"totp_required": "0"},
    "coding.apply": {"code": "{code2}", "start": "0", "end": "3", "units": "codepoints"},
    "coding.segment_update": {"memo": "A note"},
    "coding.memo": {"target": "study", "text": "A memo"},
    "coding.collapse_distressing": {"collapse": "yes"},
    "coding.code_new": {"name": "Fresh", "kind": "code"},
    "coding.code_edit": {"name": "Renamed", "kind": "code", "colour": "#112233"},
    "coding.code_merge": {"target": "{code2}", "confirm": "yes"},
    "coding.code_split": {"parts": "2", "name-0": "Part one", "name-1": "Part two"},
    "coding.code_delete": {"segments": "remove"},
    "coding.grid_save": {"row": "{doc}"},
    "coding.search_code": {"q": "{word}", "code": "{code2}", "hit": "{doc}:0"},
    "coding.blind": {"blind": "on"},
    "coding.reveal": {"reveal": "on"},
    "coding.reconcile": {"code": "{code}", "take": "union"},
    "coding.accept_agreed": {"code": "{code}"},
    "coding.transcript_new": {"case": "new"},
    "coding.agreement_unit": {"unit": "sentence"},
    "coding.redaction_decide": {"action": "reject"},
    "coding.redaction_add": {"how": "words", "words": "{word}", "kind": "name"},
    "coding.redaction_reviewed": {"reviewed": "on"},
    "analysis.topics_start": {"item_id": "story", "n_topics": "2", "method": "nmf", "seed": "0"},
    "analysis.topics_drafts": {"topic": "0"},
    "analysis.report_new": {"title": "A findings report"},
    "analysis.report_edit": {"action": "theme_add", "code": "{code2}"},
    "analysis.report_theme_save": {"narrative": "What this theme shows."},
    "analysis.report_delete": {"confirm": "yes"},
    "analysis.report_export": {"format": "md"},
    "interview.start": {"language": "en"},
    "interview.consent": {"consent": "agree"},
    "interview.page": {"contact_kind": "called"},
    "interview.section": {"action": "skip"},
    "interview.pause": {"reason": "distress"},
    "interview.stop": {"reason": "distress", "answers": "delete"},
    "interview.guide": {"action": "keep", "note-change": "A note"},
}  # fmt: skip
# Forms posted on purpose without what they need; a person allowed in gets this status.
REFUSED_INPUT = {
    ("auth.totp_setup", "POST"): 400,  # no code from the authenticator app
    ("respond.resume", "POST"): 400,  # a phrase nobody saved under
    ("studio.reopen", "POST"): 409,  # study A is open: nothing to reopen
}
IDS = ("doc", "other_doc", "code", "code2", "seg", "job", "suggestion", "span", "rid", "report",
       "build")  # fmt: skip
Snapshot = dict[str, list[dict]]
PLACEHOLDER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


@dataclass(frozen=True)
class Sample:
    """One request for one (endpoint, method): its path and form with {placeholders}."""

    endpoint: str
    method: str
    path: str
    form: Mapping[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Return a short name for test ids."""
        return f"{self.method} {self.endpoint}"

    @property
    def foreign_ids(self) -> list[str]:
        """Return the names of the objects of one study that the request names."""
        text = self.path + " ".join(self.form.values())
        return [name for name in IDS if f"{{{name}}}" in text]


def _path(endpoint: str, rule: str) -> str:
    short = endpoint.rpartition(".")[2]
    guid = next((name for name, ends in GUID_IS.items() if short in ends), "doc")
    meaning = {"guid": guid, "job_id": "job", "suggestion_id": "suggestion", "item_id": "story",
               "report_id": "report", "build_id": "build", "theme_id": "code",
               "lang": "en", "filename": "heard.css", "public_id": "user",
               "key": "hard" if short.endswith("section") else "about",
               # respondent URLs name a step by its place: the tiny study's 1 and 2
               "n": "2" if short.endswith("section") else "1"}  # fmt: skip
    path = PLACEHOLDER.sub(lambda m: f"{{{meaning.get(m.group(1), m.group(1))}}}", rule)
    path = path.replace("{story}", "story").replace("{en}", "en").replace("{hard}", "hard")
    path = path.replace("{about}", "about").replace("{heard.css}", "heard.css")
    path = path.replace("{1}", "1").replace("{2}", "2")
    if endpoint == "interview.guide":
        path = path.replace("{slug}", "{guide}")
    if endpoint == "studio.remove_member":
        path = path.replace("{user}", "{member}")
    return path + QUERY.get(endpoint, "")


def samples(inventory: Mapping[str, str]) -> list[Sample]:
    """Return one request per (endpoint, method) of the app's URL map that `inventory` lists."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"HEARD_DATABASE_URL": "sqlite://", "SECRET_KEY": "x",
                          "INSTANCE_PATH": folder})  # fmt: skip
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint):
        if rule.endpoint not in inventory:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            form = FORMS.get(rule.endpoint, {}) if method == "POST" else {}
            found.append(Sample(rule.endpoint, method, _path(rule.endpoint, rule.rule), form))
    return found


@dataclass
class Site:
    """One app for a test module: the studies' ids, each actor's session and CSRF token."""

    app: Flask
    ids: dict[str, dict[str, str]]  # "own" (A) and "other" (B): placeholder -> value
    per_role: dict[str, dict[str, dict[str, str]]]  # study -> role -> its segment, suggestion
    cookies: dict[str, str]
    tokens: dict[str, str]
    start: Snapshot

    def reset(self) -> None:
        """Put every table back as it was once the world was built."""
        with self.app.app_context():
            restore(db.engine, self.start)


def _raw(table: Table) -> TableClause:
    """Return `table` with untyped columns: rows as stored (sealed text stays sealed)."""
    return sql_table(table.name, *(column(c.name) for c in table.columns))


def snapshot(engine: Engine) -> Snapshot:
    """Return every row of every table as stored (meant for a small database)."""
    with engine.connect() as connection:
        return {table.name: [dict(row._mapping) for row in connection.execute(_raw(table).select())]
                for table in db.metadata.sorted_tables}  # fmt: skip


def restore(engine: Engine, rows: Snapshot) -> None:
    """Leave exactly the rows of `rows` in every table, in one transaction."""
    with engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            for key in table.foreign_keys:  # a parent row goes with its children (codes)
                if key.column.table is table:
                    connection.execute(table.update().values({key.parent.name: None}))
            connection.execute(table.delete())
        for table in db.metadata.sorted_tables:
            if rows[table.name]:
                connection.execute(_raw(table).insert(), rows[table.name])


def _study_ids(app: Flask, study_id: int, guide: str) -> dict[str, str]:
    """Return the ids of one study's objects that routes name."""
    with app.app_context():
        study = db.session.get(Study, study_id)
        (doc, text), (other_doc, _) = db.session.execute(
            select(CodingDocument.public_id, CodingDocument.text)
            .where(CodingDocument.study_id == study_id).order_by(CodingDocument.id).limit(2)
        ).all()  # fmt: skip
        job = db.session.scalar(
            select(AnalysisJob.public_id).where(AnalysisJob.study_id == study_id,
                                                AnalysisJob.kind == "topics")
            .order_by(AnalysisJob.id.desc())
        )  # fmt: skip
        return {"slug": study.slug, "guide": guide, "doc": doc, "other_doc": other_doc,
                "job": job, "word": re.match(r"\w+", text).group()}  # fmt: skip


def _add_objects(app: Flask, study_id: int, ids: dict[str, str], users: dict[str, int]) -> dict:
    """Add codes, a span, an interview and blind mode; per coding role a segment, a suggestion."""
    ids["code"] = add_code(app, study_id, "Route code")
    ids["code2"] = add_code(app, study_id, "Spare code")
    per_role: dict[str, dict[str, str]] = {}
    for role in ("admin", "researcher", "analyst"):
        code_span(app, study_id, users[role], ids["doc"], 0, 4 + len(per_role), ids["code"])
        per_role[role] = _segment_and_suggestion(app, study_id, users[role], ids)
    with app.app_context(), write_transaction(db.session):
        document = db.session.scalar(
            select(CodingDocument).where(CodingDocument.public_id == ids["other_doc"])
        )
        span = Redaction(document_id=document.id, start=0, end=3, kind="name")
        db.session.add(span)
        db.session.add(CodingSettings(study_id=study_id, blind=True, revealed=False))
        db.session.flush()
        ids["span"] = span.public_id
    with app.app_context():
        study = db.session.get(Study, study_id)
        admin = db.session.get(User, users["admin"])
        ids["rid"] = interview.start_interview(db.session, study, admin, "en")
        responses.save_page(db.session, ids["rid"], {}, "page/about")
        ids["report"], ids["build"] = _report_and_build(study, admin, ids["code"])
    return per_role


def _report_and_build(study: Study, admin: User, code: str) -> tuple[str, str]:
    """Add a findings report with the code as its theme, built once; return their ids."""
    report = store.create_report(db.session, study, admin, "Route report")
    theme_edits.add_theme(db.session, study, admin, report, code)
    built = exporting.build_report(db.session, study, admin, report, today=dt.date(2026, 12, 1))
    return report.public_id, built.public_id


def _segment_and_suggestion(app: Flask, study_id: int, user_id: int, ids: dict) -> dict:
    """Return the user's latest segment, and a suggestion trained on the user's codings."""
    coder = coder_id(app, study_id, user_id)
    with app.app_context(), write_transaction(db.session):
        segment = db.session.scalar(select(Segment.public_id).order_by(Segment.id.desc()))
        params = json.dumps({"item_id": "story", "coder_id": coder})
        job = AnalysisJob(study_id=study_id, kind="suggestions", status="done", progress=100,
                          params_json=params)  # fmt: skip
        db.session.add(job)
        db.session.flush()
        document_id = db.session.scalar(
            select(CodingDocument.id).where(CodingDocument.public_id == ids["other_doc"])
        )
        code_id = db.session.scalar(select(Code.id).where(Code.public_id == ids["code2"]))
        suggestion = CodeSuggestion(job_id=job.id, document_id=document_id, code_id=code_id,
                                    probability=0.9)  # fmt: skip
        db.session.add(suggestion)
        db.session.flush()
        return {"seg": segment, "suggestion": suggestion.public_id}


def _join(app: Flask, user_id: int, *study_ids: int) -> None:
    with app.app_context(), write_transaction(db.session):
        for study_id in study_ids:
            db.session.add(Membership(user_id=user_id, study_id=study_id))


def build_site(tmp_path: Path, **config: object) -> Site:
    """Build the app, both studies with their objects, and a signed-in session per actor."""
    app = make_app(tmp_path, **config)
    rich = rich_study.build(app)  # A = "tiny" (lead: researcher, analyst), B = "other"
    with app.app_context(), write_transaction(db.session):  # drafts to publish
        for study_id in (rich.study_id, rich.other_id):
            db.session.get(Study, study_id).draft_source = edited_yaml()
    start_job(app, rich.other_id, "topics", {"item_id": "story", "n_topics": 2, "seed": 1})
    guide = add_study(app, load_library("police-response-interview"), slug="guide")
    add_study(app, load_library("police-response-interview"), slug="their-guide")
    cookie = app.config["SESSION_COOKIE_NAME"]
    clients = {"researcher": rich.lead.client, "analyst": rich.analyst.client}
    users = {"researcher": rich.lead.user_id, "analyst": rich.analyst.user_id}
    for role in ("admin", "data_steward", "interviewer"):
        member = make_staff(app, role)
        clients[role], users[role] = app.test_client(), member.id
        sign_in(clients[role], member.email, member.password)
        if role != "admin":
            _join(app, member.id, rich.study_id)
    for role in ("researcher", "analyst", "data_steward", "interviewer"):
        _join(app, users[role], guide)
    make_staff(app, "analyst", email=VISITOR)
    member = make_staff(app, "analyst", email="member@example.org")
    _join(app, member.id, rich.study_id, rich.other_id)
    ids = {"own": _study_ids(app, rich.study_id, "guide"),
           "other": _study_ids(app, rich.other_id, "their-guide")}  # fmt: skip
    studies = {"own": rich.study_id, "other": rich.other_id}
    per_role = {where: _add_objects(app, studies[where], ids[where], users) for where in ids}
    for where in ids:
        ids[where] |= {"user": make_staff(app, "researcher").public_id,
                       "member": member.public_id}  # fmt: skip
    respondent = app.test_client()
    Respondent(respondent, "tiny").begin()
    clients["respondent"], clients["anonymous"] = respondent, app.test_client()
    cookies, tokens = {}, {}
    for actor in ACTORS:
        client = clients[actor.partition("@")[0]]
        tokens[actor] = csrf_token(client.get("/studio/login", follow_redirects=True).text)
        found = client.get_cookie(cookie)
        cookies[actor] = found.value if found else ""
    with app.app_context():
        start = snapshot(db.engine)
    return Site(app, ids, per_role, cookies, tokens, start)


def sites(folder: Path, **config: object) -> Iterator[Site]:
    """Yield the world built in `folder` (for a module's fixture), then close its database."""
    built = build_site(folder, **config)
    yield built
    with built.app.app_context():
        db.session.remove()
        db.engine.dispose()


def fill(site: Site, sample: Sample, template: str, actor: str, swapped: str = "") -> str:
    """Return `template` with the ids of the actor's study (B's object `swapped`, if named).

    A respondent's pages are always study A's: only staff have a study of their own.
    """
    role, _, where = actor.partition("@")
    where = "own" if sample.endpoint.startswith("respond.") else where or "own"
    values = dict(site.ids[where])
    values |= site.per_role[where].get(role, site.per_role[where]["admin"])
    if swapped:
        other = site.per_role["other"]
        theirs = site.ids["other"] | other.get(role, other["admin"])
        values[swapped] = theirs[swapped]
    return template.format_map(values)


def request(
    site: Site, sample: Sample, actor: str, *, swapped: str = "", token: bool = True,
    reset: bool = True,
):  # fmt: skip
    """Send `sample` as `actor` on a new client; put the database back after a POST."""
    client = site.app.test_client()
    if site.cookies[actor]:
        client.set_cookie(site.app.config["SESSION_COOKIE_NAME"], site.cookies[actor])
    path = fill(site, sample, sample.path, actor, swapped)
    if sample.method == "GET":
        return _read(client.get(path))
    data: dict[str, object] = {key: fill(site, sample, value, actor, swapped)
                               for key, value in sample.form.items()}  # fmt: skip
    if token:
        data["csrf_token"] = site.tokens[actor]
    if sample.endpoint in UPLOADS:
        name, content = UPLOADS[sample.endpoint]
        data["file"] = (io.BytesIO(content), name)
    try:
        return _read(client.post(path, data=data))
    finally:
        if reset:
            site.reset()


def stored(site: Site, ignore: frozenset[str] = frozenset({"web_session"})) -> Snapshot:
    """Return every row of every table but `ignore` (browser sessions change on any visit)."""
    with site.app.app_context():
        rows = snapshot(db.engine)
    return {name: table for name, table in rows.items() if name not in ignore}


def _read(response):
    """Return `response` with its body read and the file behind it (static files) closed."""
    response.get_data()
    response.close()
    return response
