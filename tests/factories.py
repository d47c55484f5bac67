"""Builders for test data: instruments as YAML text, studies, staff accounts and sign-ins."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import yaml
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from instruments import load_instrument, load_library
from instruments.schema import Consent, Instrument
from survey.extensions import db, write_transaction
from survey.models import Study
from survey.services import accounts
from survey.services.studies import create_study

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def instrument_yaml(**overrides: Any) -> str:
    """Return the YAML of a small valid instrument, with top-level `overrides`."""
    document: dict[str, Any] = {
        "format": "heard-instrument/1",
        "id": "tiny",
        "version": "1",
        "title": "A tiny survey",
        "purpose": "To test Heard.",
        "languages": ["en"],
        "estimated_minutes": 2,
        "organisation": {"name": "Test team"},
        "contact": {"email": "team@example.org"},
        "consent": {part: f"Consent text about {part}." for part in Consent.PARTS},
        "sections": [
            {
                "id": "about",
                "title": "About you",
                "items": [
                    {
                        "id": "contact_kind",
                        "type": "single_choice",
                        "label": "How did you meet the police?",
                        "choices": [
                            {"value": "called", "label": "I called them"},
                            {"value": "found", "label": "They found me"},
                        ],
                    },
                    {"id": "story", "type": "long_text", "label": "Tell us more", "max_length": 50},
                ],
            },
            {
                "id": "hard",
                "title": "Hard things",
                "sensitive": True,
                "content_note": "This part asks about arrest.",
                "items": [
                    {"id": "arrested", "type": "yes_no", "label": "Were you arrested?"},
                    {
                        "id": "charged",
                        "type": "yes_no",
                        "label": "Were you charged?",
                        "show_if": "arrested == 'yes'",
                        "non_answers": ["prefer_not_to_say", "dont_know"],
                    },
                ],
            },
            {
                "id": "more",
                "title": "More",
                "items": [
                    {
                        "id": "help",
                        "type": "multiple_choice",
                        "label": "What help did you get?",
                        "choices": [
                            {"value": "housing", "label": "A place to stay"},
                            {"value": "lawyer", "label": "A lawyer"},
                        ],
                    },
                    {
                        "id": "age",
                        "type": "number",
                        "label": "How old are you?",
                        "min": 18,
                        "max": 120,
                    },
                    {"id": "when", "type": "month_year", "label": "When was it?"},
                ],
            },
        ],
    }
    document.update(overrides)
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def tiny_instrument(**overrides: Any) -> Instrument:
    """Return the tiny instrument, loaded."""
    return load_instrument(instrument_yaml(**overrides), filename="tiny.yaml")


def add_study(
    app: Flask, instrument: Instrument | None = None, slug: str = "tiny", **fields: Any
) -> int:
    """Create a published study in `app`'s database; return its id."""
    with app.app_context():
        with write_transaction(db.session):
            study = create_study(
                db.session, instrument or tiny_instrument(), slug=slug, publish=True
            )
            for name, value in fields.items():
                setattr(study, name, value)
        return study.id


def add_demo_study(app: Flask) -> int:
    """Create the bundled police-response study."""
    return add_study(app, load_library("police-response"), slug="police-response")


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form in `html`."""
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def study(app: Flask, slug: str) -> Study:
    """Return the study at `slug` (detached)."""
    with app.app_context():
        return db.session.query(Study).filter_by(slug=slug).one()


STAFF_PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class StaffMember:
    """A staff account made for a test, with the password it signs in with."""

    id: int
    public_id: str
    email: str
    role: str
    password: str


def make_staff(
    app: Flask, role: str, email: str | None = None, password: str = STAFF_PASSWORD
) -> StaffMember:
    """Create an account with `role` and a known password, already changed from the first."""
    address = email or f"{role.replace('_', '-')}-{secrets.token_hex(4)}@example.org"
    with app.app_context():
        created = accounts.create_user(db.session, email=address, role=role)
        accounts.change_password(
            db.session, created.user, current=created.one_time_password, new=password
        )
        user = created.user
        return StaffMember(user.id, user.public_id, user.email, user.role, password)


def sign_in(
    client: FlaskClient, email: str, password: str, code: str | None = None
) -> TestResponse:
    """Post the sign-in form (with its CSRF token) and follow the redirects."""
    page = client.get("/studio/login")
    form = {"csrf_token": csrf_token(page.get_data(as_text=True))}
    form |= {"email": email, "password": password}
    if code is not None:
        form["code"] = code
    return client.post("/studio/login", data=form, follow_redirects=True)


def signed_in(app: Flask, role: str, email: str | None = None) -> FlaskClient:
    """Return a new client signed in as a new account with `role`."""
    member = make_staff(app, role, email=email)
    client = app.test_client()
    response = sign_in(client, member.email, member.password)
    assert response.status_code == 200, response.status_code
    return client


def form_token(client: FlaskClient) -> str:
    """Return the CSRF token of `client`'s session (from the sign-in form, or where it leads)."""
    page = client.get("/studio/login", follow_redirects=True)
    return csrf_token(page.get_data(as_text=True))
