"""Spans: checked offsets, unions, intersections, where span sets differ, marked pieces."""

from __future__ import annotations

import doctest
import itertools
from collections.abc import Iterable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import coding.segments as segments_module
import coding.spans as spans_module
from coding.errors import CodingError, ErrorCode
from coding.spans import (
    check_offset,
    check_span,
    coverage,
    disagreement_spans,
    excerpt,
    intersect_spans,
    merge_spans,
    pieces,
)

SMALL = st.integers(0, 40)
span_lists = st.lists(st.tuples(SMALL, SMALL).map(sorted).map(tuple), max_size=6)
span_sets = st.lists(span_lists, min_size=1, max_size=4)


def points(found: Iterable[tuple[int, int]]) -> set[int]:
    """Return the code points `found` covers: the oracle for unions, intersections and cuts."""
    return {point for start, end in found for point in range(start, end)}


def tidy(found: list[tuple[int, int]]) -> bool:
    """Return True when `found` is sorted, non-empty, and neither overlaps nor touches."""
    return all(s < e for s, e in found) and all(
        e < s2 for (_, e), (s2, _) in itertools.pairwise(found)
    )


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(spans_module).failed == 0


@pytest.mark.parametrize("name", ["check_offset", "check_span", "merge_spans"])
def test_code_that_imports_span_checks_from_coding_segments_keeps_working(name: str) -> None:
    assert getattr(segments_module, name) is getattr(spans_module, name)


# check_span and check_offset


def test_a_span_inside_the_text_comes_back_as_ints() -> None:
    assert check_span(10, np.int64(2), 10) == (2, 10)


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [
        (5, 3, ErrorCode.SPAN_REVERSED),
        (4, 4, ErrorCode.SPAN_EMPTY),
        (-1, 3, ErrorCode.SPAN_OUT_OF_RANGE),
        (2, 11, ErrorCode.SPAN_OUT_OF_RANGE),
        (1.0, 3, ErrorCode.OFFSET_NOT_INTEGER),
        (True, 3, ErrorCode.OFFSET_NOT_INTEGER),
        (1, "3", ErrorCode.OFFSET_NOT_INTEGER),
        (1, None, ErrorCode.OFFSET_NOT_INTEGER),
    ],
)
def test_a_bad_span_is_refused_with_its_code(start: object, end: object, error: ErrorCode) -> None:
    with pytest.raises(CodingError) as raised:
        check_span(10, start, end)
    assert raised.value.error is error


def test_an_out_of_range_span_says_how_long_the_text_is() -> None:
    with pytest.raises(CodingError, match="which is 10 characters long"):
        check_span(10, 2, 11)


@pytest.mark.parametrize("value", [False, 2.0, np.float64(1.0), "1"])
def test_an_offset_must_be_a_whole_number_and_not_a_boolean(value: object) -> None:
    with pytest.raises(CodingError) as raised:
        check_offset(value)
    assert raised.value.code == "OFFSET_NOT_INTEGER"


# merge_spans


@given(st.lists(st.tuples(SMALL, SMALL)))
def test_merged_spans_cover_exactly_the_union_and_neither_overlap_nor_touch(
    drawn: list[tuple[int, int]],
) -> None:
    merged = merge_spans(drawn)
    assert points(merged) == points(drawn)
    assert all(start < end for start, end in merged)
    assert all(left[1] < right[0] for left, right in itertools.pairwise(merged))


def test_touching_spans_merge_into_one() -> None:
    assert merge_spans([(3, 5), (0, 3)]) == [(0, 5)]


# coverage, intersections and disagreements, against sets of code points


@given(span_sets)
def test_intersection_is_the_points_every_set_covers(sets: list[list[tuple[int, int]]]) -> None:
    found = intersect_spans(sets)
    assert points(found) == set.intersection(*(points(s) for s in sets))
    assert tidy(found)


@given(span_sets)
def test_disagreement_is_the_points_some_but_not_all_sets_cover(
    sets: list[list[tuple[int, int]]],
) -> None:
    found = disagreement_spans(sets)
    covered = [points(s) for s in sets]
    assert points(found) == set.union(*covered) - set.intersection(*covered)
    assert tidy(found)


@given(span_sets)
def test_coverage_counts_each_point_once_per_set(sets: list[list[tuple[int, int]]]) -> None:
    for start, end, count in coverage(sets):
        for i in range(start, end):
            assert count == sum(i in points(s) for s in sets)
    assert points((s, e) for s, e, _ in coverage(sets)) == set.union(*(points(s) for s in sets))


def test_no_sets_agree_on_nothing() -> None:
    assert intersect_spans([]) == []
    assert disagreement_spans([]) == []


# pieces and excerpts


@given(st.text(max_size=30), span_lists)
def test_pieces_rebuild_the_text_and_mark_only_the_spans(
    words: str, found: list[tuple[int, int]]
) -> None:
    found = [(min(s, len(words)), min(e, len(words))) for s, e in found]
    runs = pieces(words, found)
    assert "".join(piece for piece, _ in runs) == words
    at, marked = 0, set()
    for piece, mark in runs:
        if mark:
            marked |= set(range(at, at + len(piece)))
        at += len(piece)
    assert marked == points(found)


def test_a_short_excerpt_is_the_text_of_the_span() -> None:
    assert excerpt("They took my passport.", (5, 9)) == "took"


@given(st.text(max_size=60), st.integers(2, 20))
def test_a_long_excerpt_keeps_within_the_limit_and_says_it_was_shortened(
    words: str, limit: int
) -> None:
    shown = excerpt(words, (0, len(words)), limit)
    if len(words) <= limit:
        assert shown == words
    else:
        assert len(shown) <= limit and shown.endswith("…")
        assert words.startswith(shown[:-1])
