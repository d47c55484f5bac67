"""Cohen's kappa equals scikit-learn's, Fleiss agrees with alpha, percent agreement adds up."""

from __future__ import annotations

import math
from itertools import permutations

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from coding.agreement import (
    cohen_kappa,
    cohen_kappa_table,
    fleiss_kappa,
    percent_agreement,
    percent_agreement_table,
)

SEEDS = range(20)
WEIGHTS = (None, "linear", "quadratic")


def random_pair(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return two raters' categories (1 to k) that agree more often than chance."""
    rng = np.random.default_rng(seed)
    size, points = int(rng.integers(10, 200)), int(rng.integers(2, 7))
    a = rng.integers(1, points + 1, size)
    b = np.where(rng.random(size) < 0.6, a, rng.integers(1, points + 1, size))
    return a, b


@pytest.mark.parametrize("weights", WEIGHTS)
@pytest.mark.parametrize("seed", SEEDS)
def test_cohen_kappa_equals_scikit_learn(seed, weights):
    a, b = random_pair(seed)
    expected = cohen_kappa_score(a, b, weights=weights)
    assert cohen_kappa(a, b, weights) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("weights", WEIGHTS)
@pytest.mark.parametrize("seed", range(5))
def test_cohen_kappa_drops_pairs_with_a_missing_rating(seed, weights):
    a, b = random_pair(seed)
    missing = np.random.default_rng(seed).random((2, a.size)) < 0.2
    with_gaps_a = [None if gap else int(v) for v, gap in zip(a, missing[0])]
    with_gaps_b = [np.nan if gap else float(v) for v, gap in zip(b, missing[1])]
    complete = ~(missing[0] | missing[1])
    expected = cohen_kappa_score(a[complete], b[complete], weights=weights)
    assert cohen_kappa(with_gaps_a, with_gaps_b, weights) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_cohen_kappa_on_labels_equals_scikit_learn(seed):
    a, b = random_pair(seed)
    names = np.array(["", "debt", "threats", "passport", "wages", "isolation", "violence"])
    expected = cohen_kappa_score(names[a], names[b])
    assert cohen_kappa(list(names[a]), list(names[b])) == pytest.approx(expected, abs=1e-9)


def test_weighted_kappa_orders_labels_with_numbers_naturally():
    scale = ["1 never", "2 rarely", "10 always"]
    a = ["1 never", "2 rarely", "10 always", "2 rarely", "1 never"]
    b = ["2 rarely", "2 rarely", "10 always", "10 always", "1 never"]
    index = {label: position for position, label in enumerate(scale)}
    expected = cohen_kappa_score([index[x] for x in a], [index[x] for x in b], weights="linear")
    assert cohen_kappa(a, b, "linear") == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("weights", WEIGHTS)
def test_kappa_from_ratings_equals_kappa_from_their_contingency_table(weights):
    a, b = random_pair(3)
    categories = np.union1d(a, b)
    table = [[int(np.sum((a == r) & (b == c))) for c in categories] for r in categories]
    assert cohen_kappa_table(table, weights) == pytest.approx(cohen_kappa(a, b, weights), abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_fleiss_kappa_agrees_with_krippendorffs_alpha_on_complete_data(seed):
    # For complete data both share the observed agreement, and alpha's expected
    # disagreement carries the small-sample factor n / (n - 1), n being the number
    # of ratings: nominal alpha = 1 - (n - 1) / n * (1 - Fleiss' kappa).
    rng = np.random.default_rng(seed)
    raters, subjects, categories = int(rng.integers(2, 8)), int(rng.integers(5, 60)), 4
    ratings = rng.integers(0, categories, (raters, subjects))
    counts = np.stack([np.sum(ratings == c, axis=0) for c in range(categories)], axis=1)
    n = ratings.size
    alpha = krippendorff.alpha(reliability_data=ratings, level_of_measurement="nominal")
    assert 1 - (n - 1) / n * (1 - fleiss_kappa(counts)) == pytest.approx(alpha, abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_fleiss_kappa_equals_statsmodels(seed):
    from statsmodels.stats import inter_rater

    counts = np.random.default_rng(seed).multinomial(6, [0.2, 0.5, 0.3], size=30)
    expected = inter_rater.fleiss_kappa(counts)
    assert fleiss_kappa(counts) == pytest.approx(expected, abs=1e-9)


def reference_percent_agreement(data: list[list[object]]) -> float:
    """Average, over pairable values, the share of the other values in the unit that match it."""
    matched = values = 0.0
    for unit in zip(*data):
        present = [value for value in unit if value is not None]
        if len(present) < 2:
            continue
        for value, other in permutations(present, 2):
            matched += (value == other) / (len(present) - 1)
        values += len(present)
    return matched / values


@pytest.mark.parametrize("seed", SEEDS)
def test_percent_agreement_averages_pairwise_matches_over_pairable_values(seed):
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(2, 6)), int(rng.integers(3, 40)))
    raw = rng.integers(0, 3, shape)
    gaps = rng.random(shape) < 0.3
    data = [
        [None if gap else int(v) for v, gap in zip(row, holes)] for row, holes in zip(raw, gaps)
    ]
    data[0][0], data[1][0] = 1, 1  # one pairable unit at least
    assert percent_agreement(data) == pytest.approx(reference_percent_agreement(data), abs=1e-12)


def test_percent_agreement_of_two_complete_coders_is_the_share_of_units_they_agree_on():
    a, b = random_pair(1)
    assert percent_agreement([a, b]) == pytest.approx(np.mean(a == b), abs=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(lambda: cohen_kappa([1, 2, 3], [1, 2]), "different numbers", id="lengths"),
        pytest.param(lambda: cohen_kappa([], []), "empty", id="empty"),
        pytest.param(lambda: cohen_kappa([[1, 2]], [[1, 2]]), "one-dimensional", id="2-D"),
        pytest.param(lambda: cohen_kappa([1, 2], [1, 2], "cubic"), "unknown weights", id="weights"),
        pytest.param(lambda: cohen_kappa_table([[1, 2, 3], [4, 5, 6]]), "square", id="not-square"),
        pytest.param(lambda: cohen_kappa_table([]), "2-D", id="empty-table"),
        pytest.param(lambda: cohen_kappa_table([[1, -1], [0, 2]]), "whole counts", id="negative"),
        pytest.param(lambda: cohen_kappa_table([[1.5, 1], [0, 2]]), "whole counts", id="fraction"),
        pytest.param(lambda: cohen_kappa_table([[1, None], [0, 2]]), "whole counts", id="missing"),
        pytest.param(lambda: cohen_kappa_table([["a", 1], [0, 2]]), "counts", id="labels"),
        pytest.param(lambda: percent_agreement_table([[1, 2]]), "square", id="pa-not-square"),
        pytest.param(lambda: fleiss_kappa([[2, 1], [1, 1]]), "same number of raters", id="rows"),
        pytest.param(lambda: fleiss_kappa([[1, 0], [0, 1]]), "at least 2 raters", id="one-rater"),
        pytest.param(lambda: fleiss_kappa([[]]), "empty", id="fleiss-empty"),
        pytest.param(lambda: fleiss_kappa([3, 3]), "2-D", id="fleiss-1-D"),
    ],
)
def test_bad_input_raises_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: cohen_kappa([None, 1], [2, None]), id="no-complete-pair"),
        pytest.param(lambda: cohen_kappa([1, 1, 1], [1, 1, 1]), id="one-category"),
        pytest.param(lambda: cohen_kappa_table([[0, 0], [0, 0]]), id="no-items"),
        pytest.param(lambda: cohen_kappa_table([[5]], "quadratic"), id="one-by-one"),
        pytest.param(lambda: percent_agreement_table([[0, 0], [0, 0]]), id="pa-no-items"),
        pytest.param(lambda: fleiss_kappa([[3, 0], [3, 0]]), id="fleiss-one-category"),
    ],
)
def test_nothing_to_compare_gives_nan_without_a_warning(call):
    assert math.isnan(call())
