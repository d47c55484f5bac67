"""Text in one or more languages: plain strings, mappings, and what is missing or extra."""

from __future__ import annotations

import pytest

from instruments import ErrorCode, load_instrument
from tests.instruments.builders import (
    in_languages,
    item,
    minimal_instrument,
    problems_of,
    to_yaml,
    with_items,
)


def test_a_plain_string_is_the_text_in_the_default_language() -> None:
    instrument = load_instrument(to_yaml(minimal_instrument(languages=["cy"])))

    assert dict(instrument.title.translations) == {"cy": "A tiny study"}


def test_the_default_language_is_the_first_listed() -> None:
    instrument = load_instrument(to_yaml(in_languages(minimal_instrument(), "ar", "en")))

    assert instrument.default_language == "ar"


def test_a_plain_string_belongs_to_a_declared_default_language() -> None:
    document = in_languages(minimal_instrument(), "en", "ar")
    document.update(default_language="ar", title="عنوان")

    problems = problems_of(document)

    assert [(p.code, p.path) for p in problems] == [(ErrorCode.TRANSLATION_MISSING, "title.en")]


def test_every_declared_language_loads_as_a_translation() -> None:
    instrument = load_instrument(to_yaml(in_languages(minimal_instrument(), "en", "ar")))

    assert set(next(instrument.items()).label.translations) == {"en", "ar"}


def test_a_required_text_missing_a_declared_language_is_reported_with_its_path() -> None:
    document = in_languages(with_items(item("q1")), "en", "ar")
    del document["sections"][0]["items"][0]["label"]["ar"]

    problems = problems_of(document)

    assert [(p.code, p.path) for p in problems] == [
        (ErrorCode.TRANSLATION_MISSING, "sections[0].items[0].label.ar")
    ]


def test_a_plain_string_in_a_bilingual_instrument_misses_the_other_language() -> None:
    document = in_languages(minimal_instrument(), "en", "ar")
    document["purpose"] = "Only in English."

    problems = problems_of(document)

    assert [(p.code, p.path) for p in problems] == [(ErrorCode.TRANSLATION_MISSING, "purpose.ar")]


def test_a_text_in_an_undeclared_language_is_reported() -> None:
    document = minimal_instrument(title={"en": "Hello", "fr": "Bonjour"})

    problems = problems_of(document)

    assert [(p.code, p.path) for p in problems] == [(ErrorCode.LANGUAGE_UNDECLARED, "title.fr")]


def test_an_empty_translation_is_reported_once() -> None:
    document = in_languages(minimal_instrument(), "en", "ar")
    document["title"]["ar"] = ""

    problems = problems_of(document)

    assert [(p.code, p.path) for p in problems] == [(ErrorCode.EMPTY_TEXT, "title.ar")]


def test_an_optional_text_may_be_in_the_default_language_only() -> None:
    document = in_languages(with_items(item("q1")), "en", "ar")
    document["sections"][0]["items"][0]["hint"] = "Only in English."

    instrument = load_instrument(to_yaml(document))

    assert next(instrument.items()).hint.get("ar") == "Only in English."


def test_an_empty_optional_text_is_no_text() -> None:
    instrument = load_instrument(to_yaml(with_items(item("q1", hint=""))))

    assert next(instrument.items()).hint is None


def test_a_required_text_given_as_an_empty_mapping_is_empty() -> None:
    problems = problems_of(minimal_instrument(title={}))

    assert [(p.code, p.path) for p in problems] == [(ErrorCode.EMPTY_TEXT, "title")]


def test_a_text_given_as_a_list_is_the_wrong_type() -> None:
    problems = problems_of(minimal_instrument(title=["A", "B"]))

    assert [(p.code, p.path) for p in problems] == [(ErrorCode.WRONG_TYPE, "title")]


@pytest.mark.parametrize("tag", ["en", "ar", "pt-BR", "zh-Hant", "zh-Hant-TW", "es-419", "no"])
def test_common_language_tags_are_accepted(tag: str) -> None:
    instrument = load_instrument(to_yaml(minimal_instrument(languages=[tag])))

    assert instrument.languages == (tag,)


@pytest.mark.parametrize("tag", ["english", "e", "en_GB", "en-", "12"])
def test_malformed_language_tags_are_refused(tag: str) -> None:
    problems = problems_of(minimal_instrument(languages=[tag]))

    assert [p.code for p in problems] == [ErrorCode.INVALID_LANGUAGE_TAG]


def test_languages_differing_only_in_case_are_duplicates() -> None:
    problems = problems_of(minimal_instrument(languages=["en", "EN"]))

    assert [p.code for p in problems] == [ErrorCode.DUPLICATE_LANGUAGE]


def test_support_is_needed_for_every_declared_language() -> None:
    document = in_languages(minimal_instrument(), "en", "ar")
    document["support"] = {"en": [{"name": "Helpline", "phone": "08000 121 700"}]}

    problems = problems_of(document)

    assert [(p.code, p.path) for p in problems] == [(ErrorCode.TRANSLATION_MISSING, "support.ar")]


def test_support_in_an_undeclared_language_is_reported() -> None:
    support = {"en": [{"name": "Helpline", "phone": "1"}], "fr": [{"name": "Aide", "phone": "2"}]}

    problems = problems_of(minimal_instrument(support=support))

    assert [(p.code, p.path) for p in problems] == [(ErrorCode.LANGUAGE_UNDECLARED, "support.fr")]


def test_right_to_left_languages_are_known_from_the_tag() -> None:
    instrument = load_instrument(to_yaml(in_languages(minimal_instrument(), "en", "ar")))

    assert instrument.is_rtl("ar") and not instrument.is_rtl("en")
