"""Loading a valid instrument, its defaults, its hash, and reporting every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from instruments import ErrorCode, Instrument, InstrumentInvalid, Text, load_instrument
from tests.instruments.builders import (
    choices,
    codes_of,
    item,
    minimal_instrument,
    problems_of,
    section,
    to_yaml,
    with_items,
)


def load(document: dict) -> Instrument:
    return load_instrument(to_yaml(document))


def only_item(document: dict) -> object:
    return next(load(document).items())


# --- the minimal instrument and its defaults ---------------------------------------------


def test_the_minimal_instrument_loads_into_the_dataclasses(document: dict) -> None:
    instrument = load(document)

    assert instrument.id == "tiny-study"
    assert instrument.title == Text({"en": "A tiny study"})
    assert instrument.consent.withdrawal.get("en").startswith("What the study says")
    assert [item.id for item in instrument.items()] == ["worked"]


def test_kind_layout_and_default_language_have_defaults(document: dict) -> None:
    instrument = load(document)

    assert (instrument.kind, instrument.layout, instrument.default_language) == (
        "survey",
        "section",
        "en",
    )


def test_an_item_offers_prefer_not_to_say_and_is_optional_by_default(document: dict) -> None:
    worked = only_item(document)

    assert worked.non_answers == ("prefer_not_to_say",)
    assert worked.required is False
    assert worked.sensitive is False


@pytest.mark.parametrize(("item_type", "limit"), [("short_text", 500), ("long_text", 5000)])
def test_text_items_have_a_default_max_length(item_type: str, limit: int) -> None:
    assert only_item(with_items(item("story", item_type))).max_length == limit


def test_a_sensitive_section_is_skippable_by_default() -> None:
    document = minimal_instrument(
        sections=[section("hard", item("q1"), sensitive=True, content_note="About arrest.")]
    )

    assert load(document).sections[0].skippable is True


def test_an_ordinary_section_is_not_skippable_by_default(document: dict) -> None:
    assert load(document).sections[0].skippable is False


def test_a_sensitive_section_can_be_made_not_skippable() -> None:
    hard = section("hard", item("q1"), sensitive=True, content_note="About.", skippable=False)

    assert load(minimal_instrument(sections=[hard])).sections[0].skippable is False


def test_a_note_has_no_non_answers() -> None:
    assert only_item(with_items(item("intro", "note"))).non_answers == ()


def test_a_number_is_whole_by_default() -> None:
    assert only_item(with_items(item("age", "number", min=16, max=99))).integer is True


def test_an_instrument_without_support_leaves_it_to_the_platform_default(document: dict) -> None:
    assert load(document).support == {}


def test_support_given_per_language_replaces_the_default() -> None:
    support = {"en": [{"name": "Local project", "url": "https://example.org/help"}]}

    instrument = load(minimal_instrument(support=support))

    assert [resource.name for resource in instrument.support["en"]] == ["Local project"]


def test_a_scale_keeps_its_points_in_order() -> None:
    points = [{"value": value, "label": f"{value} of 3"} for value in (1, 2, 3)]

    scale = only_item(with_items(item("mood", "scale", points=points)))

    assert scale.choice_values() == ("1", "2", "3")


def test_choices_keep_their_order_and_labels() -> None:
    single = only_item(with_items(item("q1", "single_choice", choices=choices("b", "a"))))

    assert single.choice_values() == ("b", "a")
    assert single.choice_label("a", "en") == "Choice a"


def test_the_condition_is_parsed_onto_the_item() -> None:
    document = with_items(item("q1"), item("q2", show_if="q1 == 'yes'"))

    second = list(load(document).items())[1]

    assert second.show_if.evaluate({"q1": "yes"}) is True


# --- how values are read ------------------------------------------------------------------


def test_words_yaml_reads_as_true_or_false_stay_text_where_text_is_expected() -> None:
    document = with_items(item("q1", label="No"))
    document["version"] = 2

    instrument = load_instrument(to_yaml(document).replace("'No'", "No"))

    assert next(instrument.items()).label.get("en") == "No"
    assert instrument.version == "2"


def test_a_version_written_as_a_number_keeps_its_digits() -> None:
    text = to_yaml(minimal_instrument()).replace("version: '1.0'", "version: 1.10")

    assert load_instrument(text).version == "1.10"


def test_yes_no_words_are_booleans_where_true_or_false_is_expected() -> None:
    text = to_yaml(with_items(item("q1", required=True))).replace("required: true", "required: yes")

    assert next(load_instrument(text).items()).required is True


def test_text_in_quotes_is_not_a_boolean() -> None:
    assert codes_of(with_items(item("q1", required="yes"))) == [ErrorCode.WRONG_TYPE]


# --- the content hash and the source --------------------------------------------------------


def test_the_content_hash_is_a_sha256_hex_digest(document: dict) -> None:
    content_hash = load(document).content_hash

    assert len(content_hash) == 64
    assert int(content_hash, 16) >= 0


def test_the_same_content_has_the_same_hash_whatever_its_layout(document: dict) -> None:
    plain = to_yaml(document)
    commented = "# a comment\n" + to_yaml(dict(reversed(list(document.items()))))

    assert load_instrument(plain).content_hash == load_instrument(commented).content_hash


def test_a_change_of_content_changes_the_hash(document: dict) -> None:
    changed = minimal_instrument(title="A slightly different title")

    assert load(document).content_hash != load(changed).content_hash


def test_the_source_is_the_yaml_text(document: dict) -> None:
    text = to_yaml(document)

    assert load_instrument(text).source == text


# --- where the YAML comes from ---------------------------------------------------------------


def test_a_path_is_read_from_disk(tmp_path: Path, document: dict) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(to_yaml(document), encoding="utf-8")

    assert load_instrument(path).id == "tiny-study"


def test_a_path_may_be_given_as_a_string(tmp_path: Path, document: dict) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(to_yaml(document), encoding="utf-8")

    assert load_instrument(str(path)).id == "tiny-study"


def test_problems_in_a_file_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(to_yaml(minimal_instrument(layout="grid")), encoding="utf-8")

    with pytest.raises(InstrumentInvalid) as caught:
        load_instrument(path)

    assert caught.value.problems[0].file == str(path)


def test_text_with_a_filename_names_that_file_in_problems() -> None:
    with pytest.raises(InstrumentInvalid) as caught:
        load_instrument("layout: grid", filename="upload.yaml")

    assert {problem.file for problem in caught.value.problems} == {"upload.yaml"}


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path, document: dict) -> None:
    path = tmp_path / "study.yaml"
    path.write_bytes(to_yaml(document).encode("utf-16"))

    with pytest.raises(InstrumentInvalid) as caught:
        load_instrument(path)

    assert caught.value.codes == {ErrorCode.FILE_UNREADABLE}


def test_a_byte_order_mark_is_ignored(tmp_path: Path, document: dict) -> None:
    path = tmp_path / "study.yaml"
    path.write_bytes(to_yaml(document).encode("utf-8-sig"))

    assert load_instrument(path).id == "tiny-study"


# --- every problem at once ----------------------------------------------------------------


def test_every_problem_is_reported_in_one_run() -> None:
    document = with_items(
        item("q1", "dropdown"),
        item("q2", "single_choice"),
        item("q2", show_if="q9 == 'yes'"),
        layout="grid",
    )

    codes = set(codes_of(document))

    assert codes == {
        ErrorCode.LAYOUT_UNKNOWN,
        ErrorCode.UNKNOWN_TYPE,
        ErrorCode.CHOICES_MISSING,
        ErrorCode.DUPLICATE_ID,
        ErrorCode.CONDITION_UNKNOWN_ITEM,
    }


def test_problems_are_listed_in_the_order_of_their_lines() -> None:
    document = with_items(item("q1", "dropdown"), layout="grid", estimated_minutes=0)

    lines = [problem.line for problem in problems_of(document)]

    assert lines == sorted(lines)


def test_every_missing_top_level_key_is_reported() -> None:
    problems = problems_of("format: heard-instrument/1\n")

    missing = {problem.path for problem in problems if problem.code is ErrorCode.MISSING_KEY}

    assert missing >= {"id", "version", "title", "consent", "sections", "contact"}


def test_an_unknown_format_stops_before_its_other_keys_are_judged() -> None:
    problems = problems_of("format: heard-instrument/2\nquestions: []\n")

    assert [problem.code for problem in problems] == [ErrorCode.FORMAT_UNKNOWN]


def test_an_unknown_key_suggests_the_key_that_was_meant() -> None:
    (problem,) = problems_of(with_items(item("q1", why_we_aks="To plan support.")))

    assert "`why_we_ask`" in problem.message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "just words\n", "- a\n- b\n"])
def test_a_document_that_is_not_a_mapping_is_refused(text: str) -> None:
    assert codes_of(text + "\n") == [ErrorCode.NOT_A_MAPPING]
