"""Which XLSForm relevant expressions become Heard conditions, and how the rest is refused."""

from __future__ import annotations

import pytest

from instruments._xlsform_expressions import (
    DroppedReference,
    ExpressionError,
    Reference,
    relevant_to_condition,
)
from instruments.conditions import parse_condition
from instruments.errors import ErrorCode
from tests.instruments.xlsform_builders import EN, choices, load, of_code, survey

REFERENCES = {
    "sex": Reference("sex", "single_choice", {"Female": "female"}),
    "age": Reference("age", "number", {}),
    "work": Reference("work", "multiple_choice", {"farm": "farm"}),
    "ok": Reference("ok", "yes_no", {}),
    "when": Reference("when", "month_year", {}),
}


def _translate(text: str) -> str:
    return relevant_to_condition(text, REFERENCES, frozenset({"gone"}))


@pytest.mark.parametrize(
    ("relevant", "condition"),
    [
        ("${sex}='Female'", "sex == 'female'"),
        ("${sex} != 'Female'", "sex != 'female'"),
        ("${age} >= 18", "age >= 18"),
        ("${age}>=15 and ${age}<=49", "age >= 15 and age <= 49"),
        ("${age} > 2.5", "age > 2.5"),
        ("${age} > -1", "age > -1"),
        ("${age} >= '18'", "age >= 18"),
        ("18 <= ${age}", "age >= 18"),
        ("selected(${work}, 'farm')", "'farm' in work"),
        ("selected(${sex}, 'Female')", "sex == 'female'"),
        ("not(selected(${work}, 'farm'))", "not ('farm' in work)"),
        ("${ok} = 'yes' or (${age} < 18 and ${sex} = 'Female')",
         "ok == 'yes' or (age < 18 and sex == 'female')"),
        ("true()", "true"),
        ('${sex} = "it\'s"', "sex == \"it's\""),
    ],
)  # fmt: skip
def test_the_subset_heard_understands_becomes_a_condition(relevant: str, condition: str) -> None:
    translated = _translate(relevant)

    assert translated == condition
    assert parse_condition(translated).source == condition


@pytest.mark.parametrize(
    ("relevant", "detail"),
    [
        ("count-selected(${work}) > 0", "count-selected()"),
        ("regex(${sex}, 'x')", "regex()"),
        ("${sex} = ''", "empty answer"),
        ("${sex}", "on its own"),
        ("${age} + 1 > 3", "'+'"),
        (". > 3", "'.'"),
        ("${when} > '2020-01-01'", "month and year"),
        ("selected(${age}, '3')", "select question"),
        ("${sex} = 'F' or", "ends too soon"),
        ("(${sex} = 'F'", "expected )"),
        ("3 = 3", "two values"),
    ],
)
def test_anything_else_is_refused_with_what_is_wrong(relevant: str, detail: str) -> None:
    with pytest.raises(ExpressionError) as refused:
        _translate(relevant)

    assert refused.value.code is ErrorCode.XLSFORM_RELEVANT_UNSUPPORTED
    assert detail in str(refused.value)


def test_a_question_that_does_not_exist_is_named() -> None:
    with pytest.raises(ExpressionError) as refused:
        _translate("${nobody} = 'x'")

    assert refused.value.code is ErrorCode.CONDITION_UNKNOWN_ITEM
    assert "'nobody'" in str(refused.value)


def test_a_question_refused_earlier_is_not_reported_again() -> None:
    with pytest.raises(DroppedReference):
        _translate("${gone} = 'x'")


def test_a_refused_relevant_is_reported_at_its_row() -> None:
    header = ("type", "name", f"label::{EN}", "relevant")
    sheet = survey(
        ["text", "a", "Where?"], ["text", "b", "Why?", "regex(${a}, 'x')"], header=header
    )

    result = load(sheet)

    (problem,) = of_code(result, ErrorCode.XLSFORM_RELEVANT_UNSUPPORTED)
    assert (problem.path, problem.line, result.instrument) == ("survey row 3", 3, None)


def test_a_relevant_naming_a_later_question_is_heards_forward_reference() -> None:
    header = ("type", "name", f"label::{EN}", "relevant")
    sheet = survey(["text", "a", "Where?", "${b} = 'x'"], ["text", "b", "Why?"], header=header)

    result = load(sheet)

    assert [p.path for p in of_code(result, ErrorCode.CONDITION_FORWARD_REFERENCE)] == [
        "survey row 2"
    ]


def test_a_relevant_on_a_group_is_the_section_condition() -> None:
    header = ("type", "name", f"label::{EN}", "relevant")
    lists = choices(["yn", "yes", "Yes"], ["yn", "no", "No"])
    sheet = survey(["begin group", "a", "First"], ["select_one yn", "police", "Police?"],
                   ["end group"], ["begin group", "b", "Second", "${police} = 'yes'"],
                   ["text", "what", "What happened?"], ["end group"], header=header)  # fmt: skip

    sections = load(sheet, lists).instrument.sections

    assert str(sections[1].show_if) == "police == 'yes'"
    assert sections[1].items[0].show_if is None
