"""Hostile YAML is refused quickly and safely: aliases, tags, depth and size."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import instruments._validate_yaml as yaml_reading
from instruments import ErrorCode, InstrumentInvalid, load_instrument
from instruments._validate_yaml import MAX_DEPTH, MAX_DOCUMENT_BYTES
from tests.instruments.builders import codes_of, minimal_instrument, to_yaml

BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]"
            for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


@pytest.fixture(params=yaml_reading.COMPOSERS, ids=lambda composer: composer.__name__)
def composer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> type:
    """Run the test with each YAML parser this install has (libyaml and pure Python)."""
    monkeypatch.setattr(yaml_reading, "COMPOSERS", [request.param])
    return request.param


def test_an_alias_bomb_is_refused_quickly(composer: type) -> None:
    started = time.perf_counter()

    with pytest.raises(InstrumentInvalid) as caught:
        load_instrument(BILLION_LAUGHS, filename="bomb.yaml")

    assert time.perf_counter() - started < 1
    assert [(p.code, p.line) for p in caught.value.problems] == [(ErrorCode.YAML_ALIAS, 1)]


def test_an_anchor_is_refused_even_without_an_alias(composer: type) -> None:
    text = to_yaml(minimal_instrument()).replace("version: '1.0'", "version: &v '1.0'")

    assert codes_of(text) == [ErrorCode.YAML_ALIAS]


def test_a_merge_key_alias_is_refused(composer: type) -> None:
    text = to_yaml(minimal_instrument()) + "base: &base {a: 1}\nother:\n  <<: *base\n"

    assert codes_of(text) == [ErrorCode.YAML_ALIAS]


def test_nesting_past_the_limit_is_refused(composer: type) -> None:
    depth = MAX_DEPTH + 5

    assert codes_of("format: " + "[" * depth + "]" * depth + "\n") == [ErrorCode.DOCUMENT_TOO_DEEP]


def test_extreme_nesting_is_refused_quickly_without_recursion_error(composer: type) -> None:
    started = time.perf_counter()

    codes = codes_of("a: " + "[" * 100_000 + "\n")

    assert time.perf_counter() - started < 2
    assert codes in ([ErrorCode.DOCUMENT_TOO_DEEP], [ErrorCode.YAML_SYNTAX])


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object/apply:os.system ['echo hacked']",
        "!!python/name:os.system ''",
        "!local 3",
        "!!binary aGVsbG8=",
        "!!set {a, b}",
    ],
)
def test_tags_other_than_plain_yaml_types_are_refused(composer: type, tagged: str) -> None:
    text = to_yaml(minimal_instrument()).replace("version: '1.0'", f"version: {tagged}")

    assert codes_of(text) == [ErrorCode.YAML_TAG]


def test_an_explicit_plain_tag_is_allowed(composer: type) -> None:
    text = to_yaml(minimal_instrument()).replace("version: '1.0'", "version: !!str 1.0")

    assert load_instrument(text).version == "1.0"


def test_malformed_yaml_is_reported_with_its_line(composer: type) -> None:
    text = to_yaml(minimal_instrument()) + "extra: [unclosed\n"

    with pytest.raises(InstrumentInvalid) as caught:
        load_instrument(text)

    (problem,) = caught.value.problems
    assert problem.code is ErrorCode.YAML_SYNTAX
    assert problem.line is not None and problem.line >= text.count("\n")


def test_a_control_character_is_reported_with_its_line(composer: type) -> None:
    text = "format: heard-instrument/1\ntitle: bell\x07\n"

    with pytest.raises(InstrumentInvalid) as caught:
        load_instrument(text)

    assert [(p.code, p.line) for p in caught.value.problems] == [(ErrorCode.YAML_SYNTAX, 2)]


def test_two_documents_in_one_file_are_refused(composer: type) -> None:
    text = to_yaml(minimal_instrument()) + "---\n" + to_yaml(minimal_instrument())

    assert codes_of(text) == [ErrorCode.YAML_SYNTAX]


def test_text_over_the_size_limit_is_refused_before_parsing() -> None:
    text = "a: " + "x" * MAX_DOCUMENT_BYTES + "\n"

    assert codes_of(text) == [ErrorCode.DOCUMENT_TOO_LARGE]


def test_a_file_over_the_size_limit_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:
        stream.truncate(50 * MAX_DOCUMENT_BYTES)  # sparse: costs no disk

    with pytest.raises(InstrumentInvalid) as caught:
        load_instrument(path)

    assert [p.code for p in caught.value.problems] == [ErrorCode.DOCUMENT_TOO_LARGE]
    assert str(50 * MAX_DOCUMENT_BYTES) in caught.value.problems[0].message


def test_a_missing_file_is_reported_not_raised_as_os_error(tmp_path: Path) -> None:
    with pytest.raises(InstrumentInvalid) as caught:
        load_instrument(tmp_path / "absent.yaml")

    assert [p.code for p in caught.value.problems] == [ErrorCode.FILE_UNREADABLE]


def test_both_parsers_give_the_same_content_hash() -> None:
    text = to_yaml(minimal_instrument())
    hashes = set()
    for composer in yaml_reading.COMPOSERS:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(yaml_reading, "COMPOSERS", [composer])
            hashes.add(load_instrument(text).content_hash)

    assert len(hashes) == 1
