"""Small transcripts in every format, built inline, and helpers to add and read them back."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from survey.extensions import db, write_transaction
from survey.models import (
    AuditEvent,
    CodingCase,
    CodingDocument,
    Response,
    Study,
    TranscriptTurn,
)
from survey.services import phrases
from tests.factories import form_token
from tests.survey.coding.helpers import BASE, sync

NEW = f"{BASE}/transcripts/new"
QUESTION = "How did you come here?"
ANSWER = "By lorry, at night. Nobody told us where."

TXT = f"Interviewer: {QUESTION}\nRespondent: {ANSWER}\n".encode()
VTT = (
    "WEBVTT\n\n"
    f"00:00:01.000 --> 00:00:04.000\n<v Interviewer>{QUESTION}\n\n"
    f"00:00:05.500 --> 00:00:09.250\n<v Respondent>{ANSWER}\n"
).encode()
SRT = (
    f"1\n00:00:01,000 --> 00:00:04,000\nInterviewer: {QUESTION}\n\n"
    f"2\n00:00:05,500 --> 00:00:09,250\nRespondent: {ANSWER}\n"
).encode()

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def docx(*paragraphs: str, extra: dict[str, bytes] | None = None) -> bytes:
    """Return a minimal Word document with one paragraph per string (and `extra` members)."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{p}</w:t></w:r></w:p>' for p in paragraphs)
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<w:document xmlns:w="{_W}"><w:body>{body}</w:body></w:document>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = docx(f"Interviewer: {QUESTION}", f"Respondent: {ANSWER}")
MACRO_DOCX = docx(
    "Interviewer: Hello", "Respondent: Hi", extra={"word/vbaProject.bin": b"\xd0\xcf"}
)
EXTERNAL_DOCX = docx(
    "Interviewer: Hello",
    "Respondent: Hi",
    extra={
        "word/_rels/document.xml.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/attachedTemplate" Target="http://203.0.113.9/t.dotm" '
            b'TargetMode="External"/></Relationships>'
        )
    },
)


def add_transcript(
    client: FlaskClient,
    filename: str | None = None,
    data: bytes = b"",
    **fields: str,
) -> TestResponse:
    """Post the transcript form: a file (if `filename`) and `fields` (text, name, case...)."""
    form: dict[str, object] = {"csrf_token": form_token(client), **fields}
    if filename is not None:
        form["file"] = (io.BytesIO(data), filename)
    return client.post(NEW, data=form, content_type="multipart/form-data")


@dataclass(frozen=True)
class StoredTranscript:
    """A transcript as stored: its document's fields, its case and its turns."""

    guid: str
    name: str
    text: str
    length: int
    case: str
    response_id: str | None
    attributes: dict
    turns: list[tuple[str | None, int, int, int | None, int | None]]

    def words(self) -> list[tuple[str | None, str]]:
        """Return each turn as (speaker, its words)."""
        return [(speaker, self.text[start:end]) for speaker, start, end, _, _ in self.turns]


def stored(app: Flask) -> list[StoredTranscript]:
    """Return every transcript in the database, oldest first."""
    with app.app_context():
        found = []
        for document in db.session.scalars(
            select(CodingDocument)
            .where(CodingDocument.kind == "transcript")
            .order_by(CodingDocument.id)
        ):
            case = db.session.get(CodingCase, document.case_id)
            turns = db.session.execute(
                select(
                    TranscriptTurn.speaker,
                    TranscriptTurn.start,
                    TranscriptTurn.end,
                    TranscriptTurn.time_start_ms,
                    TranscriptTurn.time_end_ms,
                )
                .where(TranscriptTurn.document_id == document.id)
                .order_by(TranscriptTurn.position)
            ).all()
            found.append(
                StoredTranscript(
                    document.public_id,
                    document.name,
                    document.text,
                    document.length,
                    case.public_id,
                    case.response_id,
                    json.loads(case.attributes_json),
                    [tuple(turn) for turn in turns],
                )
            )
        return found


def counts(app: Flask) -> dict[str, int]:
    """Return how many cases, documents, turns and transcript audit events exist."""
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (CodingCase, CodingDocument, TranscriptTurn)
        } | {
            "audit": db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "coding.transcript_added")
            )
        }


def interviewed(app: Flask, study_id: int, phrase: str | None = None, mode: str = "interviewer"):
    """Insert a completed response entered by an interviewer (with a withdrawal phrase's hash),
    make its case, and return the case GUID."""
    from tests.survey.coding.helpers import respond

    response_id = respond(app, study_id, "Recorded by the interviewer.")
    with app.app_context(), write_transaction(db.session):
        response = db.session.get(Response, response_id)
        response.mode = mode
        if phrase is not None:
            response.withdrawal_hash = phrases.hash_phrase(
                phrase, secret_key=app.config["SECRET_KEY"], purpose=phrases.WITHDRAW
            )
    sync(app, study_id)
    with app.app_context():
        return db.session.scalar(
            select(CodingCase.public_id).where(CodingCase.response_id == response_id)
        )


def study_id_of(app: Flask, slug: str) -> int:
    """Return the id of the study at `slug`."""
    with app.app_context():
        return db.session.scalar(select(Study.id).where(Study.slug == slug))
