"""Lint rules on languages: each declared language gets its help texts and its support list."""

from __future__ import annotations

import pytest

from tests.instruments.builders import in_languages
from tests.instruments.lint_builders import clean_instrument, clean_item, codes, found

SUPPORT = {"name": "Helpline", "phone": "08000 121 700"}


def bilingual(*items: dict, **keys: object) -> dict:
    """Return the clean instrument in English and French, with a support list in each."""
    document = in_languages(clean_instrument(*items, **keys), "en", "fr")
    document["support"] = {"en": [dict(SUPPORT)], "fr": [dict(SUPPORT)]}
    return document


def test_the_bilingual_instrument_the_tests_start_from_has_no_findings() -> None:
    assert codes(bilingual()) == []


@pytest.mark.parametrize("key", ["hint", "why_we_ask"])
def test_an_item_text_missing_in_a_declared_language_is_flagged_at_that_language(
    key: str,
) -> None:
    document = bilingual()
    document["sections"][0]["items"][0][key] = {"en": "We want to know how often this happens."}

    (finding,) = found(document, "TRANSLATION_INCOMPLETE")

    assert (finding.path, finding.language, finding.item_id) == (
        f"sections[0].items[0].{key}.fr",
        "fr",
        "worked",
    )
    assert "Français" in finding.message


@pytest.mark.parametrize("key", ["intro", "content_note"])
def test_a_section_text_missing_in_a_declared_language_is_flagged(key: str) -> None:
    document = bilingual()
    document["sections"][0][key] = {"en": "These questions are about your work."}
    document["sections"][0]["skippable"] = True

    assert [f.path for f in found(document, "TRANSLATION_INCOMPLETE")] == [f"sections[0].{key}.fr"]


def test_a_text_that_is_not_there_in_any_language_is_not_a_missing_translation() -> None:
    document = bilingual(clean_item("q", hint="Think of your last job."))
    del document["sections"][0]["items"][0]["hint"]

    assert "TRANSLATION_INCOMPLETE" not in codes(document)


def test_a_declared_language_without_support_is_flagged() -> None:
    document = in_languages(clean_instrument(), "en", "ar")

    (finding,) = found(document, "SUPPORT_NOT_IN_LANGUAGE")

    assert (finding.path, finding.language, finding.severity) == ("support.ar", "ar", "warning")


def test_english_alone_may_rely_on_the_default_support_list() -> None:
    assert "SUPPORT_NOT_IN_LANGUAGE" not in codes(clean_instrument())


def test_a_support_list_in_every_language_is_enough() -> None:
    assert "SUPPORT_NOT_IN_LANGUAGE" not in codes(bilingual(clean_item("q")))
