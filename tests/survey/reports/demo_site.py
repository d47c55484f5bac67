"""The synthetic demo study with an analyst, for the report service tests (one per module)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from instruments import load_library
from survey.extensions import db, write_transaction
from survey.models import Code, CodingCase, CodingDocument, Membership, Segment, Study, User
from survey.services import accounts
from survey.services.coding import demo
from tests.conftest import make_app
from tests.factories import form_token, make_staff, sign_in


@dataclass
class Site:
    app: Flask
    study_id: int
    analyst_id: int

    @contextmanager
    def session(self) -> Iterator[tuple]:
        """Yield (session, study, analyst) inside an app context."""
        with self.app.app_context():
            yield (
                db.session,
                db.session.get(Study, self.study_id),
                db.session.get(User, self.analyst_id),
            )


def build_site(folder: Path) -> Site:
    """Create the demo study and an analyst account on a fresh database."""
    app = make_app(folder)
    with app.app_context():
        made = demo.create_demo(db.session, load_library("police-response"))
        analyst = accounts.create_user(db.session, email="analyst@example.org", role="analyst")
        db.session.commit()
        return Site(app, made.study.id, analyst.user.id)


@dataclass
class PagesSite:
    """The demo study with an analyst on its team, signed in through a test client."""

    app: Flask
    client: FlaskClient
    token: str
    slug: str
    study_id: int
    analyst_id: int
    codes: dict[str, str]


def signed_in_site(folder: Path) -> PagesSite:
    """Create the demo study (k=10) and an analyst on its team, signed in."""
    app = make_app(folder)
    with app.app_context():
        study = demo.create_demo(db.session, load_library("police-response")).study
        slug, study_id = study.slug, study.id
        codes = dict(db.session.execute(select(Code.name, Code.public_id)).all())
    analyst = make_staff(app, "analyst")
    with app.app_context(), write_transaction(db.session):
        db.session.add(Membership(user_id=analyst.id, study_id=study_id))
    client = app.test_client()
    sign_in(client, analyst.email, analyst.password)
    return PagesSite(app, client, form_token(client), slug, study_id, analyst.id, codes)


def close(site: Site | PagesSite) -> None:
    """Release the site's database."""
    with site.app.app_context():
        db.session.remove()
        db.engine.dispose()


def code_guids(session, study: Study) -> dict[str, str]:
    """Return {code name: public id} of the study's codebook."""
    rows = session.execute(select(Code.name, Code.public_id).where(Code.study_id == study.id))
    return dict(rows.all())


def cases_by_code(session, study: Study) -> dict[str, set[str]]:
    """Return {code name: case public ids with a segment of it}, straight from the segment rows."""
    rows = session.execute(
        select(Code.name, CodingCase.public_id)
        .select_from(Segment)
        .join(Code, Code.id == Segment.code_id)
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .join(CodingCase, CodingCase.id == CodingDocument.case_id)
        .where(CodingDocument.study_id == study.id)
    )
    found: dict[str, set[str]] = {}
    for name, case in rows:
        found.setdefault(name, set()).add(case)
    return found


def attributes(session, study: Study) -> dict[str, dict]:
    """Return {case public id: its attributes} as stored."""
    rows = session.execute(
        select(CodingCase.public_id, CodingCase.attributes_json).where(
            CodingCase.study_id == study.id
        )
    )
    return {guid: json.loads(raw or "{}") for guid, raw in rows}
