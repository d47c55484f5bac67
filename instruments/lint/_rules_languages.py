"""Rules on languages: every declared language gets its help texts and its support list."""

from __future__ import annotations

from collections.abc import Iterator

from instruments.lint._registry import WARNING, Hit, Place, rule
from instruments.lint._walk import is_english, items, sections
from instruments.schema import Instrument, Text, language_name

OPTIONAL_ITEM_TEXTS = ("hint", "why_we_ask")
OPTIONAL_SECTION_TEXTS = ("intro", "content_note")


def _optional_texts(instrument: Instrument) -> Iterator[tuple[Place, str, Text]]:
    """Yield ``(place, key, text)`` for every optional text the instrument has."""
    for place, section in sections(instrument):
        for key in OPTIONAL_SECTION_TEXTS:
            text = getattr(section, key)
            if text is not None:
                yield place.at(key), key, text
    for place, _, item in items(instrument):
        for key in OPTIONAL_ITEM_TEXTS:
            text = getattr(item, key)
            if text is not None:
                yield place.at(key), key, text


@rule(
    "TRANSLATION_INCOMPLETE",
    WARNING,
    title="An optional text is missing in a declared language",
    explanation=(
        "The loader requires every declared language for required texts; hints, reasons "
        "for asking, intros and content notes may fall back to the default language. A "
        "person who chose their language then meets the help text in one they may not "
        "read, exactly where help is meant to be."
    ),
    fix="Translate the text into every language in `languages`.",
)
def translation_incomplete(instrument: Instrument) -> Iterator[Hit]:
    """Find optional texts that some declared language lacks."""
    for place, key, text in _optional_texts(instrument):
        for language in instrument.languages:
            if language not in text.translations:
                name = language_name(language)
                yield Hit(
                    place.at(language),
                    f"This {key} has no '{language}' ({name}) text: people reading {name} "
                    f"see it in {instrument.default_language} instead.",
                    f"Add the '{language}' translation of this {key}.",
                    language,
                )


@rule(
    "SUPPORT_NOT_IN_LANGUAGE",
    WARNING,
    title="A declared language has no support resources of its own",
    explanation=(
        "Every page shows where to get help, in the chosen language (SAFETY.md). Without a "
        "`support` list Heard shows its default (the UK Modern Slavery & Exploitation "
        "Helpline and 999), written in English: a person reading another language gets "
        "help they may not be able to read, and no service that speaks their language."
    ),
    fix=(
        "Add a `support` list for every declared language, naming services that work in it "
        "(the UK helpline offers interpreters: say so in that language)."
    ),
)
def support_not_in_language(instrument: Instrument) -> Iterator[Hit]:
    """Find declared languages other than English that rely on the English default support."""
    if instrument.support:
        return  # the loader makes a given `support` list every declared language
    for language in instrument.languages:
        if not is_english(language):
            yield Hit(
                Place(f"support.{language}"),
                f"There is no support list in '{language}' ({language_name(language)}): "
                "these respondents see Heard's default, in English.",
                f"Add `support: {{{language}: [...]}}` with services that help in "
                f"{language_name(language)}.",
                language,
            )
