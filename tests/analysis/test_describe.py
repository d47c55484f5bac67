"""Descriptives: counts agree with pandas where shown, and nothing small is published."""

from __future__ import annotations

import doctest

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis import describe
from analysis.describe import NON_ANSWERS, crosstab, frequencies
from analysis.disclosure import ProtectionError
from tests.analysis.oracles import bounds

ANSWERS = ["paid"] * 12 + ["unpaid"] * 3 + ["debt"] * 20 + ["skipped"] * 6 + ["dont_know"] * 2
CODES = st.sampled_from(["paid", "unpaid", "debt", "other", *NON_ANSWERS])


def assert_published_counts_match(shown: pd.Series, truth: pd.Series, k: int) -> None:
    """Check each published count equals pandas' count and is 0 or at least k."""
    published = shown.dropna()
    assert (published.astype(int) == truth.reindex(published.index, fill_value=0)).all()
    assert ((published == 0) | (published >= k)).all()


def test_the_examples_in_the_docstrings_run() -> None:
    assert doctest.testmod(describe).failed == 0


def test_frequencies_publish_pandas_counts_only_where_safe() -> None:
    table = frequencies(ANSWERS, k=5).set_index("value")
    assert_published_counts_match(table["count"], pd.Series(ANSWERS).value_counts(), k=5)
    assert table["count"].isna().sum() >= 2


def test_frequencies_list_non_answers_last_and_mark_them() -> None:
    table = frequencies(ANSWERS, k=1)
    assert list(table["value"]) == ["debt", "paid", "unpaid", "dont_know", "skipped"]
    assert list(table["non_answer"]) == [False, False, False, True, True]


def test_frequencies_follow_the_order_of_labels_and_list_unused_labelled_values() -> None:
    labels = {"unpaid": "Not paid", "none": "Nothing", "paid": "Paid"}
    table = frequencies(ANSWERS, labels=labels, k=1)
    assert list(table["value"][:4]) == ["unpaid", "none", "paid", "debt"]
    assert list(table["label"][:4]) == ["Not paid", "Nothing", "Paid", "debt"]
    assert table["count"][1] == 0


def test_percent_is_of_answers_and_leaves_non_answers_out() -> None:
    table = frequencies(ANSWERS, k=1).set_index("value")
    assert table.loc["paid", "percent"] == pytest.approx(100 * 12 / 35)
    assert table.loc[["skipped", "dont_know"], "percent"].isna().all()
    assert table.attrs["percent_base_complete"]


def test_percent_is_hidden_with_its_count_and_its_base_gives_nothing_away() -> None:
    table = frequencies(ANSWERS, k=5)
    answers = table[~table["non_answer"]]
    assert (answers["count"].isna() == answers["percent"].isna()).all()
    # The base is what anyone can add up from the published answer counts.
    assert table.attrs["percent_base"] == answers["count"].sum() == 32
    assert not table.attrs["percent_base_complete"]
    assert answers["percent"].sum() == pytest.approx(100)


def test_crosstab_publishes_pandas_counts_only_where_safe() -> None:
    rows = ["man"] * 20 + ["woman"] * 15 + ["other"] * 9
    columns = ["paid"] * 10 + ["unpaid"] * 10 + ["paid"] * 12 + ["unpaid"] * 3 + ["paid"] * 9
    table = crosstab(rows, columns, k=5, margins=False)
    truth = pd.crosstab(pd.Series(rows), pd.Series(columns)).stack()
    assert_published_counts_match(table.stack(), truth, k=5)
    assert table.isna().any().any()


def test_crosstab_totals_are_suppressed_with_the_cells() -> None:
    rows, columns = ["a"] * 20 + ["b"] * 3, ["x"] * 10 + ["y"] * 13
    table = crosstab(rows, columns, k=5)
    assert list(table.index) == ["a", "b", "Total"]
    shown = table.stack().dropna()
    assert ((shown == 0) | (shown >= 5)).all()


def test_crosstab_uses_labels_in_their_order_and_puts_non_answers_last() -> None:
    rows = ["skipped", "b", "a", "a"]
    table = crosstab(rows, ["x"] * 4, k=1, row_labels={"b": "Bee"}, margins=False)
    assert list(table.index) == ["Bee", "a", "skipped"]
    assert list(table["x"]) == [1, 2, 1]


@pytest.mark.parametrize("k", [0, -1, 2.5, True])
def test_a_threshold_below_one_or_not_whole_is_refused(k: object) -> None:
    with pytest.raises(ValueError, match="k must be"):
        frequencies(ANSWERS, k=k)
    with pytest.raises(ValueError, match="k must be"):
        crosstab(["a"], ["b"], k=k)


def test_the_threshold_must_be_given() -> None:
    with pytest.raises(TypeError, match="'k'"):
        frequencies(ANSWERS)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="'k'"):
        crosstab(["a"], ["b"])  # type: ignore[call-arg]


def test_crosstab_refuses_rows_and_columns_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="same length, not 3 and 2"):
        crosstab(["a", "b", "c"], ["x", "y"], k=5)


@pytest.mark.parametrize("blank", [None, float("nan")])
def test_a_blank_value_is_refused(blank: object) -> None:
    with pytest.raises(ValueError, match="non-answer code"):
        frequencies(["paid", blank], k=5)


def test_two_values_with_one_label_are_refused() -> None:
    with pytest.raises(ValueError, match="share a label"):
        crosstab(["a", "b"], ["x", "x"], k=1, row_labels={"a": "Same", "b": "Same"})


@settings(max_examples=60, deadline=None)
@given(values=st.lists(CODES, max_size=60), k=st.integers(1, 8))
def test_random_frequencies_agree_with_pandas_and_hide_small_counts(values, k) -> None:
    table = frequencies(values, k=k)
    assert_published_counts_match(
        table.set_index("value")["count"], pd.Series(values, dtype=object).value_counts(), k
    )
    marked = list(table["non_answer"])
    assert marked == sorted(marked)  # answers first, then non-answers
    assert marked == [value in NON_ANSWERS for value in table["value"]]


@settings(max_examples=60, deadline=None)
@given(pairs=st.lists(st.tuples(CODES, st.sampled_from("xyz")), min_size=1, max_size=60))
def test_random_crosstabs_agree_with_pandas_and_hide_small_counts(pairs) -> None:
    rows, columns = zip(*pairs, strict=True)
    table = crosstab(rows, columns, k=4, margins=False)
    truth = pd.crosstab(pd.Series(rows), pd.Series(columns)).stack()
    assert_published_counts_match(table.stack(), truth, k=4)


def _published(values: pd.Series) -> list[int | None]:
    return [None if pd.isna(v) else int(v) for v in values]


@settings(max_examples=80, deadline=None)
@given(
    counts=st.lists(
        st.lists(st.sampled_from([0, 0, 1, 2, 3, 4, 6, 8, 12, 20]), min_size=3, max_size=3),
        min_size=2,
        max_size=4,
    )
)
def test_a_crosstab_beside_both_frequency_tables_gives_no_hidden_cell_away(counts) -> None:
    k = 5
    rows = [f"r{i}" for i, line in enumerate(counts) for j, n in enumerate(line) for _ in range(n)]
    columns = [f"c{j}" for line in counts for j, n in enumerate(line) for _ in range(n)]
    assume(len(rows) >= k)
    row_freq = frequencies(rows, k=k).set_index("value")["count"]
    column_freq = frequencies(columns, k=k).set_index("value")["count"]
    try:
        table = crosstab(rows, columns, k=k, published=("rows", "columns"))
    except ProtectionError:
        return  # refusing to publish is always safe
    inner = table.iloc[:-1, :-1]
    truth = pd.crosstab(pd.Series(rows), pd.Series(columns)).reindex(
        index=inner.index, columns=inner.columns, fill_value=0
    )
    row_totals = _published(row_freq.reindex(inner.index))
    column_totals = _published(column_freq.reindex(inner.columns))
    assert _published(table.iloc[:-1, -1]) == row_totals  # the same totals as the frequencies
    assert _published(table.iloc[-1, :-1]) == column_totals
    cells = [_published(line) for _, line in inner.iterrows()]
    for i, line in enumerate(cells):
        for j, value in enumerate(line):
            if value is None:
                low, high = bounds(truth.to_numpy(), row_totals, column_totals, cells, i, j)
                assert high - low > 0.5, (i, j, table)


def test_a_crosstab_whose_small_cell_the_frequencies_would_give_away_is_refused() -> None:
    # r0: 12 x c0; r1: 4 x c0 and 20 x c1. The frequency tables show 12 and 24, 16 and 20.
    rows, columns = ["r0"] * 12 + ["r1"] * 24, ["c0"] * 12 + ["c0"] * 4 + ["c1"] * 20
    assert frequencies(rows, k=5)["count"].tolist() == [12, 24]

    free = crosstab(rows, columns, k=5)
    # Without `published`, r0's total is hidden here but shown as a frequency: r0/c0 is then
    # 12 - 0, and the column total gives r1/c0 = 16 - 12 = 4, a count under 5.
    assert free.loc["r0", "c1"] == 0 and free.loc["r1", "c0"] is pd.NA
    assert free.loc["Total", "c0"] - 12 == 4

    with pytest.raises(ProtectionError):
        crosstab(rows, columns, k=5, published=("rows", "columns"))


def test_published_totals_are_hidden_in_the_crosstab_exactly_as_in_the_frequencies() -> None:
    rows = ["a"] + ["b"] * 3 + ["c"] * 7
    columns = ["y"] + ["y"] * 3 + ["x"] * 6 + ["y"]
    shown = frequencies(rows, k=5)["count"]  # a and b hidden (1 and 3); c shown (7)
    assert crosstab(rows, columns, k=5)["Total"].iloc[:-1].isna().all()  # c hidden too, freely

    table = crosstab(rows, columns, k=5, published=("rows",))

    assert _published(table["Total"].iloc[:-1]) == _published(shown) == [None, None, 7]
