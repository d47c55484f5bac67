"""Builders for the export-role tests: a study with identifying answers, responses, reading zips."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Mapping
from typing import Any

import pandas as pd
import pyreadstat
from flask import Flask
from sqlalchemy import delete, select

from instruments import load_instrument
from survey.extensions import db, write_transaction
from survey.models import Answer, AuditEvent, Membership, Response, Study, Submission, User
from survey.services.coding import documents
from survey.services.exports.download import export_zip
from survey.services.exports.settings import check_settings
from survey.services.studies import instrument_of
from tests.factories import add_study, instrument_yaml, make_staff, sign_in

SLUG = "voices"
PLANTED = "My name is Maria Kowalska and I worked in Leeds."
SECRET_WORDS = ("Kowalska", "Leeds")
COUNTRIES = ("uk", "fr", "ng", "br", "vn")


def _choices(values: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"value": v, "label": v.upper()} for v in values]


def instrument_text() -> str:
    """Return the YAML of an instrument with answers that could identify someone, and free text."""
    items = [
        {"id": "age", "type": "number", "label": "How old are you?", "min": 16, "max": 99},
        {"id": "country", "type": "single_choice", "label": "Where were you born?"}
        | {"choices": _choices(COUNTRIES)},
        {"id": "arrived", "type": "month_year", "label": "When did you arrive?"},
        {"id": "help", "type": "multiple_choice", "label": "What help did you get?"}
        | {"choices": _choices(("housing", "lawyer"))},
        {"id": "story", "type": "long_text", "label": "Tell us what happened", "max_length": 500},
    ]
    return instrument_yaml(
        id="voices", sections=[{"id": "main", "title": "About you", "items": items}]
    )


def voices_study(app: Flask, **fields: Any) -> int:
    """Create the published study at SLUG; return its id."""
    instrument = load_instrument(instrument_text(), filename="voices.yaml")
    return add_study(app, instrument, slug=SLUG, **fields)


def respond(
    app: Flask,
    study_id: int,
    answers: Mapping[str, object],
    *,
    no_quotes: bool = False,
    completed_on: dt.date = dt.date(2024, 3, 14),
) -> str:
    """Insert one completed response; a str value starting with '!' is a non-answer code."""
    with app.app_context(), write_transaction(db.session):
        study = db.session.get(Study, study_id)
        response = Response(
            study_id=study_id,
            instrument_version_id=study.instrument_version_id,
            status="completed",
            language="en",
            completed_on=completed_on,
            no_quotes=no_quotes,
        )
        db.session.add(response)
        db.session.flush()
        for item_id, value in answers.items():
            if isinstance(value, str) and value.startswith("!"):
                row = Answer(response_id=response.id, item_id=item_id, code=value[1:])
            else:
                row = Answer(response_id=response.id, item_id=item_id, value=json.dumps(value))
            db.session.add(row)
        db.session.add(Submission(response_id=response.id))
        return response.id


def make_documents(app: Flask, study_id: int) -> None:
    """Make the coding cases and documents (with redaction proposals) of every response."""
    with app.app_context():
        documents.sync_documents(db.session, db.session.get(Study, study_id))


def clear_responses(app: Flask, study_id: int) -> None:
    """Delete every response of the study (cascading to answers and documents)."""
    with app.app_context(), write_transaction(db.session):
        db.session.execute(delete(Response).where(Response.study_id == study_id))


def member(app: Flask, study_id: int, role: str):
    """Return a client signed in as a new account with `role`, on the study's team."""
    person = make_staff(app, role)
    with app.app_context(), write_transaction(db.session):
        user_id = db.session.scalar(select(User.id).where(User.email == person.email))
        db.session.add(Membership(user_id=user_id, study_id=study_id))
    client = app.test_client()
    assert sign_in(client, person.email, person.password).status_code == 200
    return client


def export_events(app: Flask) -> list[tuple[int | None, dict]]:
    """Return (actor id, detail) of every study.export event, oldest first."""
    with app.app_context():
        rows = db.session.execute(
            select(AuditEvent.actor_id, AuditEvent.detail)
            .where(AuditEvent.action == "study.export")
            .order_by(AuditEvent.id)
        ).all()
        return [(actor, json.loads(detail)) for actor, detail in rows]


def zip_members(data: bytes) -> dict[str, bytes]:
    """Return every file of a zip download by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def read_data(name: str, data: bytes, tmp_path) -> pd.DataFrame:
    """Read an exported data file back with pandas or pyreadstat (missing codes as values)."""
    path = tmp_path / name
    path.write_bytes(data)
    if name.endswith(".csv"):
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if name.endswith(".xlsx"):
        return pd.read_excel(path, dtype=str, keep_default_na=False)
    reader = pyreadstat.read_sav if name.endswith(".sav") else pyreadstat.read_dta
    frame, _ = reader(str(path), apply_value_formats=True, user_missing=True)
    return frame


def respond_many(app: Flask, study_id: int, people: list[Mapping[str, object]]) -> list[str]:
    """Insert many completed responses in one transaction; return their ids in order."""
    ids = []
    with app.app_context(), write_transaction(db.session):
        study = db.session.get(Study, study_id)
        for answers in people:
            response = Response(
                study_id=study_id,
                instrument_version_id=study.instrument_version_id,
                status="completed",
                language="en",
                completed_on=dt.date(2024, 3, 14),
            )
            db.session.add(response)
            db.session.flush()
            ids.append(response.id)
            for item_id, value in answers.items():
                db.session.add(
                    Answer(response_id=response.id, item_id=item_id, value=json.dumps(value))
                )
    return ids


def set_export_settings(app: Flask, study_id: int, raw: Mapping[str, object]) -> None:
    """Check `raw` (the JSON shape) against the study's instrument and store it."""
    with app.app_context(), write_transaction(db.session):
        study = db.session.get(Study, study_id)
        settings = check_settings(raw, instrument_of(study.instrument_version))
        study.export_settings_json = settings.as_json()


def export_frame(app: Flask, study_id: int, fmt: str, tmp_path, **options) -> pd.DataFrame:
    """Export the study (de-identified unless full=True) and read the data file back."""
    with app.app_context():
        study = db.session.get(Study, study_id)
        download = export_zip(db.session, study, None, fmt, **options)
        with download.file:
            files = zip_members(download.file.read())
    [name] = [n for n in files if n.endswith(f".{fmt}") and "_codebook" not in n]
    return read_data(name, files[name], tmp_path)
