"""The language names Heard knows: autonyms for respondents, English names for XLSForm headers."""

from __future__ import annotations

import pytest
from pyxform.validators.pyxform.iana_subtags.validation import read_tags

from instruments.languages import (
    ENGLISH_NAMES,
    LANGUAGE_NAMES,
    english_name,
    is_rtl,
    language_code,
    language_name,
)

REGISTERED = read_tags("iana_subtags_2_characters.txt") | read_tags(
    "iana_subtags_3_or_more_characters.txt"
)


def test_every_language_in_the_picker_can_be_named_in_english() -> None:
    assert [code for code in LANGUAGE_NAMES if english_name(code) is None] == []


def test_no_english_name_stands_for_two_languages() -> None:
    names = [name.casefold() for names in ENGLISH_NAMES.values() for name in names]

    assert len(names) == len(set(names))


def test_every_named_language_has_a_registered_code() -> None:
    assert [code for code in ENGLISH_NAMES if code.split("-")[0] not in REGISTERED] == []


@pytest.mark.parametrize("name", ["Arabic", "Farsi", "Dari", "Sorani", "Urdu", "Pashto"])
def test_a_language_named_in_english_and_written_right_to_left_is_shown_so(name: str) -> None:
    assert is_rtl(language_code(name))


def test_an_english_name_is_read_whatever_its_case_and_spacing() -> None:
    assert language_code("  haitian   CREOLE ") == "ht"


def test_a_language_the_picker_does_not_know_shows_its_tag() -> None:
    assert (language_name("ar-EG"), language_name("xx")) == ("العربية", "xx")
