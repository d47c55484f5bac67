"""A study whose answers the export tests know: the instrument and the answers are the oracle."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path

import yaml
from flask import Flask
from sqlalchemy import select

from instruments.schema import Instrument
from survey.extensions import db, write_transaction
from survey.models import InstrumentVersion, Response, Study
from survey.models.respondent import Answer
from survey.services.exports import Written, export_study
from tests.factories import add_study, instrument_yaml, tiny_instrument

HOSTILE = {
    "rtl": "שלום \u202eevil\u202c مرحبا",
    "emoji": "👩🏽‍⚕️ 🎉 done",
    "long": "x" * 10_000,
}
TEXT_WITH_NUL = "before\x00after"
FORMULA = "=HYPERLINK(1)"


def export_instrument() -> Instrument:
    """Return the tiny instrument plus a scale, an escaped label and a self-described choice."""
    document = yaml.safe_load(instrument_yaml())
    document["sections"][2]["items"] += [
        {
            "id": "trust",
            "type": "scale",
            "label": "How much do you trust them <now> & why?",
            "points": [{"value": v, "label": f"Level {v}"} for v in range(1, 6)],
        },
        {
            "id": "origin",
            "type": "single_choice",
            "label": "Where are you from?",
            "choices": [
                {"value": "here", "label": "Here"},
                {"value": "other", "label": "Somewhere else"},
            ],
            "self_describe": "other",
        },
        {"id": "debt", "type": "number", "label": "Debt owed", "integer": True},
        {"id": "name_note", "type": "short_text", "label": "Anything else?"},
    ]
    return tiny_instrument(sections=document["sections"])


# Each response: item id -> ("v", value) or ("c", code); missing items are stored nowhere.
RESPONSES: list[dict[str, tuple[str, object]]] = [
    {
        "contact_kind": ("v", "found"),
        "story": ("v", FORMULA),
        "arrested": ("v", "yes"),
        "charged": ("c", "dont_know"),
        "help": ("v", ["housing", "lawyer"]),
        "age": ("v", 34),
        "when": ("v", "2021-03"),
        "trust": ("v", 4),
        "origin": ("v", "other"),
        "origin__text": ("v", "-far away"),
        "debt": ("v", -3),
        "name_note": ("v", HOSTILE["rtl"]),
    },
    {
        "contact_kind": ("c", "prefer_not_to_say"),
        "story": ("v", HOSTILE["long"]),
        "arrested": ("v", "no"),
        "charged": ("c", "not_shown"),
        "help": ("c", "prefer_not_to_say"),
        "age": ("c", "prefer_not_to_say"),
        "when": ("c", "skipped"),
        "trust": ("c", "dont_know"),
        "origin": ("v", "here"),
        "debt": ("v", 1200),
        "name_note": ("v", HOSTILE["emoji"]),
    },
    {
        "contact_kind": ("v", "called"),
        "story": ("v", TEXT_WITH_NUL),
        "arrested": ("c", "skipped"),
        "help": ("v", ["lawyer"]),
        "age": ("v", 19),
        "trust": ("v", 1),
        "origin": ("v", "other"),
        "debt": ("c", "not_applicable"),
        "name_note": ("v", "@SUM(A1)"),
    },
]


def add_responses(app: Flask, slug: str, answers: list[dict[str, tuple[str, object]]]) -> None:
    """Store `answers` as completed responses of the study at `slug`."""
    with app.app_context(), write_transaction(db.session):
        study = db.session.scalar(select(Study).where(Study.slug == slug))
        version = db.session.scalar(
            select(InstrumentVersion.id).where(InstrumentVersion.id == study.instrument_version_id)
        )
        for number, given in enumerate(answers):
            response = Response(
                id=secrets.token_hex(16),
                study_id=study.id,
                instrument_version_id=version,
                status="completed",
                language="en",
                completed_on=dt.date(2024, 5, 1 + number),
            )
            db.session.add(response)
            db.session.flush()
            for item_id, (kind, value) in given.items():
                db.session.add(
                    Answer(
                        response_id=response.id,
                        item_id=item_id,
                        value=json.dumps(value, ensure_ascii=False) if kind == "v" else None,
                        code=value if kind == "c" else None,
                    )
                )


def build(app: Flask) -> None:
    """Add the study `known` with :data:`RESPONSES` and the study `empty` with none."""
    add_study(app, export_instrument(), slug="known")
    add_study(app, export_instrument(), slug="empty")
    add_responses(app, "known", RESPONSES)


def export(app: Flask, slug: str, fmt: str, out: Path, **options: object) -> Written:
    """Export the study at `slug` in `fmt` to `out`."""
    with app.app_context():
        study = db.session.scalar(select(Study).where(Study.slug == slug))
        return export_study(db.session, study, fmt, out, **options)
