"""The codebook: the operations analysts use to reshape it (its rules: test_codebook_rules)."""

from __future__ import annotations

import doctest
import uuid
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coding.codebook as codebook_module
from coding.codebook import (
    add_code,
    code_paths,
    delete_code,
    merge_codes,
    move_code,
    rename_code,
    split_code,
    update_code,
    validate_codebook,
)
from coding.errors import CodingError
from coding.model import Code, Codebook, Coding, Note, Project
from tests.coding.book import BOOK, FEAR, names, project, raised_code, segment
from tests.coding.strategies import codebooks, projects


def depth_first(codebook: Codebook) -> Codebook:
    """Return the codebook in depth-first order, siblings in their order."""
    ordered: list[Code] = []
    stack = list(reversed(codebook.children(None)))
    while stack:
        code = stack.pop()
        ordered.append(code)
        stack.extend(reversed(codebook.children(code.guid)))
    return replace(codebook, codes=tuple(ordered))


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(codebook_module).failed == 0


# add, update, rename


def test_a_new_code_goes_last_under_its_parent_and_keeps_a_depth_first_order() -> None:
    book, wages = add_code(BOOK, "Wages withheld", parent="control", definition="Pay kept back.")
    assert names(book) == [
        "Control",
        "Debt bondage",
        "Documents withheld",
        "Wages withheld",
        "Fear",
        "of the police",
    ]
    assert (wages.parent, wages.definition, wages.codable) == ("control", "Pay kept back.", True)
    assert str(uuid.UUID(wages.guid, version=4)) == wages.guid


def test_a_new_top_level_category_goes_last() -> None:
    book, group = add_code(BOOK, "Movement", codable=False)
    assert book.codes[-1] == group and not group.codable


@pytest.mark.parametrize(
    ("name", "parent", "fields", "error"),
    [
        ("Group", "fear", {"codable": False}, "CODE_CATEGORY_UNDER_CODE"),
        ("Threats", None, {"colour": "#GGGGGG"}, "CODE_COLOUR_INVALID"),
        ("fear", None, {}, "CODE_NAME_TAKEN"),
        ("Threats", "nowhere", {}, "CODE_PARENT_UNKNOWN"),
    ],
)
def test_a_code_that_breaks_a_rule_is_not_added(
    name: str, parent: str | None, fields: dict[str, object], error: str
) -> None:
    with pytest.raises(CodingError) as raised:
        add_code(BOOK, name, parent, **fields)
    assert raised_code(raised) == error


@pytest.mark.parametrize("field", ["guid", "colur"])
def test_only_the_entry_fields_can_be_set_on_a_new_code(field: str) -> None:
    with pytest.raises(TypeError, match=field):
        add_code(BOOK, "Threats", **{field: "x"})


@pytest.mark.parametrize("field", ["guid", "parent", "colur"])
def test_only_the_entry_fields_and_name_can_be_updated(field: str) -> None:
    with pytest.raises(TypeError, match=field):
        update_code(BOOK, "fear", **{field: "x"})


def test_renaming_cleans_the_name_and_keeps_the_place() -> None:
    book = rename_code(BOOK, "debt", "  Debt  ")
    assert names(book)[1] == "Debt" and book.codes[1].guid == "debt"


def test_renaming_to_a_siblings_name_is_refused() -> None:
    with pytest.raises(CodingError) as raised:
        rename_code(BOOK, "debt", "documents WITHHELD")
    assert raised_code(raised) == "CODE_NAME_TAKEN"


def test_updating_changes_the_entry_and_nothing_else() -> None:
    book = update_code(BOOK, "fear", definition="Afraid of harm.", colour="#d62728")
    assert book.codes[3] == replace(FEAR, definition="Afraid of harm.", colour="#d62728")
    assert book.codes[:3] + book.codes[4:] == BOOK.codes[:3] + BOOK.codes[4:]


@pytest.mark.parametrize(
    ("guid", "fields", "error"),
    [
        ("police", {"codable": False}, "CODE_CATEGORY_UNDER_CODE"),  # its parent is a code
        ("fear", {"colour": "blue"}, "CODE_COLOUR_INVALID"),
        ("missing", {"definition": "x"}, "CODE_UNKNOWN"),
        ("fear", {"name": ""}, "CODE_NAME_EMPTY"),
    ],
)
def test_an_update_that_breaks_a_rule_is_refused(
    guid: str, fields: dict[str, object], error: str
) -> None:
    with pytest.raises(CodingError) as raised:
        update_code(BOOK, guid, **fields)
    assert raised_code(raised) == error


def test_a_category_holding_a_category_cannot_become_a_code() -> None:
    book, _ = add_code(BOOK, "Movement", parent="control", codable=False)
    with pytest.raises(CodingError) as raised:
        update_code(book, "control", codable=True)
    assert raised_code(raised) == "CODE_CATEGORY_UNDER_CODE"


# move


def test_a_moved_code_takes_its_descendants_and_the_order_stays_depth_first() -> None:
    book = move_code(BOOK, "fear", "control", position=1)
    assert [(c.name, c.parent) for c in book.codes] == [
        ("Control", None),
        ("Debt bondage", "control"),
        ("Fear", "control"),
        ("of the police", "fear"),
        ("Documents withheld", "control"),
    ]


@pytest.mark.parametrize(("position", "expected"), [(0, 0), (-3, 0), (1, 1), (None, 2), (99, 2)])
def test_a_position_is_a_place_among_the_new_siblings(position: int | None, expected: int) -> None:
    book = move_code(BOOK, "police", None, position=position)
    assert [c.guid for c in book.children(None)].index("police") == expected


def test_a_code_can_be_reordered_among_its_own_siblings() -> None:
    book = move_code(BOOK, "papers", "control", position=0)
    assert [c.name for c in book.children("control")] == ["Documents withheld", "Debt bondage"]


@settings(max_examples=150)
@given(codebooks(min_codes=1), st.data())
def test_a_move_either_is_refused_or_keeps_every_rule_and_every_code(
    codebook: Codebook, data: st.DataObject
) -> None:
    codebook = depth_first(codebook)
    code = data.draw(st.sampled_from(codebook.codes))
    parent = data.draw(st.sampled_from([None, *(c.guid for c in codebook.codes)]))
    position = data.draw(st.none() | st.integers(-1, 6))
    try:
        moved = move_code(codebook, code.guid, parent, position)
    except CodingError as error:
        assert error.code in {"CODE_CYCLE", "CODE_CATEGORY_UNDER_CODE", "CODE_NAME_TAKEN"}
        return
    assert validate_codebook(moved) == []
    assert moved.by_guid()[code.guid].parent == parent
    assert sorted(moved.codes, key=lambda c: c.guid) == sorted(
        (replace(c, parent=parent) if c.guid == code.guid else c for c in codebook.codes),
        key=lambda c: c.guid,
    )
    assert moved == depth_first(moved), "a depth-first codebook stopped being depth-first"


# code_paths


@given(codebooks())
def test_paths_are_the_names_from_the_top(codebook: Codebook) -> None:
    paths = code_paths(codebook, sep=" > ")
    assert paths == {code.guid: codebook.path(code.guid, sep=" > ") for code in codebook.codes}


def test_paths_refuse_a_codebook_whose_parent_comes_late() -> None:
    with pytest.raises(CodingError) as raised:
        code_paths(Codebook((Code("b", "B", parent="a"), Code("a", "A"))))
    assert raised_code(raised) == "CODE_PARENT_AFTER_CHILD"


# merge


def test_merging_moves_the_codings_children_and_memos_to_the_target() -> None:
    before = project(
        segment("s1", "fear", memo="about police"),
        segment("s2", "debt", 6, 9),
        notes=(Note("n1", "Scope?", target="fear"),),
    )
    after = merge_codes(before, "fear", "debt")
    assert names(after.codebook) == [
        "Control",
        "Debt bondage",
        "of the police",
        "Documents withheld",
    ]
    assert after.codebook.by_guid()["police"].parent == "debt"
    assert [(c.guid, c.code) for c in after.codings] == [("s1", "debt"), ("s2", "debt")]
    assert after.notes == (Note("n1", "Scope?", target="debt"),)


def test_a_repeated_coding_is_dropped_and_its_memo_and_flag_kept() -> None:
    before = project(
        segment("s1", "debt", memo="owed for travel"),
        segment("s2", "police", memo="threatened arrest", distressing=True),
        segment("s3", "police", coder="bo"),
    )
    after = merge_codes(before, "police", "debt")
    assert after.codings == (
        segment("s1", "debt", memo="owed for travel\n\nthreatened arrest", distressing=True),
        segment("s3", "debt", coder="bo"),
    )


@pytest.mark.parametrize(
    ("source", "target", "error"),
    [
        ("debt", "debt", "MERGE_INTO_ITSELF"),
        ("debt", "control", "CODE_NOT_CODABLE"),
        ("fear", "police", "CODE_CYCLE"),
        ("missing", "debt", "CODE_UNKNOWN"),
        ("debt", "missing", "CODE_UNKNOWN"),
    ],
)
def test_a_merge_that_makes_no_sense_is_refused(source: str, target: str, error: str) -> None:
    with pytest.raises(CodingError) as raised:
        merge_codes(project(), source, target)
    assert raised_code(raised) == error


def test_a_merge_whose_children_clash_by_name_is_refused() -> None:
    book, _ = add_code(BOOK, "OF THE POLICE", parent="debt")
    with pytest.raises(CodingError) as raised:
        merge_codes(Project("p", book), "fear", "debt")
    assert raised_code(raised) == "CODE_NAME_TAKEN"


@settings(max_examples=150)
@given(projects(), st.data())
def test_a_merge_keeps_every_coding_but_exact_repeats(
    project: Project, data: st.DataObject
) -> None:
    codes = project.codebook.codes
    source = data.draw(st.sampled_from(codes)).guid
    target = data.draw(st.sampled_from(codes)).guid
    try:
        after = merge_codes(project, source, target)
    except CodingError as error:
        assert error.code in {
            "MERGE_INTO_ITSELF",
            "CODE_NOT_CODABLE",
            "CODE_CYCLE",
            "CODE_NAME_TAKEN",
            "CODE_CATEGORY_UNDER_CODE",
        }
        return
    spot = {_place(c) for c in project.codings if c.code == target}
    repeats = [c for c in project.codings if c.code == source and _place(c) in spot]
    assert len(after.codings) == len(project.codings) - len(repeats)
    assert validate_codebook(after.codebook) == []
    assert {c.code for c in after.codings} <= set(after.codebook.by_guid()) - {source}
    children = {c.guid for c in project.codebook.children(source)}
    assert {c.guid for c in after.codebook.children(target)} >= children
    assert len(after.codebook.codes) == len(codes) - 1
    merged = {_place(c) for c in after.codings if c.code == target}
    moved = {_place(c) for c in project.codings if c.code == source}
    assert merged == spot | moved
    survivors = "\n".join(c.memo for c in after.codings)
    assert all(c.memo in survivors for c in repeats)


def _place(coding: Coding) -> tuple[str, str, int, int]:
    return (coding.document, coding.coder, coding.start, coding.end)


# split


def test_a_split_makes_children_and_moves_the_assigned_codings() -> None:
    before = project(segment("s1", "fear"), segment("s2", "fear", 6, 9), segment("s3", "debt"))
    after, (boss, family) = split_code(before, "fear", ["of the boss", "for family"], {"s2": 1})
    assert (boss.parent, family.parent, family.colour) == ("fear", "fear", FEAR.colour)
    assert [c.name for c in after.codebook.children("fear")] == [
        "of the police",
        "of the boss",
        "for family",
    ]
    assert [c.code for c in after.codings] == ["fear", family.guid, "debt"]
    assert validate_codebook(after.codebook) == []


def test_a_split_into_nothing_changes_nothing() -> None:
    before = project(segment("s1", "fear"))
    assert split_code(before, "fear", [], {}) == (before, [])


@pytest.mark.parametrize(
    ("guid", "new", "assign", "error"),
    [
        ("control", ["A"], {}, "CODE_NOT_CODABLE"),
        ("missing", ["A"], {}, "CODE_UNKNOWN"),
        ("fear", ["A"], {"s3": 0}, "CODING_UNKNOWN"),  # a coding of another code
        ("fear", ["A"], {"nope": 0}, "CODING_UNKNOWN"),
        ("fear", ["A"], {"s1": 1}, "CODE_UNKNOWN"),
        ("fear", ["A"], {"s1": -1}, "CODE_UNKNOWN"),
        ("fear", ["A"], {"s1": True}, "CODE_UNKNOWN"),
        ("fear", ["A", "a "], {}, "CODE_NAME_TAKEN"),
        ("fear", ["Of The Police"], {}, "CODE_NAME_TAKEN"),
        ("fear", [""], {}, "CODE_NAME_EMPTY"),
    ],
)
def test_a_split_that_cannot_be_done_is_refused(
    guid: str, new: list[str], assign: dict[str, int], error: str
) -> None:
    with pytest.raises(CodingError) as raised:
        split_code(project(segment("s1", "fear"), segment("s3", "debt")), guid, new, assign)
    assert raised_code(raised) == error


def test_split_names_must_be_a_list_not_a_string() -> None:
    with pytest.raises(TypeError, match="names"):
        split_code(project(), "fear", "Boss", {})


# delete


def test_deleting_a_code_in_use_is_refused_with_the_count() -> None:
    with pytest.raises(CodingError) as raised:
        delete_code(project(segment("s1", "debt"), segment("s2", "debt", 6, 9)), "debt")
    assert (raised.value.code, raised.value.values["count"]) == ("CODE_IN_USE", 2)
    assert "2 segment(s)" in str(raised.value)


def test_deleting_a_code_with_children_is_refused() -> None:
    with pytest.raises(CodingError) as raised:
        delete_code(project(), "fear", segments="remove")
    assert raised_code(raised) == "CODE_HAS_CHILDREN"


def test_deleting_an_unknown_code_is_refused() -> None:
    with pytest.raises(CodingError) as raised:
        delete_code(project(), "missing")
    assert raised_code(raised) == "CODE_UNKNOWN"


def test_deleting_an_unused_code_leaves_the_rest() -> None:
    after = delete_code(project(segment("s1", "debt")), "papers")
    assert names(after.codebook) == ["Control", "Debt bondage", "Fear", "of the police"]
    assert after.codings == (segment("s1", "debt"),)


def test_deleting_with_remove_drops_its_codings_and_memos() -> None:
    before = project(
        segment("s1", "debt"),
        segment("s2", "papers"),
        notes=(Note("n1", "x", target="debt"), Note("n2", "y")),
    )
    after = delete_code(before, "debt", segments="remove")
    assert after.codings == (segment("s2", "papers"),)
    assert after.notes == (Note("n2", "y"),)
    assert "debt" not in after.codebook.by_guid()


def test_deleting_with_a_target_moves_the_codings_there() -> None:
    after = delete_code(project(segment("s1", "debt")), "debt", segments="papers")
    assert after.codings == (segment("s1", "papers"),)
    assert "debt" not in after.codebook.by_guid()


@pytest.mark.parametrize(
    ("target", "error"),
    [("debt", "MERGE_INTO_ITSELF"), ("control", "CODE_NOT_CODABLE"), ("gone", "CODE_UNKNOWN")],
)
def test_deleting_with_a_bad_target_is_refused(target: str, error: str) -> None:
    with pytest.raises(CodingError) as raised:
        delete_code(project(segment("s1", "debt")), "debt", segments=target)
    assert raised_code(raised) == error
