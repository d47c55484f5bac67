"""Lint rules on voice and choice: nothing forced, nothing sensitive unwarned, reasons given."""

from __future__ import annotations

import dataclasses

import pytest

from tests.instruments.builders import section
from tests.instruments.lint_builders import (
    clean_instrument,
    clean_item,
    codes,
    found,
    loaded,
    sensitive_section,
)


def test_a_required_sensitive_question_points_at_its_required_key() -> None:
    document = clean_instrument(
        sections=[sensitive_section("pay", clean_item("owed", required=True))]
    )

    (finding,) = found(document, "REQUIRED_SENSITIVE")

    assert (finding.path, finding.section_id, finding.item_id, finding.severity) == (
        "sections[0].items[0].required",
        "pay",
        "owed",
        "error",
    )


def test_a_required_question_marked_sensitive_is_flagged_in_any_section() -> None:
    document = clean_instrument(clean_item("owed", required=True, sensitive=True))

    assert "REQUIRED_SENSITIVE" in codes(document)


def test_a_required_question_that_is_not_sensitive_is_left_to_the_researcher() -> None:
    document = clean_instrument(clean_item("worked", required=True))

    assert codes(document) == []


def test_a_sensitive_question_in_an_ordinary_section_is_flagged_at_its_sensitive_key() -> None:
    (finding,) = found(clean_instrument(clean_item("q", sensitive=True)), "SENSITIVE_UNPROTECTED")

    assert finding.path == "sections[0].items[0].sensitive"
    assert "has no content note and cannot be skipped" in finding.message


@pytest.mark.parametrize(
    ("keys", "lack"),
    [
        ({"skippable": True}, "has no content note"),
        ({"content_note": "The next questions ask about pay."}, "cannot be skipped"),
    ],
)
def test_a_sensitive_question_needs_both_a_content_note_and_a_skip(keys: dict, lack: str) -> None:
    document = clean_instrument(sections=[section("main", clean_item("q", sensitive=True), **keys)])

    (finding,) = found(document, "SENSITIVE_UNPROTECTED")

    assert finding.message.endswith(f"{lack}: the person meets it without warning.")


def test_a_sensitive_question_in_an_ordinary_section_with_a_note_and_a_skip_is_fine() -> None:
    note = "The next questions ask about pay. You can skip them."
    main = section("main", clean_item("q", sensitive=True), content_note=note, skippable=True)

    assert codes(clean_instrument(sections=[main])) == []


def test_a_sensitive_section_that_cannot_be_skipped_is_flagged() -> None:
    document = clean_instrument(
        sections=[sensitive_section("pay", clean_item("q"), skippable=False)]
    )

    (finding,) = found(document, "SENSITIVE_UNPROTECTED")

    assert (finding.path, finding.section_id, finding.item_id) == (
        "sections[0].skippable",
        "pay",
        None,
    )


def test_a_sensitive_section_built_without_a_content_note_is_flagged() -> None:
    instrument = loaded(clean_instrument(sections=[sensitive_section("pay", clean_item("q"))]))
    bare = dataclasses.replace(instrument.sections[0], content_note=None)
    instrument = dataclasses.replace(instrument, sections=(bare,), source="")

    (finding,) = found(instrument, "SENSITIVE_UNPROTECTED")

    assert finding.path == "sections[0].content_note"


def test_a_question_without_why_we_ask_is_flagged_where_the_key_belongs() -> None:
    (finding,) = found(clean_instrument(clean_item("q", why_we_ask=None)), "WHY_WE_ASK_MISSING")

    assert (finding.path, finding.item_id, finding.severity) == (
        "sections[0].items[0].why_we_ask",
        "q",
        "warning",
    )


def test_a_note_needs_no_why_we_ask() -> None:
    note = {"id": "welcome", "type": "note", "label": "About these questions"}

    assert codes(clean_instrument(note, clean_item("q"))) == []
