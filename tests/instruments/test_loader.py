"""Loading a valid instrument, its defaults, its hash, and reporting every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from instruments import ErrorCode, Instrument, InstrumentInvalid, Text, load_instrument
from instruments._validate_top import DEFAULT_SUPPORT
from tests.instruments.builders import (
    choices,
    codes_of,
    item,
    minimal_instrument,
    problems_of,
    section,
    to_yaml,
    with_items,
)


def load(document: dict) -> Instrument:
    return load_instrument(to_yaml(document))


def only_item(document: dict) -> object:
    return next(load(document).items())


# --- the minimal instrument and its defaults ---------------------------------------------


def test_the_minimal_instrument_loads_into_the_dataclasses(document: dict) -> None:
    instrument = load(document)

    assert instrument.id == "tiny-study"
    assert instrument.title == Text({"en": "A tiny study"})
    assert instrument.consent.withdrawal.get("en").startswith("What the study says")
    assert [item.id for item in instrument.items()] == ["worked"]


def test_kind_layout_and_default_language_have_defaults(document: dict) -> None:
    instrument = load(document)

    assert (instrument.kind, instrument.layout, instrument.default_language) == (
        "survey",
        "section",
        "en",
    )


def test_an_item_offers_prefer_not_to_say_and_is_optional_by_default(document: dict) -> None:
    worked = only_item(document)

    assert worked.non_answers == ("prefer_not_to_say",)
    assert worked.required is False
    assert worked.sensitive is False


@pytest.mark.parametrize(("item_type", "limit"), [("short_text", 500), ("long_text", 5000)])
def test_text_items_have_a_default_max_length(item_type: str, limit: int) -> None:
    assert only_item(with_items(item("story", item_type))).max_length == limit


def test_a_sensitive_section_is_skippable_by_default() -> None:
    document = minimal_instrument(
        sections=[section("hard", item("q1"), sensitive=True, content_note="About arrest.")]
    )

    assert load(document).sections[0].skippable is True


def test_an_ordinary_section_is_not_skippable_by_default(document: dict) -> None:
    assert load(document).sections[0].skippable is False


def test_a_sensitive_section_can_be_made_not_skippable() -> None:
    hard = section("hard", item("q1"), sensitive=True, content_note="About.", skippable=False)

    assert load(minimal_instrument(sections=[hard])).sections[0].skippable is False


def test_a_note_has_no_non_answers() -> None:
    assert only_item(with_items(item("intro", "note"))).non_answers == ()


def test_a_number_is_whole_by_default() -> None:
    assert only_item(with_items(item("age", "number", min=16, max=99))).integer is True


def test_an_instrument_without_support_gets_the_uk_helpline_in_every_language() -> None:
    document = minimal_instrument(languages=["en", "cy"])
    document["title"] = document["purpose"] = {"en": "Hi", "cy": "Helo"}

    instrument = load_instrument(to_yaml(document).replace("Hi\n", "Hi\n"), filename="x")

    assert instrument.support == {"en": DEFAULT_SUPPORT, "cy": DEFAULT_SUPPORT} or problems_of
