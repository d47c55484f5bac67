"""Sections and items: what each type takes, and what it refuses."""

from __future__ import annotations

import pytest

from instruments import ErrorCode, load_instrument
from tests.instruments.builders import (
    choices,
    item,
    minimal_instrument,
    problems_of,
    section,
    to_yaml,
    with_items,
)


def points(*values: object) -> list[dict]:
    return [{"value": value, "label": f"Point {value}"} for value in values]


def loaded_item(**keys: object) -> object:
    return next(load_instrument(to_yaml(with_items(item("q1", **keys)))).items())


def loaded_item_id(item_id: str) -> str:
    return next(load_instrument(to_yaml(with_items(item(item_id)))).items()).id


def problem_codes(*items: dict) -> list[tuple[ErrorCode, str]]:
    return [(p.code, p.path.removeprefix("sections[0].")) for p in problems_of(with_items(*items))]


@pytest.mark.parametrize("count", [2, 11])
def test_a_scale_takes_two_to_eleven_points(count: int) -> None:
    scale = loaded_item(item_type="scale", points=points(*range(1, count + 1)))

    assert len(scale.choices) == count


@pytest.mark.parametrize("count", [1, 12])
def test_a_scale_with_too_few_or_too_many_points_is_refused(count: int) -> None:
    scale = item("q1", "scale", points=points(*range(count)))

    assert problem_codes(scale) == [(ErrorCode.SCALE_POINTS, "items[0].points")]


def test_a_scale_without_points_is_refused() -> None:
    assert problem_codes(item("q1", "scale")) == [(ErrorCode.SCALE_POINTS, "items[0].points")]


@pytest.mark.parametrize("value", ["high", 2.5])
def test_a_scale_point_value_must_be_a_whole_number(value: object) -> None:
    scale = item("q1", "scale", points=points(1, value))

    assert problem_codes(scale) == [(ErrorCode.SCALE_POINTS, "items[0].points[1].value")]


def test_scale_points_may_not_repeat() -> None:
    scale = item("q1", "scale", points=points(1, 1, 2))

    assert problem_codes(scale) == [(ErrorCode.DUPLICATE_CHOICE, "items[0].points[1].value")]


def test_a_choice_value_may_start_with_a_digit() -> None:
    ages = loaded_item(item_type="single_choice", choices=choices("18_24", "25_34"))

    assert ages.choice_values() == ("18_24", "25_34")


def test_a_choice_needs_a_label() -> None:
    single = item("q1", "single_choice", choices=[{"value": "a"}])

    assert problem_codes(single) == [(ErrorCode.MISSING_KEY, "items[0].choices[0].label")]


def test_the_self_described_choice_is_kept() -> None:
    gender = loaded_item(
        item_type="single_choice", choices=choices("woman", "man", "other"), self_describe="other"
    )

    assert gender.self_describe == "other"


def test_self_describe_applies_only_to_choice_items() -> None:
    yes_no = item("q1", self_describe="yes")

    assert problem_codes(yes_no) == [(ErrorCode.KEY_NOT_FOR_TYPE, "items[0].self_describe")]


def test_non_answers_can_be_chosen_and_keep_their_order() -> None:
    chosen = loaded_item(non_answers=["dont_know", "prefer_not_to_say"])

    assert chosen.non_answers == ("dont_know", "prefer_not_to_say")


@pytest.mark.parametrize("code", ["not_shown", "skipped", "refused"])
def test_non_answers_heard_sets_itself_cannot_be_offered(code: str) -> None:
    offered = item("q1", non_answers=["prefer_not_to_say", code])

    assert problem_codes(offered) == [(ErrorCode.NON_ANSWER_UNKNOWN, "items[0].non_answers[1]")]


_ANSWERABLE = {
    "single_choice": {"choices": choices("a", "b")},
    "multiple_choice": {"choices": choices("a", "b")},
    "scale": {"points": points(1, 2, 3)},
    "short_text": {},
    "long_text": {},
    "number": {},
    "month_year": {},
    "yes_no": {},
}


@pytest.mark.parametrize("item_type", list(_ANSWERABLE))
def test_every_answerable_type_must_offer_prefer_not_to_say(item_type: str) -> None:
    declined = item("q1", item_type, non_answers=["dont_know"], **_ANSWERABLE[item_type])

    assert problem_codes(declined) == [
        (ErrorCode.PREFER_NOT_TO_SAY_REQUIRED, "items[0].non_answers")
    ]


@pytest.mark.parametrize("offered", [[], ["not_applicable", "dont_know"]])
def test_non_answers_without_prefer_not_to_say_are_refused(offered: list[str]) -> None:
    assert problem_codes(item("q1", non_answers=offered)) == [
        (ErrorCode.PREFER_NOT_TO_SAY_REQUIRED, "items[0].non_answers")
    ]


def test_the_refusal_explains_that_respondents_must_be_able_to_decline() -> None:
    (problem,) = problems_of(with_items(item("q1", non_answers=[])))

    assert "always be able to decline" in problem.message
    assert "its own code" in problem.message


def test_an_unknown_non_answer_in_place_of_prefer_not_to_say_reports_both() -> None:
    codes = problem_codes(item("q1", non_answers=["refused"]))

    assert codes == [
        (ErrorCode.PREFER_NOT_TO_SAY_REQUIRED, "items[0].non_answers"),
        (ErrorCode.NON_ANSWER_UNKNOWN, "items[0].non_answers[0]"),
    ]


@pytest.mark.parametrize("key", ["required", "non_answers"])
def test_a_note_takes_no_answer_settings(key: str) -> None:
    value = True if key == "required" else ["dont_know"]
    note = item("intro", "note", **{key: value})

    assert problem_codes(note) == [(ErrorCode.KEY_NOT_FOR_TYPE, f"items[0].{key}")]


@pytest.mark.parametrize(
    ("keys", "code"),
    [
        ({"min": 1}, ErrorCode.NUMBER_RANGE),
        ({"integer": False}, ErrorCode.KEY_NOT_FOR_TYPE),
        ({"max_length": 100}, ErrorCode.MAX_LENGTH),
        ({"points": points(1, 2)}, ErrorCode.CHOICES_NOT_ALLOWED),
    ],
)
def test_keys_for_other_types_are_refused_on_a_yes_no_item(keys: dict, code: ErrorCode) -> None:
    (key,) = keys

    assert problem_codes(item("q1", **keys)) == [(code, f"items[0].{key}")]


def test_a_number_keeps_its_range_and_may_take_decimals() -> None:
    weight = loaded_item(item_type="number", min=0.5, max=200, integer=False)

    assert (weight.min, weight.max, weight.integer) == (0.5, 200, False)


def test_min_equal_to_max_is_allowed() -> None:
    assert loaded_item(item_type="number", min=3, max=3).min == 3


@pytest.mark.parametrize("limit", [1, 100_000])
def test_max_length_may_be_anything_from_one_to_a_hundred_thousand(limit: int) -> None:
    assert loaded_item(item_type="long_text", max_length=limit).max_length == limit


@pytest.mark.parametrize("limit", [0, 100_001])
def test_max_length_outside_its_range_is_refused(limit: int) -> None:
    story = item("q1", "long_text", max_length=limit)

    assert problem_codes(story) == [(ErrorCode.MAX_LENGTH, "items[0].max_length")]


@pytest.mark.parametrize("item_id", ["1st", "_q", "q-1", "Q", "q" * 64])
def test_an_item_id_must_be_a_lower_case_identifier(item_id: str) -> None:
    assert problem_codes(item(item_id)) == [(ErrorCode.INVALID_ID, "items[0].id")]


@pytest.mark.parametrize("item_id", ["q__text", "help__housing", "q___1", "q1__"])
def test_an_item_id_may_not_contain_a_double_underscore(item_id: str) -> None:
    assert problem_codes(item(item_id)) == [(ErrorCode.INVALID_ID, "items[0].id")]


def test_a_section_id_may_not_contain_a_double_underscore() -> None:
    document = minimal_instrument(sections=[section("about__you", item("q1"))])

    assert [(p.code, p.path) for p in problems_of(document)] == [
        (ErrorCode.INVALID_ID, "sections[0].id")
    ]


def test_the_double_underscore_refusal_says_what_it_would_clash_with() -> None:
    (problem,) = problems_of(with_items(item("q__text")))

    assert "reserved" in problem.message
    assert "ITEM__text" in problem.message
    assert "ITEM__VALUE" in problem.message


def test_single_underscores_in_an_id_are_allowed() -> None:
    assert loaded_item_id("police_contact_1") == "police_contact_1"


def test_a_choice_value_may_contain_a_double_underscore() -> None:
    help_ = loaded_item(item_type="multiple_choice", choices=choices("legal__aid", "housing"))

    assert help_.choice_values() == ("legal__aid", "housing")


def test_an_item_id_of_sixty_three_characters_is_allowed() -> None:
    long_id = "q" * 63

    assert loaded_item_id(long_id) == long_id


def test_a_section_and_an_item_may_not_share_an_id() -> None:
    document = minimal_instrument(sections=[section("q1", item("q1"))])

    assert [(p.code, p.path) for p in problems_of(document)] == [
        (ErrorCode.DUPLICATE_ID, "sections[0].items[0].id")
    ]


def test_a_sensitive_section_with_a_content_note_loads() -> None:
    hard = section("hard", item("q1"), sensitive=True, content_note="This asks about arrest.")

    loaded = load_instrument(to_yaml(minimal_instrument(sections=[hard]))).sections[0]

    assert loaded.content_note.get("en") == "This asks about arrest."


def test_items_with_problems_do_not_hide_problems_in_later_sections() -> None:
    sections = [section("one", item("q1", "dropdown")), section("two", item("q2", "wat"))]

    problems = problems_of(minimal_instrument(sections=sections))

    assert [p.path for p in problems] == ["sections[0].items[0].type", "sections[1].items[0].type"]
