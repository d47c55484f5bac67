"""Conditions checked against the instrument: which items they may name, and with what values."""

from __future__ import annotations

import pytest

from instruments import ErrorCode, InstrumentInvalid, load_instrument
from tests.instruments.builders import (
    choices,
    item,
    minimal_instrument,
    problems_of,
    section,
    to_yaml,
    with_items,
)

FRUIT = item("fruit", "single_choice", choices=choices("apple", "pear"))
PICKS = item("picks", "multiple_choice", choices=choices("a", "b"))
AGE = item("age", "number", min=16, max=120)
MOOD = item("mood", "scale", points=[{"value": v, "label": f"{v}"} for v in (1, 2, 3)])
ARRIVED = item("arrived", "month_year")
STORY = item("story", "long_text")
EARLIER = [FRUIT, PICKS, AGE, MOOD, ARRIVED, STORY, item("worked")]


def codes_for(condition: str) -> list[ErrorCode]:
    document = with_items(*EARLIER, item("later", show_if=condition))
    try:
        load_instrument(to_yaml(document))
    except InstrumentInvalid as invalid:
        return [problem.code for problem in invalid.problems]
    return []


@pytest.mark.parametrize(
    "condition",
    [
        "fruit == 'apple'",
        "fruit != 'pear' and worked == 'yes'",
        "fruit == 'prefer_not_to_say'",
        "'a' in picks",
        "'b' not in picks",
        "picks == 'dont_know'",
        "age >= 18",
        "mood == 3",
        "mood > 1",
        "arrived >= '2020-01'",
        "story != ''",
        "worked == 'skipped'",
        "fruit == worked",
    ],
)
def test_a_condition_on_earlier_items_with_values_they_can_hold_is_accepted(
    condition: str,
) -> None:
    assert codes_for(condition) == []


@pytest.mark.parametrize(
    ("condition", "code"),
    [
        ("fruit == 'banana'", ErrorCode.CONDITION_UNKNOWN_VALUE),
        ("worked == 'maybe'", ErrorCode.CONDITION_UNKNOWN_VALUE),
        ("worked == true", ErrorCode.CONDITION_UNKNOWN_VALUE),
        ("'c' in picks", ErrorCode.CONDITION_UNKNOWN_VALUE),
        ("'prefer_not_to_say' in picks", ErrorCode.CONDITION_UNKNOWN_VALUE),
        ("mood == 7", ErrorCode.CONDITION_UNKNOWN_VALUE),
        ("age == 'old'", ErrorCode.CONDITION_UNKNOWN_VALUE),
        ("arrived == '2020'", ErrorCode.CONDITION_UNKNOWN_VALUE),
        ("story == 3", ErrorCode.CONDITION_UNKNOWN_VALUE),
        ("'apple' in fruit", ErrorCode.CONDITION_IN_NEEDS_MULTIPLE_CHOICE),
        ("picks == 'a'", ErrorCode.CONDITION_NEEDS_IN),
        ("nobody == 'x'", ErrorCode.CONDITION_UNKNOWN_ITEM),
        ("main == 'x'", ErrorCode.CONDITION_UNKNOWN_ITEM),
    ],
)
def test_a_condition_that_can_never_be_true_as_meant_is_refused(
    condition: str, code: ErrorCode
) -> None:
    assert codes_for(condition) == [code]


def test_an_item_may_not_name_itself() -> None:
    (problem,) = problems_of(with_items(item("q1", show_if="q1 == 'yes'")))

    assert problem.code is ErrorCode.CONDITION_FORWARD_REFERENCE
    assert "itself" in problem.message


def test_an_item_may_not_name_a_later_item_in_its_section() -> None:
    document = with_items(item("q1", show_if="q2 == 'yes'"), item("q2"))

    assert [p.code for p in problems_of(document)] == [ErrorCode.CONDITION_FORWARD_REFERENCE]


def test_an_item_may_name_an_item_of_an_earlier_section() -> None:
    sections = [section("one", item("q1")), section("two", item("q2", show_if="q1 == 'no'"))]

    instrument = load_instrument(to_yaml(minimal_instrument(sections=sections)))

    assert instrument.item("q2").show_if.references == {"q1"}


def test_an_item_may_not_name_an_item_of_a_later_section() -> None:
    sections = [section("one", item("q1", show_if="q2 == 'no'")), section("two", item("q2"))]

    problems = problems_of(minimal_instrument(sections=sections))

    assert [p.code for p in problems] == [ErrorCode.CONDITION_FORWARD_REFERENCE]


def test_a_section_may_name_items_of_earlier_sections() -> None:
    sections = [section("one", item("q1")), section("two", item("q2"), show_if="q1 == 'yes'")]

    instrument = load_instrument(to_yaml(minimal_instrument(sections=sections)))

    assert instrument.sections[1].show_if.evaluate({"q1": "yes"})


def test_a_section_may_not_name_its_own_items() -> None:
    sections = [section("one", item("q1"), show_if="q1 == 'yes'")]

    (problem,) = problems_of(minimal_instrument(sections=sections))

    assert (problem.code, problem.path) == (
        ErrorCode.CONDITION_FORWARD_REFERENCE,
        "sections[0].show_if",
    )


def test_a_condition_may_not_name_a_note() -> None:
    document = with_items(item("intro", "note"), item("q1", show_if="intro == 'x'"))

    assert [p.code for p in problems_of(document)] == [ErrorCode.CONDITION_ON_NOTE]


def test_a_syntax_error_in_a_condition_gives_its_column() -> None:
    (problem,) = problems_of(with_items(item("q1"), item("q2", show_if="q1 == 'yes' and")))

    assert problem.code is ErrorCode.CONDITION_SYNTAX
    assert "column 16" in problem.message


def test_the_unknown_value_message_lists_the_values_allowed() -> None:
    (problem,) = problems_of(with_items(FRUIT, item("q2", show_if="fruit == 'banana'")))

    assert "'apple', 'pear'" in problem.message
