"""Disclosure control: no small count is published, and no hidden count can be worked out."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import disclosure
from analysis.disclosure import suppress, suppress_with_margins
from tests.analysis import oracles
from tests.analysis.oracles import with_margins

THRESHOLDS = st.integers(2, 10)
# Small counts are over-represented so that most tables need suppression.
COUNTS = st.one_of(st.integers(0, 9), st.integers(0, 40))


@st.composite
def crosstabs(draw: st.DrawFn, max_side: int = 6) -> pd.DataFrame:
    """Draw a crosstab of 1 to `max_side` rows and columns."""
    n_rows, n_cols = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    cells = draw(st.lists(COUNTS, min_size=n_rows * n_cols, max_size=n_rows * n_cols))
    return pd.DataFrame(
        np.array(cells, dtype="int64").reshape(n_rows, n_cols),
        index=[f"group {i}" for i in range(n_rows)],
        columns=[f"answer {j}" for j in range(n_cols)],
    )


def frequencies(max_size: int = 6) -> st.SearchStrategy[pd.Series]:
    """Draw a frequency table of 1 to `max_size` answers."""
    return st.lists(COUNTS, min_size=1, max_size=max_size).map(
        lambda cells: pd.Series(cells, index=[f"answer {i}" for i in range(len(cells))])
    )


def published(table: pd.DataFrame | pd.Series, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the true table with totals, and which of its counts are hidden."""
    shown = suppress_with_margins(table, k)
    return with_margins(table.to_numpy()[None])[0], shown.isna().to_numpy()


def other_possible_values(table: pd.DataFrame | pd.Series, k: int) -> np.ndarray:
    """Return, per hidden count, whether another table fits everything published (brute force)."""
    _, hidden = published(table, k)
    return oracles.other_possible_values(table.to_numpy(), hidden)


@settings(max_examples=300)
@given(crosstabs(), THRESHOLDS)
def test_no_count_from_one_to_k_minus_one_is_published(table, k):
    truth, hidden = published(table, k)
    assert not ((truth > 0) & (truth < k) & ~hidden).any()


@settings(max_examples=300)
@given(st.one_of(crosstabs(), frequencies()), THRESHOLDS)
def test_published_counts_are_the_true_counts(table, k):
    truth, hidden = published(table, k)
    shown = suppress_with_margins(table, k).to_numpy(dtype="float64", na_value=np.nan)
    assert (shown[~hidden] == truth[~hidden]).all()


@settings(max_examples=300)
@given(st.one_of(crosstabs(), frequencies()), THRESHOLDS)
def test_zeros_are_always_published(table, k):
    truth, hidden = published(table, k)
    assert not (hidden & (truth == 0)).any()


@settings(max_examples=300)
@given(crosstabs(), THRESHOLDS)
def test_no_row_or_column_has_a_lone_hidden_count(table, k):
    _, hidden = published(table, k)
    per_line = [*hidden.sum(axis=1), *hidden.sum(axis=0)]
    assert all(count != 1 for count in per_line)


@settings(max_examples=300)
@given(frequencies(), THRESHOLDS)
def test_a_frequency_table_never_hides_a_lone_count(table, k):
    _, hidden = published(table, k)
    assert hidden.sum() != 1


@settings(max_examples=300)
@given(crosstabs(), THRESHOLDS)
def test_no_hidden_count_follows_from_the_published_totals(table, k):
    _, hidden = published(table, k)
    if not hidden.any():
        return
    # A hidden count is fixed by the line equations iff every solution of the
    # homogeneous system leaves it unchanged (the null space is zero there).
    assert not oracles.determined(hidden).any()


@settings(max_examples=200)
@given(crosstabs(max_side=3), THRESHOLDS)
def test_every_hidden_cross_count_has_another_possible_value(table, k):
    assert other_possible_values(table, k).all()


@settings(max_examples=200)
@given(frequencies(), THRESHOLDS)
def test_every_hidden_frequency_has_another_possible_value(table, k):
    assert other_possible_values(table, k).all()


@settings(max_examples=200)
@given(st.one_of(crosstabs(), frequencies()), THRESHOLDS)
def test_suppress_shows_the_cells_of_suppress_with_margins(table, k):
    full = suppress_with_margins(table, k)
    cells = full.iloc[:-1] if isinstance(table, pd.Series) else full.iloc[:-1, :-1]
    pd.testing.assert_frame_equal(
        pd.DataFrame(suppress(table, k)), pd.DataFrame(cells), check_names=False
    )


def test_a_frequency_table_hides_the_next_smallest_answer_beside_a_small_one():
    table = pd.Series({"paid": 12, "unpaid": 3, "debt": 20, "other": 8}, name="wages")
    shown = suppress(table, k=5)
    assert shown.isna().to_dict() == {"paid": False, "unpaid": True, "debt": False, "other": True}
    assert shown.dtype == "Int64" and shown.name == "wages"


def test_a_table_of_large_counts_is_published_untouched():
    table = pd.DataFrame({"paid": [20, 35], "unpaid": [15, 0]}, index=["men", "women"])
    shown = suppress_with_margins(table, k=5)
    assert not shown.isna().any().any()
    assert shown.loc["Total", "Total"] == 70


def test_a_small_cell_hides_the_smallest_cells_of_its_row_and_column():
    # (women, paid) = 2 is small. The cheapest cycle through it runs through the
    # smallest cell of its row (9), of its column (8) and the cell closing them (40).
    table = pd.DataFrame(
        {"paid": [2, 8, 30], "unpaid": [9, 40, 30], "debt": [30, 30, 30]},
        index=["women", "men", "other"],
    )
    shown = suppress_with_margins(table, k=5)
    hidden = {(row, col) for row, col in zip(*np.nonzero(shown.isna().to_numpy()), strict=True)}
    assert hidden == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_a_small_count_with_no_cell_to_pair_with_hides_its_totals():
    table = pd.DataFrame({"paid": [3], "unpaid": [0]}, index=["women"])
    shown = suppress_with_margins(table, k=5)
    assert shown.isna().to_numpy().tolist() == [[True, False, True], [True, False, True]]


def test_threshold_one_hides_nothing():
    table = pd.DataFrame({"paid": [1, 2], "unpaid": [0, 1]})
    assert not suppress(table, k=1).isna().any().any()


def test_an_empty_table_stays_empty():
    assert suppress(pd.Series([], dtype="int64"), k=5).empty


@pytest.mark.parametrize("k", [0, -3, 2.5, True, "5", None])
def test_a_threshold_that_is_not_a_whole_number_of_at_least_one_is_refused(k):
    with pytest.raises(ValueError, match="k must be a whole number"):
        suppress(pd.Series([10, 3]), k=k)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        pytest.param(pd.Series([10, -1]), "negative", id="negative"),
        pytest.param(pd.Series([10, 2.5]), "whole", id="fraction"),
        pytest.param(pd.Series([10, np.inf]), "whole", id="infinite"),
        pytest.param(pd.Series([10, np.nan]), "missing", id="nan"),
        pytest.param(pd.Series([10, None], dtype="Int64"), "missing", id="na"),
        pytest.param(pd.Series(["10", "3"]), "numbers", id="text"),
        pytest.param(pd.Series([True, False]), "numbers", id="booleans"),
        pytest.param(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), "numbers", id="text-column"),
    ],
)
def test_counts_that_are_not_whole_non_negative_numbers_are_refused(table, message):
    with pytest.raises(ValueError, match=message):
        suppress(table, k=5)


def test_a_table_that_is_not_a_dataframe_or_series_is_refused():
    with pytest.raises(TypeError, match="DataFrame or Series"):
        suppress([[10, 3]], k=5)


def test_a_total_label_that_is_already_a_label_is_refused():
    with pytest.raises(ValueError, match="already a label"):
        suppress_with_margins(pd.Series({"Total": 10, "other": 12}), k=5)


def test_the_examples_in_the_docstrings_are_true():
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    assert doctest.testmod(disclosure, optionflags=flags).failed == 0
