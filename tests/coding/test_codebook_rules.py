"""The codebook's rules: names, colours, parents, nesting, and where a code may go."""

from __future__ import annotations

import doctest
import inspect
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coding.codebook as codebook_module
import coding.codebook_rules as rules_module
from coding.codebook import (
    NAME_LIMIT,
    add_code,
    check_codebook,
    check_move,
    check_name,
    move_code,
    rename_code,
    split_code,
    update_code,
    validate_codebook,
)
from coding.errors import CodingError, ErrorCode
from coding.model import Code, Codebook, Project
from tests.coding.book import BOOK, raised_code
from tests.coding.strategies import codebooks


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(rules_module).failed == 0


# What `from coding.codebook import ...` gave before the rules had a module of their own.
RULES = (
    "NAME_LIMIT",
    "Problem",
    "check_codebook",
    "check_move",
    "check_name",
    "clean_name",
    "find_problems",
    "name_key",
    "validate_codebook",
)


@pytest.mark.parametrize("name", RULES)
def test_code_that_imports_a_rule_from_coding_codebook_keeps_working(name: str) -> None:
    assert getattr(codebook_module, name) is getattr(rules_module, name)
    assert name in codebook_module.__all__


def test_every_public_rule_is_re_exported_by_coding_codebook() -> None:
    functions = {
        name
        for name, value in vars(rules_module).items()
        if inspect.isfunction(value)
        and value.__module__ == rules_module.__name__
        and not name.startswith("_")
    }
    assert functions <= set(RULES)


# The rules


@settings(max_examples=100)
@given(codebooks())
def test_generated_codebooks_keep_every_rule(codebook: Codebook) -> None:
    assert validate_codebook(codebook) == []


@pytest.mark.parametrize(
    ("codes", "error", "where"),
    [
        ((Code("a", "A"), Code("a", "B")), ErrorCode.CODE_GUID_TAKEN, "code 2 ('B')"),
        ((Code("a", "A", parent="zz"),), ErrorCode.CODE_PARENT_UNKNOWN, "code 1 ('A')"),
        ((Code("b", "B", parent="a"), Code("a", "A")), ErrorCode.CODE_PARENT_AFTER_CHILD, "code 1"),
        ((Code("a", "A", parent="a"),), ErrorCode.CODE_CYCLE, "code 1"),
        ((Code("a", "A", parent="b"), Code("b", "B", parent="a")), ErrorCode.CODE_CYCLE, "code 1"),
        ((Code("a", "A", colour="red"),), ErrorCode.CODE_COLOUR_INVALID, "code 1"),
        ((Code("a", "A", colour="#12345"),), ErrorCode.CODE_COLOUR_INVALID, "code 1"),
        ((Code("a", "A", colour="#12345G"),), ErrorCode.CODE_COLOUR_INVALID, "code 1"),
        ((Code("a", "A", colour="#123456\n"),), ErrorCode.CODE_COLOUR_INVALID, "code 1"),
        ((Code("a", ""),), ErrorCode.CODE_NAME_EMPTY, "code 1"),
        ((Code("a", " \n\t"),), ErrorCode.CODE_NAME_EMPTY, "code 1"),
        ((Code("a", "\u200b\u200f"),), ErrorCode.CODE_NAME_EMPTY, "code 1"),
        ((Code("a", "x" * (NAME_LIMIT + 1)),), ErrorCode.CODE_NAME_TOO_LONG, "code 1"),
        ((Code("a", "Fear"), Code("b", "fear ")), ErrorCode.CODE_NAME_TAKEN, "code 2"),
        ((Code("a", "Café"), Code("b", "Cafe\u0301")), ErrorCode.CODE_NAME_TAKEN, "code 2"),
        ((Code("a", "Straße"), Code("b", "STRASSE")), ErrorCode.CODE_NAME_TAKEN, "code 2"),
        (
            (Code("a", "A"), Code("b", "B", parent="a", codable=False)),
            ErrorCode.CODE_CATEGORY_UNDER_CODE,
            "code 2",
        ),
    ],
)
def test_a_codebook_breaking_a_rule_is_reported_at_the_code(
    codes: tuple[Code, ...], error: ErrorCode, where: str
) -> None:
    problems = validate_codebook(Codebook(codes))
    assert problems[0].error is error
    assert problems[0].where is not None and problems[0].where.startswith(where)
    with pytest.raises(CodingError) as raised:
        check_codebook(Codebook(codes))
    assert raised.value.error is error


def test_every_problem_is_reported_not_only_the_first() -> None:
    book = Codebook((Code("a", "", colour="red"), Code("b", "B", parent="zz")))
    assert [p.code for p in validate_codebook(book)] == [
        "CODE_NAME_EMPTY",
        "CODE_COLOUR_INVALID",
        "CODE_PARENT_UNKNOWN",
    ]


def test_a_name_at_the_limit_and_a_name_repeated_under_another_parent_are_fine() -> None:
    book = Codebook(
        (Code("a", "x" * NAME_LIMIT), Code("b", "Police"), Code("c", "police", parent="b"))
    )
    assert validate_codebook(book) == []


def test_the_taken_name_message_names_the_sibling_that_has_it() -> None:
    with pytest.raises(CodingError, match="called 'Fear' here"):
        check_codebook(Codebook((Code("a", "Fear"), Code("b", "FEAR"))))


# check_name


def test_a_name_is_cleaned_to_nfc_without_surrounding_whitespace() -> None:
    assert check_name(BOOK, "  Cafe\u0301\n", "fear") == "Café"


@pytest.mark.parametrize(
    ("name", "parent", "error"),
    [
        ("   ", None, "CODE_NAME_EMPTY"),
        ("\u200b", None, "CODE_NAME_EMPTY"),
        ("x" * (NAME_LIMIT + 1), None, "CODE_NAME_TOO_LONG"),
        (" fear", None, "CODE_NAME_TAKEN"),
        ("DEBT BONDAGE", "control", "CODE_NAME_TAKEN"),
        ("Wages", "missing", "CODE_PARENT_UNKNOWN"),
    ],
)
def test_a_name_that_cannot_go_there_is_refused(name: str, parent: str | None, error: str) -> None:
    with pytest.raises(CodingError) as raised:
        check_name(BOOK, name, parent)
    assert raised_code(raised) == error


def test_a_code_may_keep_its_own_name_in_another_case() -> None:
    assert check_name(BOOK, "FEAR", None, exclude="fear") == "FEAR"


def test_the_length_limit_counts_code_points_of_the_clean_name() -> None:
    assert check_name(BOOK, " " + "\U0001f600" * NAME_LIMIT + " ", None) == "\U0001f600" * 200


# check_name: a name a person types is one line

CONTROL_CHARACTERS = [chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7F, 0xA0)]


@pytest.mark.parametrize("char", CONTROL_CHARACTERS, ids=lambda char: f"U+{ord(char):04X}")
def test_a_typed_name_holding_a_control_character_is_refused(char: str) -> None:
    assert unicodedata.category(char) == "Cc"
    with pytest.raises(CodingError) as raised:
        check_name(BOOK, f"Debt{char}bondage", None)
    assert raised_code(raised) == "CODE_NAME_CONTROL"
    assert f"U+{ord(char):04X}" in str(raised.value)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Debt\nbondage", "a line break (U+000A)"),
        ("Debt\r\nbondage", "a line break (U+000D)"),
        ("Debt\tbondage", "a tab (U+0009)"),
        ("Debt\x07bondage", "the control character U+0007"),
        ("Debt\x85bondage", "the control character U+0085"),  # NEXT LINE, a C1 control
    ],
)
def test_the_refusal_says_which_character_and_that_a_name_is_one_line(name: str, said: str) -> None:
    with pytest.raises(CodingError) as raised:
        check_name(BOOK, name, None)
    assert str(raised.value) == (
        f"The code name contains {said}, which a name cannot hold: a code name is one line "
        "of visible text."
    )


def test_line_breaks_around_a_typed_name_are_only_trimmed() -> None:
    assert check_name(BOOK, "\tDebt bondage\r\n", None) == "Debt bondage"


@pytest.mark.parametrize(
    "name", ["Fear \u200d of debt", "\u05e2\u05d1\u05d5\u05d3\u05d4 \u200f", "Caf\u00e9 \U0001f600"]
)
def test_visible_text_with_format_characters_and_emoji_is_still_a_name(name: str) -> None:
    assert check_name(BOOK, name, None) == unicodedata.normalize("NFC", name).strip()


@pytest.mark.parametrize(
    "attempt",
    [
        lambda: add_code(BOOK, "Wages\nwithheld"),
        lambda: rename_code(BOOK, "debt", "Debt\tbondage"),
        lambda: update_code(BOOK, "fear", name="Fear\x00"),
        lambda: split_code(Project("p", BOOK), "fear", ["of the boss\x1b[31m"], {}),
    ],
    ids=["add", "rename", "update", "split"],
)
def test_no_operation_that_takes_a_typed_name_lets_a_control_character_in(attempt) -> None:
    with pytest.raises(CodingError) as raised:
        attempt()
    assert raised_code(raised) == "CODE_NAME_CONTROL"


def test_a_code_whose_name_came_from_a_file_with_a_line_break_can_still_be_moved() -> None:
    book = Codebook((*BOOK.codes, Code("memo", "Seen in\nthe memo")))
    assert validate_codebook(book) == []
    moved = move_code(book, "memo", "fear")
    assert moved.by_guid()["memo"].parent == "fear"


# check_move: where a code may go


@pytest.mark.parametrize(
    ("guid", "parent", "error"),
    [
        ("fear", "fear", "CODE_CYCLE"),
        ("fear", "police", "CODE_CYCLE"),
        ("missing", None, "CODE_UNKNOWN"),
        ("fear", "missing", "CODE_PARENT_UNKNOWN"),
        ("control", "fear", "CODE_CATEGORY_UNDER_CODE"),
    ],
)
def test_a_move_that_breaks_a_rule_is_refused(guid: str, parent: str | None, error: str) -> None:
    for attempt in (check_move, move_code):
        with pytest.raises(CodingError) as raised:
            attempt(BOOK, guid, parent)
        assert raised_code(raised) == error


def test_a_move_next_to_a_code_of_the_same_name_is_refused() -> None:
    book, _ = add_code(BOOK, "Of the police", parent="control")
    with pytest.raises(CodingError) as raised:
        move_code(book, "police", "control")
    assert raised_code(raised) == "CODE_NAME_TAKEN"


@given(codebooks(min_codes=2), st.data())
def test_a_code_can_never_go_under_itself_or_its_descendants(
    codebook: Codebook, data: st.DataObject
) -> None:
    code = data.draw(st.sampled_from(codebook.codes))
    inside = {code.guid} | {
        c.guid for c in codebook.codes if _is_under(codebook, c.guid, code.guid)
    }
    with pytest.raises(CodingError) as raised:
        move_code(codebook, code.guid, data.draw(st.sampled_from(sorted(inside))))
    assert raised_code(raised) == "CODE_CYCLE"


def _is_under(codebook: Codebook, guid: str, ancestor: str) -> bool:
    codes = codebook.by_guid()
    current = codes[guid].parent
    while current is not None:
        if current == ancestor:
            return True
        current = codes[current].parent
    return False
