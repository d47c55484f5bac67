"""Builders of small instruments for the tests of the instruments library.

``minimal_instrument()`` returns the smallest valid instrument as a plain
dict; tests change what they need and dump it with ``to_yaml()``.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from instruments import ErrorCode, InstrumentInvalid, Problem, load_instrument
from instruments.schema import Consent

DELETE = object()
"""Pass as an override to remove a key: ``minimal_instrument(contact=DELETE)``."""

_CONSENT = {part: f"What the study says about {part.replace('_', ' ')}." for part in Consent.PARTS}

_MINIMAL: dict[str, Any] = {
    "format": "heard-instrument/1",
    "id": "tiny-study",
    "version": "1.0",
    "title": "A tiny study",
    "purpose": "To find out how the loader copes.",
    "languages": ["en"],
    "estimated_minutes": 5,
    "organisation": {"name": "Test Research Group"},
    "contact": {"email": "study@example.org"},
    "consent": _CONSENT,
    "sections": [
        {
            "id": "about",
            "title": "About your work",
            "items": [{"id": "worked", "type": "yes_no", "label": "Did you work in the UK?"}],
        }
    ],
}


def minimal_instrument(**overrides: Any) -> dict[str, Any]:
    """Return a fresh copy of the smallest valid instrument, with top-level `overrides`."""
    document = copy.deepcopy(_MINIMAL)
    for key, value in overrides.items():
        if value is DELETE:
            del document[key]
        else:
            document[key] = value
    return document


def minimal_guide(**overrides: Any) -> dict[str, Any]:
    """Return the smallest valid interview guide: the minimal instrument with one topic."""
    topic = {"id": "arrival", "title": "Arriving", "prompts": ["How did you come here?"]}
    document = minimal_instrument(kind="interview_guide", sections=DELETE, topics=[topic])
    for key, value in overrides.items():
        if value is DELETE:
            document.pop(key, None)
        else:
            document[key] = value
    return document


def item(item_id: str, item_type: str = "yes_no", label: str | None = None, **keys: Any) -> dict:
    """Return an item mapping; `keys` adds keys such as ``show_if`` or ``choices``."""
    return {"id": item_id, "type": item_type, "label": label or f"Question {item_id}?", **keys}


def choices(*values: str) -> list[dict[str, str]]:
    """Return a ``choices`` list with a label for each value."""
    return [{"value": value, "label": f"Choice {value}"} for value in values]


def section(section_id: str, *items: dict, **keys: Any) -> dict:
    """Return a section mapping holding `items`."""
    return {"id": section_id, "title": f"Section {section_id}", **keys, "items": list(items)}


def with_items(*items: dict, **overrides: Any) -> dict[str, Any]:
    """Return the minimal instrument with one section holding `items`."""
    return minimal_instrument(sections=[section("main", *items)], **overrides)


def to_yaml(document: Any) -> str:
    """Return `document` as YAML text, keys in the order written."""
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """Return the 1-based line of the `occurrence`-th line of `text` containing `needle`."""
    found = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return found[occurrence - 1]


def problems_of(source: dict | str) -> tuple[Problem, ...]:
    """Return the problems found in `source` (a document dict or YAML text); fail if none."""
    text = source if isinstance(source, str) else to_yaml(source)
    with pytest.raises(InstrumentInvalid) as caught:
        load_instrument(text, filename="study.yaml")
    return caught.value.problems


def codes_of(source: dict | str) -> list[ErrorCode]:
    """Return the codes of the problems found in `source`, in order."""
    return [problem.code for problem in problems_of(source)]


_ITEM_TEXTS = ("label", "hint", "why_we_ask")
_SECTION_TEXTS = ("title", "intro", "content_note")


def in_languages(document: dict[str, Any], *languages: str) -> dict[str, Any]:
    """Return `document` declared in `languages`, each text written in all of them."""

    def translate(mapping: dict, keys: tuple[str, ...]) -> None:
        for key in keys:
            if isinstance(mapping.get(key), str):
                mapping[key] = {language: f"{mapping[key]} [{language}]" for language in languages}

    document = copy.deepcopy(document)
    document["languages"] = list(languages)
    translate(document, ("title", "purpose"))
    translate(document["organisation"], ("name",))
    translate(document["consent"], Consent.PARTS)
    for section_ in document["sections"]:
        translate(section_, _SECTION_TEXTS)
        for item_ in section_["items"]:
            translate(item_, _ITEM_TEXTS)
            for option in item_.get("choices", []) + item_.get("points", []):
                translate(option, ("label",))
    return document
