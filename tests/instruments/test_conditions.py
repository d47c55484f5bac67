"""The show_if language: parsing, evaluation and refusal of anything else."""

from __future__ import annotations

import time

import pytest

from instruments.conditions import (
    MAX_CONDITION_DEPTH,
    MAX_CONDITION_LENGTH,
    And,
    Compare,
    Comparison,
    ConditionSyntaxError,
    ItemRef,
    Literal,
    Membership,
    Not,
    Or,
    parse_condition,
)


def holds(text: str, **answers: object) -> bool:
    return parse_condition(text).evaluate(answers)


# --- parsing ------------------------------------------------------------------------


def test_and_binds_tighter_than_or() -> None:
    tree = parse_condition("a == 1 or b == 2 and c == 3").expression

    assert tree == Or(
        (
            Compare("==", ItemRef("a"), Literal(1)),
            And((Compare("==", ItemRef("b"), Literal(2)), Compare("==", ItemRef("c"), Literal(3)))),
        )
    )


def test_parentheses_override_precedence() -> None:
    tree = parse_condition("(a == 1 or b == 2) and c == 3").expression

    assert isinstance(tree, And)
    assert isinstance(tree.operands[0], Or)


def test_not_applies_to_the_comparison_that_follows() -> None:
    tree = parse_condition("not a == 1 and b == 2").expression

    assert tree == And(
        (Not(Compare("==", ItemRef("a"), Literal(1))), Compare("==", ItemRef("b"), Literal(2)))
    )


def test_not_in_is_one_operator() -> None:
    tree = parse_condition("'x' not in q").expression

    assert tree == Membership(Literal("x"), ItemRef("q"), negated=True)


def test_strings_may_use_single_or_double_quotes() -> None:
    assert parse_condition('q == "it\'s"').string_literals() == {"it's"}


def test_numbers_may_be_negative_or_decimal() -> None:
    tree = parse_condition("a > -2.5").expression

    assert tree == Compare(">", ItemRef("a"), Literal(-2.5))


def test_references_are_the_items_named() -> None:
    condition = parse_condition("a == 'x' and ('y' in b or not c != 3)")

    assert condition.references == {"a", "b", "c"}


def test_comparisons_put_the_item_first_whichever_side_it_was_on() -> None:
    condition = parse_condition("3 < age and 'a' in picks")

    assert condition.comparisons() == (
        Comparison("age", ">", 3),
        Comparison("picks", "in", "a"),
    )


def test_the_condition_remembers_its_source_text() -> None:
    assert str(parse_condition("a == 'x'")) == "a == 'x'"


def test_parsed_conditions_with_the_same_text_are_equal() -> None:
    assert parse_condition("a == 'x'") == parse_condition("a == 'x'")


# --- syntax errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("q1 = 'yes'", 4),  # one equals sign
        ("q1 == 'yes", 7),  # no closing quote
        ("q1 == 'a' == 'b'", 11),  # chained comparison
        ("(q1 == 'a'", 11),  # no closing parenthesis
        ("q1 == 'a')", 10),  # an extra parenthesis
        ("q1 ==", 6),  # nothing to compare with
        ("q1 == 'a' and", 14),  # dangling and
        ("'a' in 'b'", 8),  # in needs an item
        ("q1 == 3abc", 8),  # a number running into letters
        ("q1 && q2", 4),  # not our operator
        ("q1", 1),  # an item on its own is not a condition
        ("'yes'", 1),  # nor is a value
        ("q1 and q2 == 'a'", 1),  # nor is an item beside and
        ("", 1),
    ],
)
def test_a_syntax_error_names_its_column(text: str, column: int) -> None:
    with pytest.raises(ConditionSyntaxError) as caught:
        parse_condition(text)

    assert caught.value.column == column


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os')",
        "__import__('os').system('ls')",
        "q1.__class__ == 'x'",
        "q1 == open('/etc/passwd')",
        "[x for x in ()]",
        "lambda: 1",
        "q1 == 'a' if True else 'b'",
        "q1 == 'a'; q2 == 'b'",
        "q1 == 1e400",
        "q1 == é",
    ],
)
def test_python_is_not_a_condition(text: str) -> None:
    with pytest.raises(ConditionSyntaxError):
        parse_condition(text)


def test_the_message_says_what_was_expected() -> None:
    with pytest.raises(ConditionSyntaxError) as caught:
        parse_condition("q1 = 'yes'")

    assert "==" in caught.value.message


def test_a_condition_over_the_length_limit_is_refused() -> None:
    text = " or ".join(["q1 == 'a'"] * 200)
    assert len(text) > MAX_CONDITION_LENGTH

    with pytest.raises(ConditionSyntaxError, match="longer than"):
        parse_condition(text)


def test_parentheses_nested_past_the_depth_limit_are_refused() -> None:
    depth = MAX_CONDITION_DEPTH + 1

    with pytest.raises(ConditionSyntaxError, match="nested"):
        parse_condition("(" * depth + "q1 == 'a'" + ")" * depth)


def test_parentheses_nested_to_the_depth_limit_are_accepted() -> None:
    depth = MAX_CONDITION_DEPTH

    condition = parse_condition("(" * depth + "q1 == 'a'" + ")" * depth)

    assert condition.evaluate({"q1": "a"})


def test_a_chain_of_nots_past_the_depth_limit_is_refused() -> None:
    with pytest.raises(ConditionSyntaxError, match="nested"):
        parse_condition("not " * (MAX_CONDITION_DEPTH + 1) + "q1 == 'a'")


def test_the_longest_hostile_nesting_fails_fast_without_recursion_error() -> None:
    started = time.perf_counter()

    with pytest.raises(ConditionSyntaxError):
        parse_condition("(" * MAX_CONDITION_LENGTH)

    assert time.perf_counter() - started < 1


# --- evaluation ----------------------------------------------------------------------------


def test_an_equal_answer_makes_the_comparison_true() -> None:
    assert holds("q == 'yes'", q="yes")


def test_a_different_answer_makes_the_comparison_false() -> None:
    assert not holds("q == 'yes'", q="no")


def test_a_missing_answer_makes_every_comparison_false() -> None:
    assert not holds("q == 'yes'")
    assert not holds("q != 'yes'")
    assert not holds("q < 3")


def test_not_of_a_comparison_with_a_missing_answer_is_true() -> None:
    assert holds("not (q == 'x')")


def test_a_non_answer_makes_a_comparison_with_a_value_false() -> None:
    assert not holds("q == 'yes'", q="prefer_not_to_say")
    assert not holds("q != 'yes'", q="prefer_not_to_say")


def test_a_non_answer_equals_its_own_code() -> None:
    assert holds("q == 'prefer_not_to_say'", q="prefer_not_to_say")


def test_a_non_answer_does_not_equal_another_code() -> None:
    assert not holds("q == 'dont_know'", q="prefer_not_to_say")


def test_an_answer_is_not_equal_to_a_non_answer_code() -> None:
    assert holds("q != 'skipped'", q="yes")


def test_a_non_answer_is_not_ordered_against_numbers() -> None:
    assert not holds("age >= 18", age="dont_know")


def test_in_finds_a_value_among_chosen_values() -> None:
    assert holds("'arrested' in outcomes", outcomes=["arrested", "charged"])


def test_in_is_false_when_the_value_was_not_chosen() -> None:
    assert not holds("'arrested' in outcomes", outcomes=["charged"])


def test_not_in_is_true_when_the_value_was_not_chosen() -> None:
    assert holds("'arrested' not in outcomes", outcomes=["charged"])


@pytest.mark.parametrize("answer", [None, "prefer_not_to_say", "arrested"])
def test_in_and_not_in_are_both_false_without_a_list_of_choices(answer: object) -> None:
    answers = {} if answer is None else {"outcomes": answer}
    assert not parse_condition("'arrested' in outcomes").evaluate(answers)
    assert not parse_condition("'arrested' not in outcomes").evaluate(answers)


def test_numbers_compare_by_value() -> None:
    assert holds("age >= 18", age=18)
    assert holds("age < 18.5", age=18)
    assert not holds("age > 18", age=18)


def test_comparing_a_number_with_text_is_false_not_an_error() -> None:
    assert not holds("age < 'old'", age=30)
    assert not holds("age == '30'", age=30)
    assert not holds("age != '30'", age=30)


def test_months_compare_in_time_order_as_text() -> None:
    assert holds("arrived >= '2020-01'", arrived="2021-06")


def test_a_list_answer_never_equals_a_single_value() -> None:
    assert not holds("picks == 'a'", picks=["a"])


def test_true_and_false_are_conditions() -> None:
    assert holds("true")
    assert not holds("false")


def test_a_bracketed_condition_can_be_compared_with_true() -> None:
    assert holds("(q == 'a') == true", q="a")


def test_or_is_true_when_either_side_is() -> None:
    assert holds("q == 'a' or r == 'b'", r="b")


def test_and_needs_both_sides() -> None:
    assert not holds("q == 'a' and r == 'b'", q="a", r="c")


def test_two_items_can_be_compared() -> None:
    assert holds("q1 == q2", q1="a", q2="a")


def test_booleans_are_not_numbers() -> None:
    assert not holds("true == 1")


@pytest.mark.parametrize(
    "answer", [None, {"a": 1}, object(), float("nan"), ["x", ["y"]], b"yes", True]
)
def test_strange_answers_never_raise(answer: object) -> None:
    condition = parse_condition("q == 'yes' or q < 3 or 'x' in q or 'x' not in q or q >= q")

    assert condition.evaluate({"q": answer}) in (True, False)
