"""What each XLSForm row, column and setting becomes in a Heard instrument."""

from __future__ import annotations

import pytest

from instruments import load_instrument
from instruments.errors import ErrorCode
from instruments.schema import Item
from instruments.xlsform import PLACEHOLDER_MARK, XLSFormResult, placeholder_paths
from tests.instruments.xlsform_builders import (
    EN,
    choices,
    codes,
    complete_settings,
    load,
    of_code,
    survey,
)

YES_NO = choices(["yn", "yes", "Yes"], ["yn", "no", "No"])
AGREE = choices(*[["agree", str(n), f"Point {n}"] for n in range(1, 6)])
PLACES = choices(["places", "farm", "A farm"], ["places", "factory", "A factory"])
ALL_LISTS = [YES_NO[0], *YES_NO[1:], *AGREE[1:], *PLACES[1:]]
HEADER = ("type", "name", f"label::{EN}", "appearance")


def _imported(result: XLSFormResult) -> list[Item]:
    assert result.errors == (), "\n".join(map(str, result.problems))
    assert result.instrument is not None
    return list(result.instrument.items())


def _item(*row: str, header: tuple[str, ...] = HEADER) -> Item:
    """Return the item the single survey row `row` becomes."""
    return _imported(load(survey(list(row), header=header), ALL_LISTS))[0]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["select_one places", "q", "Where?"], ("single_choice", True)),
        (["select one from places", "q", "Where?"], ("single_choice", True)),
        (["select_multiple places", "q", "Where?"], ("multiple_choice", True)),
        (["select all that apply from places", "q", "Where?"], ("multiple_choice", True)),
        (["select_one yn", "q", "Did you?"], ("yes_no", True)),
        (["select_one agree", "q", "Agree?", "likert"], ("scale", True)),
        (["select_one agree", "q", "Agree?"], ("single_choice", True)),
        (["text", "q", "Say more"], ("short_text", True)),
        (["string", "q", "Say more"], ("short_text", True)),
        (["text", "q", "Say more", "multiline"], ("long_text", True)),
        (["integer", "q", "How many?"], ("number", True)),
        (["int", "q", "How many?"], ("number", True)),
        (["decimal", "q", "How much?"], ("number", False)),
        (["date", "q", "When?"], ("month_year", True)),
        (["note", "q", "Thank you."], ("note", True)),
        (["acknowledge", "q", "Did you read this?"], ("yes_no", True)),
        (["trigger", "q", "Did you read this?"], ("yes_no", True)),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_each_question_type_becomes_its_heard_type(row: list[str], expected: tuple) -> None:
    item = _item(*row)

    assert (item.type, item.integer) == expected


def test_a_yes_no_list_worded_otherwise_stays_a_single_choice() -> None:
    lists = choices(["yn", "yes", "Yes, I did"], ["yn", "no", "No, never"])

    (item,) = _imported(load(survey(["select_one yn", "q", "Did you?"]), lists))

    assert item.type == "single_choice"
    assert item.choice_label("yes", "en") == "Yes, I did"


def test_choices_keep_their_order_values_and_labels() -> None:
    item = _item("select_one places", "q", "Where?")

    assert [(c.value, c.label.get("en")) for c in item.choices] == [
        ("farm", "A farm"),
        ("factory", "A factory"),
    ]


def test_a_likert_scale_has_whole_number_points_with_their_labels() -> None:
    item = _item("select_one agree", "q", "Agree?", "likert")

    assert (item.choices[0].value, item.choices[0].label.get("en")) == ("1", "Point 1")


def test_specify_other_becomes_a_self_described_other_choice() -> None:
    item = _item("select_one places or specify other", "q", "Where?")

    assert item.self_describe == "other"
    assert item.choice_values() == ("farm", "factory", "other")


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        ("start=1 end=5 step=1", ("scale", ("1", "2", "3", "4", "5"), None, None)),
        ("start=0 end=100 step=5", ("number", (), 0, 100)),
        ("start=0;end=1.5;step=0.5", ("number", (), 0, 1.5)),
    ],
)
def test_a_range_becomes_a_scale_when_it_has_few_points_else_a_number(
    parameters: str, expected: tuple
) -> None:
    header = ("type", "name", f"label::{EN}", "parameters")

    item = _item("range", "q", "How strongly?", parameters, header=header)

    assert (item.type, item.choice_values(), item.min, item.max) == expected


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        (". >= 0 and . <= 120", (0, 120)),
        ("0 <= . and . <= 31", (0, 31)),
        (". < 10", (None, 9)),
        (". > 17", (18, None)),
    ],
)
def test_number_bounds_in_a_constraint_become_min_and_max(constraint: str, expected: tuple) -> None:
    header = ("type", "name", f"label::{EN}", "constraint")

    item = _item("integer", "q", "How old?", constraint, header=header)

    assert (item.min, item.max) == expected


def test_a_length_constraint_becomes_the_maximum_length() -> None:
    header = ("type", "name", f"label::{EN}", "constraint")

    item = _item("text", "q", "Which town?", "string-length(.) <= 40", header=header)

    assert item.max_length == 40


def test_a_constraint_heard_cannot_keep_is_dropped_with_a_warning() -> None:
    header = ("type", "name", f"label::{EN}", "constraint")
    result = load(survey(["decimal", "q", "How much?", ". > 1.5"], header=header))

    (item,) = _imported(result)

    assert (item.min, item.max) == (None, None)
    assert codes(result)[-1][:2] == (ErrorCode.XLSFORM_CONSTRAINT_IGNORED, "survey row 2")


@pytest.mark.parametrize(("written", "required"), [("yes", True), ("TRUE", True), ("no", False)])
def test_required_yes_or_true_makes_a_question_required(written: str, required: bool) -> None:
    header = ("type", "name", f"label::{EN}", "required")

    assert _item("text", "q", "Where?", written, header=header).required is required


def test_a_required_expression_leaves_the_question_optional_with_a_warning() -> None:
    header = ("type", "name", f"label::{EN}", "required")
    result = load(survey(["text", "q", "Where?", "${x} = 'y'"], header=header))

    assert _imported(result)[0].required is False
    assert of_code(result, ErrorCode.XLSFORM_COLUMN_IGNORED)[0].path == "survey row 2"


def test_every_question_offers_prefer_not_to_say() -> None:
    items = _imported(load(survey(["text", "a", "Where?"], ["integer", "b", "How many?"])))

    assert {item.non_answers for item in items} == {("prefer_not_to_say",)}


def test_a_dont_know_choice_becomes_the_dont_know_non_answer() -> None:
    lists = choices(["ok", "yes", "Yes"], ["ok", "no", "No"], ["ok", "dont_know", "Not sure"])

    (item,) = _imported(load(survey(["select_one ok", "q", "Was it?"]), lists))

    assert item.non_answers == ("prefer_not_to_say", "dont_know")
    assert "dont_know" not in item.choice_values()


def test_hint_and_translations_are_kept_by_language_code() -> None:
    header = (
        "type",
        "name",
        f"label::{EN}",
        "label::العربية (ar)",
        f"hint::{EN}",
        "hint::العربية (ar)",
    )
    sheet = survey(["text", "q", "Where?", "أين؟", "A town", "مدينة"], header=header)
    settings = complete_settings(**{"heard_purpose::العربية (ar)": "لنعرف"})
    settings |= {f"{key.split('::')[0]}::العربية (ar)": "نص" for key in settings if "::" in key}

    result = load(sheet, settings=settings)

    assert result.instrument is not None and result.instrument.languages == ("en", "ar")
    (item,) = _imported(result)
    assert dict(item.label.translations) == {"en": "Where?", "ar": "أين؟"}
    assert dict(item.hint.translations) == {"en": "A town", "ar": "مدينة"}


def test_a_top_level_group_becomes_a_section_with_its_title_and_intro() -> None:
    header = ("type", "name", f"label::{EN}", f"hint::{EN}")
    sheet = survey(
        ["begin group", "work", "Your work", "About your job"],
        ["text", "q", "Where?"],
        ["end group"],
        header=header,
    )

    (section,) = load(sheet).instrument.sections

    assert (section.id, section.title.get("en"), section.intro.get("en")) == (
        "work",
        "Your work",
        "About your job",
    )


def test_questions_outside_any_group_go_into_a_section_of_their_own() -> None:
    sheet = survey(
        ["text", "q1", "Where?"],
        ["begin group", "g", "Group"],
        ["text", "q2", "Why?"],
        ["end group"],
        ["text", "q3", "When?"],
    )

    sections = load(sheet).instrument.sections

    assert [[item.id for item in s.items] for s in sections] == [["q1"], ["q2"], ["q3"]]


def test_a_form_without_groups_is_one_section_titled_as_the_form() -> None:
    (section,) = load(survey(["text", "q1", "Where?"])).instrument.sections

    assert section.title.get("en") == "A small survey"


def test_a_nested_group_joins_its_section_and_keeps_its_relevant_on_each_question() -> None:
    header = ("type", "name", f"label::{EN}", "relevant")
    sheet = survey(
        ["select_one yn", "worked", "Did you work?"],
        ["begin group", "g", "Work"],
        ["begin group", "inner", "Details", "${worked} = 'yes'"],
        ["text", "where", "Where?", "${worked} != 'no'"],
        ["end group"],
        ["end group"],
        header=header,
    )

    result = load(sheet, YES_NO)

    where = result.instrument.item("where")
    assert str(where.show_if) == "(worked == 'yes') and (worked != 'no')"
    assert result.instrument.section_of("where").id == "g"


def test_names_heard_does_not_allow_are_changed_and_followed_by_relevant() -> None:
    header = ("type", "name", f"label::{EN}", "relevant")
    sheet = survey(
        ["integer", "Age-in.Years", "How old?"],
        ["text", "q__2", "Why?", "${Age-in.Years} > 17"],
        header=header,
    )

    result = load(sheet)

    assert dict(result.names) == {"Age-in.Years": "age_in_years", "q__2": "q_2"}
    assert str(result.instrument.item("q_2").show_if) == "age_in_years > 17"
    assert len(of_code(result, ErrorCode.XLSFORM_NAME_CHANGED)) == 2


def test_two_names_that_would_clash_are_told_apart() -> None:
    result = load(survey(["text", "age", "Age?"], ["text", "Age", "Age again?"]))

    assert [item.id for item in result.instrument.items()] == ["age", "age_2"]


def test_choice_names_heard_does_not_allow_are_changed_and_followed_by_relevant() -> None:
    header = ("type", "name", f"label::{EN}", "relevant")
    lists = choices(["kind", "Farm-Work", "Farm work"], ["kind", "other", "Other"])
    sheet = survey(
        ["select_multiple kind", "work", "What work?"],
        ["text", "farm", "Which farm?", "selected(${work}, 'Farm-Work')"],
        header=header,
    )

    result = load(sheet, lists)

    assert str(result.instrument.item("farm").show_if) == "'farm_work' in work"


def test_settings_give_the_title_id_version_and_default_language() -> None:
    instrument = load(survey(["text", "q", "Where?"])).instrument

    assert (instrument.title.get("en"), instrument.id, instrument.version) == (
        "A small survey",
        "small-survey",
        "2",
    )


def test_heard_columns_give_why_we_ask_and_sensitivity() -> None:
    header = ("type", "name", f"label::{EN}", f"heard_why_we_ask::{EN}", "heard_sensitive")

    item = _item("text", "q", "Where?", "To plan support.", "yes", header=header)

    assert (item.why_we_ask.get("en"), item.sensitive) == ("To plan support.", True)


def test_what_an_xlsform_lacks_is_filled_with_marked_placeholders() -> None:
    result = load(
        survey(["text", "q", "Where?"]), settings={"form_title": "T", "default_language": EN}
    )

    assert result.instrument is not None
    assert result.instrument.consent.withdrawal.get("en").startswith(PLACEHOLDER_MARK)
    assert "consent.withdrawal" in placeholder_paths(result.instrument)


def test_each_placeholder_is_reported_as_a_warning() -> None:
    result = load(
        survey(["text", "q", "Where?"]), settings={"form_title": "T", "default_language": EN}
    )

    placeholders = of_code(result, ErrorCode.XLSFORM_PLACEHOLDER)

    assert len(placeholders) == len(placeholder_paths(result.instrument)) + 1  # + minutes
    assert {p.severity for p in placeholders} == {"warning"}


def test_a_complete_workbook_imports_without_a_single_problem() -> None:
    result = load(survey(["text", "q", "Where?"]))

    assert result.problems == ()
    assert placeholder_paths(result.instrument) == ()


def test_the_stored_yaml_loads_as_the_same_instrument() -> None:
    result = load(survey(["select_one yn", "q", "Did you?"]), YES_NO)

    assert load_instrument(result.yaml, filename="stored.yaml") == result.instrument


def test_heards_own_checks_apply_and_name_the_row() -> None:
    result = load(survey(["text", "q", "Where?"], ["text", "q9", "What is your full name?"]))

    assert codes(result) == [(ErrorCode.IDENTIFIER_REQUESTED, "survey row 3", "error")]
    assert result.problems[0].message.startswith("Column `label`:")


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], (ErrorCode.SECTIONS_EMPTY, "survey")),
        ([["begin group", "g", "G"], ["end group"]], (ErrorCode.ITEMS_EMPTY, "survey row 2")),
        ([["begin group", "g", "G"], ["text", "q", "Q?"]],
         (ErrorCode.XLSFORM_GROUP_UNBALANCED, "survey row 2")),
        ([["text", "q", "Q?"], ["text", "q", "Again?"]], (ErrorCode.DUPLICATE_ID, "survey row 3")),
        ([["text", "q"]], (ErrorCode.MISSING_KEY, "survey row 2")),
        ([["text", None, "Q?"]], (ErrorCode.MISSING_KEY, "survey row 2")),
        ([[None, "q", "Q?"]], (ErrorCode.MISSING_KEY, "survey row 2")),
        ([["select_one", "q", "Q?"]], (ErrorCode.XLSFORM_UNSUPPORTED_TYPE, "survey row 2")),
        ([["phone number", "contact_no", "Your number?"]],
         (ErrorCode.IDENTIFIER_REQUESTED, "survey row 2")),
    ],
    ids=["no questions", "empty group", "group never closed", "name twice", "no label",
         "no name", "no type", "select without list", "phone number"],
)  # fmt: skip
def test_a_survey_sheet_heard_cannot_use_is_reported_at_its_row(
    rows: list, expected: tuple
) -> None:
    result = load(survey(*rows))

    assert result.instrument is None
    assert expected in [(p.code, p.path) for p in result.errors]


def test_a_row_naming_a_refused_row_in_its_relevant_gets_no_second_error() -> None:
    header = ("type", "name", f"label::{EN}", "relevant")
    sheet = survey(["calculate", "c", ""], ["text", "q", "Why?", "${c} = 'x'"], header=header)

    result = load(sheet)

    assert [(p.code, p.path) for p in result.errors] == [
        (ErrorCode.XLSFORM_UNSUPPORTED_TYPE, "survey row 2")
    ]


def test_a_group_emptied_by_refused_rows_gets_no_second_error() -> None:
    sheet = survey(["begin group", "g", "G"], ["geopoint", "where", "Where?"], ["end group"],
                   ["text", "q", "Why?"])  # fmt: skip

    result = load(sheet)

    assert [(p.code, p.path) for p in result.errors] == [
        (ErrorCode.XLSFORM_UNSUPPORTED_TYPE, "survey row 3")
    ]
