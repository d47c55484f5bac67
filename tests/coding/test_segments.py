"""Codings: the one-coding-per-passage rule, cutting codings, recoding and counts.

Bare spans are tested in test_spans, keyword in context in test_context.
"""

from __future__ import annotations

import doctest
from collections import defaultdict
from collections.abc import Iterable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import coding.segments as segments_module
from coding.errors import CodingError
from coding.model import Coding, Project
from coding.segments import (
    add_coding,
    coding_counts,
    join_memos,
    merge_spans,
    recode,
    remove_span,
)
from tests.coding.strategies import projects

SMALL = st.integers(0, 40)
Key = tuple[str, str, str]


def points(spans: Iterable[tuple[int, int]]) -> set[int]:
    """Return the code points a set of spans covers: the oracle for unions and cuts."""
    return {point for start, end in spans for point in range(start, end)}


def coded(codings: Iterable[Coding]) -> set[tuple[Key, int]]:
    """Return every (document, code, coder) and code point coded."""
    return {((c.document, c.code, c.coder), p) for c in codings for p in range(c.start, c.end)}


def coding(guid: str, start: int, end: int, **fields: object) -> Coding:
    """Return a coding of code "fear" by "ann" on document "doc" unless told otherwise."""
    values = {"document": "doc", "code": "fear", "coder": "ann", **fields}
    return Coding(guid, start=start, end=end, **values)  # type: ignore[arg-type]


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(segments_module).failed == 0


# add_coding


@settings(max_examples=300)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["d1", "d2"]),
            st.sampled_from(["fear", "debt"]),
            st.sampled_from(["ann", "bo"]),
            st.integers(0, 30).flatmap(lambda s: st.tuples(st.just(s), st.integers(s + 1, 36))),
        ),
        max_size=25,
    )
)
def test_added_codings_of_one_coder_and_code_are_disjoint_and_cover_everything_added(
    added: list[tuple[str, str, str, tuple[int, int]]],
) -> None:
    codings: tuple[Coding, ...] = ()
    wanted: defaultdict[Key, list[tuple[int, int]]] = defaultdict(list)
    for number, (doc, code, coder, span) in enumerate(added):
        codings = add_coding(codings, Coding(f"g{number}", doc, code, coder, *span))
        wanted[(doc, code, coder)].append(span)
    got: defaultdict[Key, list[tuple[int, int]]] = defaultdict(list)
    for c in codings:
        got[(c.document, c.code, c.coder)].append((c.start, c.end))
    assert got.keys() == wanted.keys()
    for key, found in got.items():
        assert sorted(found) == merge_spans(found), "overlapping or touching codings remain"
        assert points(found) == points(wanted[key])


@given(st.lists(st.tuples(SMALL, SMALL).filter(lambda s: s[0] < s[1]), min_size=1, max_size=12))
def test_a_merged_coding_keeps_the_guid_of_the_earliest_coding_it_absorbed(
    added: list[tuple[int, int]],
) -> None:
    codings: tuple[Coding, ...] = ()
    for number, span in enumerate(added):
        codings = add_coding(codings, coding(f"g{number:02}", *span))
    for merged in codings:
        inside = [
            f"g{n:02}" for n, (s, e) in enumerate(added) if merged.start <= s and e <= merged.end
        ]
        assert merged.guid == min(inside)


def test_adding_text_that_touches_a_coding_extends_it_and_joins_the_memos() -> None:
    first = coding("a", 0, 5, memo="threat")
    result = add_coding((first,), coding("b", 5, 9, memo="passport", distressing=True))
    assert result == (coding("a", 0, 9, memo="threat\n\npassport", distressing=True),)


def test_adding_a_span_that_bridges_two_codings_merges_all_three() -> None:
    existing = (coding("a", 0, 3), coding("x", 0, 9, coder="bo"), coding("b", 6, 9, memo="m"))
    result = add_coding(existing, coding("c", 2, 7))
    assert result == (coding("a", 0, 9, memo="m"), coding("x", 0, 9, coder="bo"))


def test_a_span_already_coded_changes_nothing_but_the_memo() -> None:
    existing = (coding("a", 0, 9, memo="threat"),)
    assert add_coding(existing, coding("b", 2, 4, memo="threat")) == existing


@pytest.mark.parametrize(
    "other", [{"coder": "bo"}, {"code": "debt"}, {"document": "doc2"}], ids=lambda o: str(o)
)
def test_overlapping_codings_stay_apart_when_coder_code_or_document_differs(
    other: dict[str, str],
) -> None:
    existing = (coding("a", 0, 5),)
    assert add_coding(existing, coding("b", 3, 9, **other)) == (
        *existing,
        coding("b", 3, 9, **other),
    )


def test_codings_a_character_apart_stay_apart() -> None:
    assert len(add_coding((coding("a", 0, 5),), coding("b", 6, 9))) == 2


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [(4, 4, "SPAN_EMPTY"), (5, 2, "SPAN_REVERSED"), (0.0, 2, "OFFSET_NOT_INTEGER")],
)
def test_adding_a_bad_span_is_refused(start: object, end: object, error: str) -> None:
    with pytest.raises(CodingError) as raised:
        add_coding((), coding("a", start, end))  # type: ignore[arg-type]
    assert raised.value.code == error


def test_memos_are_joined_without_blanks_or_repeats() -> None:
    assert join_memos("", "threat", "  ", "threat", "debt") == "threat\n\ndebt"


# remove_span


@settings(max_examples=150)
@given(projects(max_codes=3, tidy=True), st.data())
def test_removing_a_span_uncodes_exactly_the_requested_characters(
    project: Project, data: st.DataObject
) -> None:
    assume(project.codings)
    target = data.draw(st.sampled_from(project.codings))
    start, end = data.draw(st.tuples(SMALL, SMALL).filter(lambda s: s[0] < s[1]))
    after = remove_span(project.codings, target.guid, start, end)
    key = (target.document, target.code, target.coder)
    removed = {(key, p) for p in range(max(start, target.start), min(end, target.end))}
    assert coded(after) == coded(project.codings) - removed
    assert len({c.guid for c in after}) == len(after), "a GUID was used twice"
    assert all(c in after for c in project.codings if c.guid != target.guid)


def test_cutting_the_middle_leaves_two_codings_and_the_first_keeps_the_guid() -> None:
    left, right = remove_span((coding("a", 0, 10, memo="m", distressing=True),), "a", 3, 5)
    assert left == coding("a", 0, 3, memo="m", distressing=True)
    assert (right.start, right.end, right.memo, right.distressing) == (5, 10, "m", True)
    assert right.guid != "a"


def test_cutting_the_start_keeps_the_guid_on_what_remains() -> None:
    assert remove_span((coding("a", 0, 10),), "a", 0, 4) == (coding("a", 4, 10),)


def test_removing_without_a_span_removes_the_whole_coding_and_only_it() -> None:
    others = (coding("a", 0, 4), coding("b", 0, 4, coder="bo"))
    assert remove_span(others, "a") == (others[1],)


def test_a_cut_beyond_the_coding_removes_only_what_they_share() -> None:
    assert remove_span((coding("a", 5, 10),), "a", 0, 7) == (coding("a", 7, 10),)


@pytest.mark.parametrize(
    ("guid", "start", "end", "error"),
    [
        ("missing", None, None, "CODING_UNKNOWN"),
        ("a", 4, 4, "SPAN_EMPTY"),
        ("a", 6, 2, "SPAN_REVERSED"),
        ("a", 1.5, 4, "OFFSET_NOT_INTEGER"),
    ],
)
def test_a_bad_removal_is_refused(guid: str, start: object, end: object, error: str) -> None:
    with pytest.raises(CodingError) as raised:
        remove_span((coding("a", 0, 10),), guid, start, end)  # type: ignore[arg-type]
    assert raised.value.code == error


# recode and coding_counts


def test_recoding_drops_exact_repeats_and_keeps_overlaps() -> None:
    held = coding("a", 0, 5, memo="threat")
    repeat = coding("b", 0, 5, code="afraid", memo="police", distressing=True)
    overlap = coding("c", 2, 7, code="afraid")
    result = recode((held, repeat, overlap), "afraid", "fear")
    assert result == (
        coding("a", 0, 5, memo="threat\n\npolice", distressing=True),
        coding("c", 2, 7),
    )


def test_counts_give_segments_and_distinct_documents_per_code() -> None:
    codings = [coding("a", 0, 2), coding("b", 5, 7), coding("c", 0, 2, document="d2", coder="bo")]
    assert coding_counts(codings) == {"fear": (3, 2)}


def test_counts_of_nothing_are_empty() -> None:
    assert coding_counts([]) == {}
