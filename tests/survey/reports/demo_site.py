"""The synthetic demo study with an analyst, for the report service tests (one per module)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from instruments import load_library
from survey.extensions import db
from survey.models import Code, CodingCase, CodingDocument, Segment, Study, User
from survey.services import accounts
from survey.services.coding import demo
from tests.conftest import make_app


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


def close(site: Site) -> None:
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
