"""Language headers of an XLSForm: a code in brackets, or a language named without one."""

from __future__ import annotations

import pytest

from instruments.errors import WARNING, ErrorCode, Problem
from instruments.xlsform import XLSFormResult
from tests.instruments.xlsform_builders import EN, complete_settings, load, of_code, survey

ASSUMED = ErrorCode.XLSFORM_LANGUAGE_CODE_ASSUMED
MISSING = ErrorCode.XLSFORM_TRANSLATION_CODE_MISSING


def _settings(*labels: str, default_language: str = "") -> dict[str, str]:
    """Return complete settings with each Heard text under every language label in `labels`."""
    settings = {}
    for key, value in complete_settings(default_language=default_language).items():
        column, _, label = key.partition("::")
        if label != EN:
            settings[key] = value
            continue
        settings |= {f"{column}::{other}": value for other in labels}
    return settings


def _load_labelled(*labels: str, default_language: str = "") -> XLSFormResult:
    """Import one text question labelled in each of `labels` (``English``, ``LABEL::EN``).

    The settings sheet gives Heard's texts under the same language labels.
    """
    headers = [label if ":" in label else f"label::{label}" for label in labels]
    sheet = survey(
        ["text", "q", *(f"Where? ({label})" for label in labels)], header=("type", "name", *headers)
    )
    languages = [header.rsplit(":", 1)[1] for header in headers]
    return load(sheet, settings=_settings(*languages, default_language=default_language))


def _on_survey(result: XLSFormResult, code: ErrorCode) -> list[Problem]:
    """Return the problems with `code` about the survey sheet's header."""
    return [p for p in of_code(result, code) if p.path == "survey row 1"]


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("English", "en"),
        ("french", "fr"),
        ("LABEL::EN", "en"),
        ("label:Spanish", "es"),
        ("Farsi", "fa"),
        ("Persian", "fa"),
        ("Tigrinya", "ti"),
        ("Dari", "prs"),
        ("Haitian  creole", "ht"),
        ("prs", "prs"),
    ],
)
def test_a_language_named_without_a_code_gets_the_code_it_names(label: str, code: str) -> None:
    result = _load_labelled(label)

    assert result.errors == (), "\n".join(map(str, result.problems))
    assert result.instrument.languages == (code,)
    assert dict(result.instrument.item("q").label.translations) == {code: f"Where? ({label})"}


def test_the_warning_says_which_code_was_assumed_and_how_to_write_it() -> None:
    (warning,) = _on_survey(_load_labelled("english"), ASSUMED)

    assert warning.severity == WARNING
    assert "'english' to be English (en)" in warning.message
    assert "`label::English (en)`" in warning.message


def test_a_code_without_brackets_is_suggested_with_its_english_name() -> None:
    (warning,) = _on_survey(_load_labelled("LABEL::EN"), ASSUMED)

    assert "`LABEL::English (en)`" in warning.message


def test_a_header_with_its_code_in_brackets_gives_no_warning() -> None:
    assert of_code(_load_labelled(EN), ASSUMED) == []


@pytest.mark.parametrize("label", ["Mother tongue", "Eng", "xx", "Language 2"])
def test_a_name_that_is_no_language_heard_knows_is_still_an_error(label: str) -> None:
    result = _load_labelled(label)

    (error,) = _on_survey(result, MISSING)

    assert result.instrument is None
    assert f"`label::{label}`" in error.message
    assert "`label::English (en)`" in error.message


def test_two_languages_named_without_codes_keep_their_texts_apart() -> None:
    result = _load_labelled("English", "French")

    assert result.instrument.languages == ("en", "fr")
    assert dict(result.instrument.item("q").label.translations) == {
        "en": "Where? (English)",
        "fr": "Where? (French)",
    }


def test_a_default_language_named_without_a_code_is_read_with_a_warning() -> None:
    result = _load_labelled(EN, "Français (fr)", default_language="French")

    assert result.instrument.default_language == "fr"
    assert [(p.path, p.message.split("`")[1]) for p in of_code(result, ASSUMED)] == [
        ("settings row 2", "default_language")
    ]


def test_a_default_language_written_as_a_header_label_needs_no_code() -> None:
    result = _load_labelled("english", "Français (fr)", default_language="english")

    assert result.instrument.default_language == "en"
    assert {p.path for p in of_code(result, ASSUMED)} == {"survey row 1", "settings row 1"}


def test_a_default_language_that_is_no_language_heard_knows_is_an_error() -> None:
    result = _load_labelled(EN, default_language="Mother tongue")

    assert [p.path for p in of_code(result, MISSING)] == ["settings row 2"]
    assert result.instrument is None


def test_a_code_in_brackets_that_is_not_a_language_tag_is_refused() -> None:
    result = _load_labelled("English (english)")

    assert _on_survey(result, ErrorCode.INVALID_LANGUAGE_TAG) != []
    assert result.instrument is None


def test_one_language_under_two_headers_is_a_duplicate_column() -> None:
    result = _load_labelled("English", "LABEL::EN")

    (error,) = _on_survey(result, ErrorCode.XLSFORM_DUPLICATE_COLUMN)
    assert "`label::English` and `LABEL::EN`, both en" in error.message
    assert result.instrument is None
