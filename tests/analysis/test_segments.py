"""Segments: long documents split at sensible places, offsets exact, shares added back up."""

from __future__ import annotations

import doctest
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import segments
from analysis.segments import (
    SegmentError,
    TextSegment,
    document_shares,
    group_shares,
    split_documents,
    word_spans,
)


def sentences(n: int, length: int = 10, end: str = ".") -> str:
    """Return n sentences of `length` numbered words each."""
    return " ".join(" ".join(f"w{i}x{j}" for j in range(length)) + end for i in range(n))


def test_the_module_examples_run() -> None:
    assert doctest.testmod(segments).failed == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [("No pay, no food.", ["No", "pay", "no", "food"]),
     ("mother-in-law's car", ["mother", "in", "law", "s", "car"]),
     ("مَرْحَبًا بِكُمْ؟", ["مَرْحَبًا", "بِكُمْ"]),
     ("pay😀food ❤️ 工作", ["pay", "food", "工作"])],
)  # fmt: skip
def test_words_are_letters_digits_and_marks(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in word_spans(text)] == expected


def test_paragraphs_split_at_blank_lines_only() -> None:
    text = "First line\nstill first paragraph here.\n\n  \nSecond paragraph has words too.\n"
    parts = split_documents([text], by="paragraph", min_words=1)
    assert [s.text for s in parts] == [
        "First line\nstill first paragraph here.",
        "Second paragraph has words too.",
    ]


def test_none_keeps_each_document_whole_but_trimmed() -> None:
    (segment,) = split_documents(["  one two three  "], by="none")
    assert (segment.start, segment.end, segment.text) == (2, 15, "one two three")


@pytest.mark.parametrize("end", [".", "!", "?", "؟", "。"])
def test_windows_are_cut_at_sentence_ends(end: str) -> None:
    text = sentences(30, end=end)  # 300 words in sentences of 10
    parts = split_documents([text], by="window", window=100)
    assert len(parts) == 3
    assert all(s.text.endswith(end) for s in parts)
    assert [s.n_words for s in parts] == [100, 100, 100]


def test_a_window_without_sentence_ends_is_cut_between_words() -> None:
    text = " ".join(f"w{i}" for i in range(300))
    parts = split_documents([text], by="window", window=100)
    assert [s.n_words for s in parts] == [100, 100, 100]


def test_windows_prefer_the_nearest_sentence_end_over_the_exact_count() -> None:
    text = sentences(1, length=93) + " " + sentences(1, length=107)
    parts = split_documents([text], by="window", window=100)
    assert [s.n_words for s in parts] == [93, 107]


def test_auto_keeps_short_documents_whole() -> None:
    text = "Para one is here.\n\nPara two is here."
    assert len(split_documents([text], window=150)) == 1


def test_auto_splits_long_documents_by_paragraph_and_windows_long_paragraphs() -> None:
    text = sentences(8) + "\n\n" + sentences(40)  # 80 words, then 400 words
    parts = split_documents([text], window=100)
    assert [s.n_words for s in parts] == [80, 100, 100, 100, 100]


def test_auto_uses_turns_when_given() -> None:
    first, second = sentences(10), sentences(8)
    text = f"A: {first}\nB: {second}"
    turns = [[(3, 3 + len(first)), (len(first) + 7, len(text))]]
    parts = split_documents([text], turns=turns, window=150)
    assert [s.text for s in parts] == [first, second]


def test_short_segments_merge_into_the_one_before() -> None:
    text = "One two three four five six.\n\nYes.\n\nSeven eight nine ten eleven."
    parts = split_documents([text], by="paragraph", min_words=5)
    assert [s.text for s in parts] == [
        "One two three four five six.\n\nYes.",
        "Seven eight nine ten eleven.",
    ]


def test_a_short_first_segment_merges_into_the_next() -> None:
    text = "Hello.\n\nOne two three four five six."
    (segment,) = split_documents([text], by="paragraph", min_words=5)
    assert segment.text == text


def test_a_short_document_is_kept_and_an_empty_one_has_no_segment() -> None:
    parts = split_documents(["Yes.", "", "  ...  "], by="paragraph", min_words=5)
    assert [(s.document, s.text) for s in parts] == [(0, "Yes.")]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"by": "sentence"}, "segments.unknown_by"), ({"window": 0}, "segments.bad_size"),
     ({"by": "turns"}, "segments.no_turns"), ({"turns": [[]]}, "segments.turns_mismatch"),
     ({"turns": [[(0, 3)], [(2, 1)]]}, "segments.bad_turn")],
)  # fmt: skip
def test_impossible_settings_are_refused_with_a_stable_code(kwargs: dict, code: str) -> None:
    with pytest.raises(SegmentError) as caught:
        split_documents(["one two", "three four"], **kwargs)
    assert caught.value.code == code


TEXT = st.text(
    alphabet=st.sampled_from([*"ab c.!?\n\n  é؟😀-'", "م", "\u064e", "工"]), max_size=400
)


@given(st.lists(TEXT, min_size=1, max_size=3), st.sampled_from(segments.SPLITTERS[:4]),
       st.integers(1, 30), st.integers(0, 6))  # fmt: skip
def test_segments_are_exact_ordered_disjoint_and_cover_every_word(texts, by, window, min_words):
    parts = split_documents(texts, by=by, window=window, min_words=min_words)
    for document, text in enumerate(texts):
        mine = [s for s in parts if s.document == document]
        assert all(text[s.start : s.end] == s.text for s in mine)
        assert all(a.end <= b.start for a, b in itertools.pairwise(mine))
        covered = [any(s.start <= a and b <= s.end for s in mine) for a, b in word_spans(text)]
        assert all(covered)
    assert [s.document for s in parts] == sorted(s.document for s in parts)


def test_document_shares_are_the_word_weighted_mean_of_segment_shares() -> None:
    parts = [
        TextSegment(0, 0, 9, "one two three"),
        TextSegment(0, 10, 13, "four"),
        TextSegment(2, 0, 3, "six"),
    ]
    weights = np.array([[2.0, 2.0], [0.0, 5.0], [0.0, 0.0]])
    shares = document_shares(parts, weights, 3)
    # document 0: (3 * [0.5, 0.5] + 1 * [0, 1]) / 4; documents 1 and 2 have no scored text
    assert np.allclose(shares, [[0.375, 0.625], [0, 0], [0, 0]])


@given(st.integers(1, 6), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_document_shares_rows_sum_to_one_or_zero(n_documents, k, seed) -> None:
    rng = np.random.default_rng(seed)
    parts = [
        TextSegment(int(d), 0, 1, "w " * int(rng.integers(1, 5)))
        for d in rng.integers(0, n_documents, size=8)
    ]
    weights = rng.random((8, k)) * (rng.random((8, 1)) > 0.3)
    sums = document_shares(parts, weights, n_documents).sum(axis=1)
    assert np.all(np.isclose(sums, 1) | np.isclose(sums, 0))


@pytest.mark.parametrize(
    ("weights", "code"),
    [(np.ones((1, 2)), "segments.weights_mismatch"), (-np.ones((2, 2)), "segments.bad_weights")],
)
def test_weights_that_do_not_fit_are_refused(weights: np.ndarray, code: str) -> None:
    parts = [TextSegment(0, 0, 1, "a"), TextSegment(0, 2, 3, "b")]
    with pytest.raises(SegmentError) as caught:
        document_shares(parts, weights, 1)
    assert caught.value.code == code


def test_group_shares_match_a_pandas_groupby_on_random_data() -> None:
    rng = np.random.default_rng(3)
    shares = rng.dirichlet(np.ones(4), size=60)
    shares[rng.random(60) < 0.2] = 0  # documents without text
    groups = list(rng.choice(["women", "men", "prefer_not_to_say"], size=60).astype(object))
    groups[0] = None
    table = group_shares(shares, groups)
    frame = pd.DataFrame(shares).assign(group=groups)
    frame = frame[(frame[[0, 1, 2, 3]].sum(axis=1) > 0) & frame["group"].notna()]
    expected = frame.groupby("group")[[0, 1, 2, 3]].mean()
    assert np.allclose(table[[0, 1, 2, 3]].to_numpy(), expected.to_numpy())
    assert list(table.index) == list(expected.index)
    assert list(table["n"]) == list(frame.groupby("group").size())


def test_group_shares_refuse_a_group_list_of_the_wrong_length() -> None:
    with pytest.raises(SegmentError) as caught:
        group_shares(np.ones((3, 2)) / 2, ["a", "b"])
    assert caught.value.code == "segments.groups_mismatch"
