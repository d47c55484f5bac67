"""Builders of small instruments for the lint tests: a clean one, and ways to spoil it.

``clean_instrument()`` returns a valid instrument on which the lint finds
nothing; each test changes one thing and looks for one rule's finding.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from instruments import Instrument, load_instrument
from instruments.lint import Finding, lint_instrument
from tests.instruments.builders import minimal_instrument, section, to_yaml

CLEAN_CONSENT = {
    "purpose": "We want to learn how people were treated at work in the UK.",
    "who_runs_it": "The Test Research Group runs this study and pays for it.",
    "use_and_retention": "We read all the answers together. We keep them for 2 years. "
    "Then we delete them.",
    "anonymity": "We do not ask for your name or for a way to contact you.",
    "right_to_skip": "You do not have to answer any question. You can skip it.",
    "right_to_stop": "You can stop at any time. Just close the page.",
    "withdrawal": "You can use your code to delete your answers for 3 months after you finish.",
    "confidentiality_limits": "We do not know who you are, so we cannot act on what you "
    "tell us. If you are in danger now, call 999.",
}
"""Consent that says, in plain words, everything each part must say."""

WHY = "We want to know how often this happens."


def clean_item(item_id: str, item_type: str = "yes_no", label: str | None = None, **keys: Any):
    """Return an item that says why it is asked; `keys` adds or replaces keys (None removes)."""
    item = {
        "id": item_id,
        "type": item_type,
        "label": label or "Did you work in the UK?",
        "why_we_ask": WHY,
        **keys,
    }
    return {key: value for key, value in item.items() if value is not None}


def clean_instrument(*items: dict, **overrides: Any) -> dict[str, Any]:
    """Return a valid instrument the lint finds nothing in, holding `items` in one section.

    ``sections=[...]`` in `overrides` replaces that section; other overrides
    replace top-level keys.
    """
    overrides.setdefault("sections", [section("main", *(items or (clean_item("worked"),)))])
    overrides.setdefault("consent", dict(CLEAN_CONSENT))
    overrides.setdefault("purpose", "To learn how people were treated at work in the UK.")
    return minimal_instrument(**overrides)


def sensitive_section(section_id: str, *items: dict, **keys: Any) -> dict:
    """Return a sensitive section with a content note (so skippable by default)."""
    note = "The next questions ask about money you were owed. You can skip them."
    return section(section_id, *items, sensitive=True, content_note=note, **keys)


def with_item(instrument: Instrument, item_id: str, **changes: Any) -> Instrument:
    """Return `instrument` with item `item_id` changed, as a non-YAML loader might build it."""
    sections = tuple(
        dataclasses.replace(
            section_,
            items=tuple(
                dataclasses.replace(item_, **changes) if item_.id == item_id else item_
                for item_ in section_.items
            ),
        )
        for section_ in instrument.sections
    )
    return dataclasses.replace(instrument, sections=sections, source="")


def loaded(document: dict[str, Any]) -> Instrument:
    """Load `document` (a dict) the way Heard loads YAML."""
    return load_instrument(to_yaml(document), filename="study.yaml")


def lint(source: dict[str, Any] | Instrument) -> list[Finding]:
    """Return the lint's findings on `source`, a document dict or a loaded instrument."""
    return lint_instrument(source if isinstance(source, Instrument) else loaded(source))


def codes(source: dict[str, Any] | Instrument) -> list[str]:
    """Return the codes the lint finds in `source`, in order."""
    return [finding.code for finding in lint(source)]


def found(source: dict[str, Any] | Instrument, code: str) -> list[Finding]:
    """Return the findings of rule `code` in `source`."""
    return [finding for finding in lint(source) if finding.code == code]
