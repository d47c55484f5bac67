"""Walk a loaded instrument: its sections, items and English texts, each with its key path."""

from __future__ import annotations

from collections.abc import Iterator

from instruments.lint._registry import Place
from instruments.schema import Consent, Instrument, Item, Section, Text

ITEM_TEXTS = ("label", "hint", "why_we_ask")
SECTION_TEXTS = ("intro", "content_note")
FREE_ENTRY_TYPES = frozenset({"short_text", "long_text", "number", "month_year"})
"""Item types whose answer is typed in, so it could hold anything a person writes."""


def is_english(language: str) -> bool:
    """Return True when the BCP 47 tag `language` is English (``en``, ``en-GB``)."""
    return language.split("-")[0].lower() == "en"


def english(text: Text | None) -> Iterator[tuple[str, str]]:
    """Yield ``(language, string)`` for each English translation of `text`."""
    if text is not None:
        for language, string in text.translations.items():
            if is_english(language) and string.strip():
                yield language, string


def sections(instrument: Instrument) -> Iterator[tuple[Place, Section]]:
    """Yield each section with its place (``sections[2]``)."""
    for index, section in enumerate(instrument.sections):
        yield Place(f"sections[{index}]", section.id), section


def items(instrument: Instrument) -> Iterator[tuple[Place, Section, Item]]:
    """Yield each item with its place (``sections[2].items[0]``) and its section."""
    for section_place, section in sections(instrument):
        for index, item in enumerate(section.items):
            place = section_place.at("items").at(index)
            yield Place(place.path, section.id, item.id), section, item


def section_texts(
    instrument: Instrument, keys: tuple[str, ...] = SECTION_TEXTS
) -> Iterator[tuple[Place, str, str]]:
    """Yield ``(place, language, text)`` for the English `keys` of every section."""
    for place, section in sections(instrument):
        for key in keys:
            for language, string in english(getattr(section, key)):
                yield place.at(key), language, string


def item_texts(
    instrument: Instrument, keys: tuple[str, ...] = ITEM_TEXTS
) -> Iterator[tuple[Place, str, str]]:
    """Yield ``(place, language, text)`` for the English `keys` of every item."""
    for place, _, item in items(instrument):
        for key in keys:
            for language, string in english(getattr(item, key)):
                yield place.at(key), language, string


def question_texts(instrument: Instrument) -> Iterator[tuple[Place, str, str]]:
    """Yield the English texts that frame the questions: section intros and notes, item texts."""
    yield from section_texts(instrument)
    yield from item_texts(instrument)


def consent_texts(instrument: Instrument) -> Iterator[tuple[Place, str, str]]:
    """Yield the English purpose and consent parts, each with its place."""
    for language, string in english(instrument.purpose):
        yield Place("purpose"), language, string
    for part in Consent.PARTS:
        for language, string in english(getattr(instrument.consent, part)):
            yield Place(f"consent.{part}"), language, string
