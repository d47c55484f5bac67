"""Builders for test data: instruments as YAML text, studies in the database."""

from __future__ import annotations

import re
from typing import Any

import yaml
from flask import Flask

from instruments import load_instrument, load_library
from instruments.schema import Consent, Instrument
from survey.extensions import db, write_transaction
from survey.models import Study
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
