"""Builders for the coding tests: a study with completed answers, codes, coders on its team."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from survey.extensions import db, write_transaction
from survey.models import (
    Answer,
    Code,
    CodingDocument,
    Membership,
    Response,
    Study,
    Submission,
    User,
)
from survey.services.coding import documents
from tests.factories import add_study, make_staff, sign_in, tiny_instrument

SLUG = "tiny"
BASE = f"/coding/{SLUG}"
STORIES = (
    "They did not believe me. I was scared of the police.",
    "The officer listened and found me a place to stay.",
    "Nobody asked what happened to me 🙁 — they asked for my papers.",
    "I was arrested for the cannabis farm. Later they said I was a victim.",
)


@dataclass(frozen=True)
class Coder:
    """A signed-in staff member on the study's team."""

    client: FlaskClient
    email: str
    user_id: int


def respond(app: Flask, study_id: int, story: str | None, **closed: object) -> str:
    """Insert one completed response (story and closed answers) directly; return its id."""
    answers = {"contact_kind": "called", "arrested": "no", **closed}
    if story is not None:
        answers["story"] = story
    with app.app_context(), write_transaction(db.session):
        study = db.session.get(Study, study_id)
        response = Response(
            study_id=study_id,
            instrument_version_id=study.instrument_version_id,
            status="completed",
            language="en",
        )
        db.session.add(response)
        db.session.flush()
        for item_id, value in answers.items():
            db.session.add(
                Answer(response_id=response.id, item_id=item_id, value=json.dumps(value))
            )
        db.session.add(Submission(response_id=response.id))
        return response.id


def coding_study(app: Flask, stories: Sequence[str | None] = STORIES, **fields: object) -> int:
    """Create the tiny study with one completed response per story, with their documents.

    Returns the study id. (Responses submitted through the respondent pages
    get their documents at submit; these are inserted directly, so the
    documents are made with `sync_documents`.)
    """
    study_id = add_study(app, tiny_instrument(), slug=SLUG, **fields)
    for story in stories:
        respond(app, study_id, story)
    sync(app, study_id)
    return study_id


def sync(app: Flask, study_id: int) -> list[tuple[str, str]]:
    """Make the documents; return (document GUID, text) in a stable order (by text)."""
    with app.app_context():
        study = db.session.get(Study, study_id)
        documents.sync_documents(db.session, study)
        rows = db.session.execute(
            select(CodingDocument.public_id, CodingDocument.text).where(
                CodingDocument.study_id == study_id
            )
        ).all()
        return sorted(((guid, text) for guid, text in rows), key=lambda row: row[1])


def add_code(
    app: Flask, study_id: int, name: str, parent: str | None = None, codable: bool = True
) -> str:
    """Add a code (or a category) directly; return its GUID."""
    with app.app_context(), write_transaction(db.session):
        parent_id = (
            db.session.scalar(select(Code.id).where(Code.public_id == parent)) if parent else None
        )
        code = Code(study_id=study_id, name=name, parent_id=parent_id, codable=codable)
        db.session.add(code)
        db.session.flush()
        return code.public_id


def coder(app: Flask, study_id: int | None, role: str = "analyst", email: str | None = None):
    """Return a signed-in client for a new account with `role`, on the study's team."""
    member = make_staff(app, role, email=email)
    with app.app_context(), write_transaction(db.session):
        user_id = db.session.scalar(select(User.id).where(User.email == member.email))
        if study_id is not None:
            db.session.add(Membership(user_id=user_id, study_id=study_id))
    client = app.test_client()
    assert sign_in(client, member.email, member.password).status_code == 200
    return Coder(client, member.email, user_id)


def code_span(
    app: Flask, study_id: int, user_id: int, document: str, start: int, end: int, *codes: str
) -> None:
    """Apply `codes` to [start, end) of `document` as the account `user_id`, by the service."""
    from survey.services.coding import segments

    with app.app_context():
        study = db.session.get(Study, study_id)
        user = db.session.get(User, user_id)
        segments.apply_codes(
            db.session, user, study, [segments.Target(document, start, end)], list(codes)
        )


def segment_rows(app: Flask, study_id: int) -> list[tuple[str, str, str, int, int, str, bool]]:
    """Return every segment of the study as (GUID, code name, coder name, start, end, memo,
    distressing), ordered by start, end and code name."""
    from survey.models import Coder, Segment

    with app.app_context():
        rows = db.session.execute(
            select(
                Segment.public_id,
                Code.name,
                Coder.name,
                Segment.start,
                Segment.end,
                Segment.memo,
                Segment.distressing,
            )
            .join(Code, Code.id == Segment.code_id)
            .join(Coder, Coder.id == Segment.coder_id)
            .where(Code.study_id == study_id)
            .order_by(Segment.start, Segment.end, Code.name)
        ).all()
        return [tuple(row) for row in rows]


def text_of(html: str, element_id: str = "doc-text") -> str:
    """Return the text content of the element `element_id` in `html` (tags dropped, unescaped)."""
    import html as markup
    import re

    match = re.search(rf'<div id="{element_id}"[^>]*>(.*?)</div>', html, re.S)
    assert match, f"no #{element_id} in the page"
    return markup.unescape(re.sub(r"<[^>]+>", "", match.group(1)))
