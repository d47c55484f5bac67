"""Krippendorff's alpha reproduces published values and the krippendorff package, and fails clearly.

Published coefficients come from ../shared/data/reliability/published.json and
must match to the precision they were published with.
"""

from __future__ import annotations

import doctest
import json
import math
from decimal import Decimal
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest

from coding import _alpha, agreement, units
from coding.agreement import (
    cohen_kappa,
    cohen_kappa_table,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
    percent_agreement_table,
)

PUBLISHED = Path(__file__).resolve().parents[2].parent / "shared/data/reliability/published.json"
LEVELS = ("nominal", "ordinal", "interval", "ratio")
SEEDS = range(15)

COMPUTE = {
    "alpha_nominal": lambda dataset: krippendorff_alpha(dataset["data"], "nominal"),
    "alpha_ordinal": lambda dataset: krippendorff_alpha(dataset["data"], "ordinal"),
    "alpha_interval": lambda dataset: krippendorff_alpha(dataset["data"], "interval"),
    "alpha_ratio": lambda dataset: krippendorff_alpha(dataset["data"], "ratio"),
    "cohen_kappa": lambda dataset: cohen_kappa_table(dataset["table"]),
    "cohen_kappa_linear_weighted": lambda dataset: cohen_kappa_table(dataset["table"], "linear"),
    "percent_agreement": lambda dataset: percent_agreement_table(dataset["table"]),
    "fleiss_kappa": lambda dataset: fleiss_kappa(dataset["table"]),
}

# The same statistics from the ratings behind a contingency table (rater A, rater B).
FROM_RATINGS = {
    "cohen_kappa": lambda a, b: cohen_kappa(a, b),
    "cohen_kappa_linear_weighted": lambda a, b: cohen_kappa(a, b, "linear"),
    "percent_agreement": lambda a, b: percent_agreement([a, b]),
}


def published_cases(statistics: object = None) -> list:
    """Return one case per published coefficient, or one case that skips when the data is absent."""
    if not PUBLISHED.is_file():
        return [pytest.param(None, None, None, id="published-data-absent")]
    datasets = json.loads(PUBLISHED.read_text(encoding="utf-8"))["datasets"]
    exact = json.loads(PUBLISHED.read_text(encoding="utf-8"), parse_float=Decimal)["datasets"]
    return [
        pytest.param(dataset, statistic, expected, id=f"{dataset['id']}-{statistic}")
        for dataset, precise in zip(datasets, exact)
        for statistic, expected in precise["expected"].items()
        if statistics is None or statistic in statistics
    ]


def assert_matches_published(value: float, expected: Decimal) -> None:
    """Assert `value` rounds to `expected` at the number of decimals it was published with."""
    places = -expected.as_tuple().exponent
    assert round(value, places) == pytest.approx(float(expected), abs=1e-12), (value, expected)


def ratings_from_table(table: list[list[int]]) -> tuple[list[int], list[int]]:
    """Return rater A's and rater B's category per item, expanded from a contingency table."""
    a, b = [], []
    for row, counts in enumerate(table):
        for column, count in enumerate(counts):
            a += [row] * count
            b += [column] * count
    return a, b


@pytest.mark.parametrize(("dataset", "statistic", "expected"), published_cases())
def test_each_published_coefficient_is_reproduced_to_its_published_precision(
    dataset, statistic, expected
):
    if dataset is None:
        pytest.skip(f"shared reference data not found at {PUBLISHED}")
    assert statistic in COMPUTE, f"no computation for the published statistic {statistic!r}"
    assert_matches_published(COMPUTE[statistic](dataset), expected)


@pytest.mark.parametrize(("dataset", "statistic", "expected"), published_cases(FROM_RATINGS))
def test_published_table_coefficients_are_reproduced_from_the_ratings_behind_the_table(
    dataset, statistic, expected
):
    if dataset is None:
        pytest.skip(f"shared reference data not found at {PUBLISHED}")
    a, b = ratings_from_table(dataset["table"])
    assert_matches_published(FROM_RATINGS[statistic](a, b), expected)


def random_reliability_data(seed: int, values: np.ndarray) -> np.ndarray:
    """Return coders x units drawn from `values`, with up to 40% missing, and alpha defined."""
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(2, 7)), int(rng.integers(5, 80)))
    data = rng.choice(values, size=shape).astype(float)
    data[rng.random(shape) < rng.uniform(0, 0.4)] = np.nan
    # Two coders give two different values to the first unit: the package needs
    # a pairable unit and two values, or it raises.
    data[:2, 0] = values[:2]
    return data


def integer_data(seed: int) -> np.ndarray:
    """Return random integer ratings on a scale of 2 to 7 points (1 upwards)."""
    points = int(np.random.default_rng(seed + 1000).integers(2, 8))
    return random_reliability_data(seed, np.arange(1, points + 1))


def float_data(seed: int) -> np.ndarray:
    """Return random positive float ratings, some values repeated."""
    return random_reliability_data(seed, np.random.default_rng(seed + 2000).uniform(0, 10, 40))


def continuous_data(seed: int) -> np.ndarray:
    """Return random floats, nearly all distinct, with zeros and missing values."""
    rng = np.random.default_rng(seed)
    data = rng.uniform(0, 100, size=(int(rng.integers(2, 6)), int(rng.integers(5, 120))))
    data[rng.random(data.shape) < 0.1] = 0.0
    data[rng.random(data.shape) < 0.2] = np.nan
    data[:2, 0] = [1.0, 2.0]
    return data


@pytest.mark.parametrize("make", [integer_data, float_data, continuous_data])
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", SEEDS)
def test_alpha_equals_the_krippendorff_package_on_random_data_with_missing_values(
    seed, level, make
):
    data = make(seed)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("dense_ratio", [0, 10**9])
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", range(5))
def test_alpha_is_the_same_whether_cells_are_counted_dense_or_sorted(
    seed, level, dense_ratio, monkeypatch
):
    monkeypatch.setattr(_alpha, "DENSE_RATIO", dense_ratio)
    data = integer_data(seed)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("level", LEVELS)
def test_a_block_boundary_in_ratio_expected_disagreement_changes_nothing(level, monkeypatch):
    data = continuous_data(3)
    before = krippendorff_alpha(data, level)
    monkeypatch.setattr(_alpha, "RATIO_BLOCK", 7)
    assert krippendorff_alpha(data, level) == pytest.approx(before, abs=1e-12)


@pytest.mark.parametrize("with_domain", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_nominal_alpha_on_labels_equals_the_krippendorff_package(seed, with_domain):
    labels = np.array(["forced labour", "debt", "passport", "threats", "none"])
    indices = random_reliability_data(seed, np.arange(labels.size))
    theirs = [[labels[int(v)] if v == v else np.nan for v in row] for row in indices]
    ours = [[labels[int(v)] if v == v else None for v in row] for row in indices]
    domain = sorted(labels) if with_domain else None
    expected = krippendorff.alpha(
        reliability_data=theirs, value_domain=domain, level_of_measurement="nominal"
    )
    assert krippendorff_alpha(ours, "nominal") == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("level", LEVELS)
def test_a_list_with_none_a_dataframe_and_an_array_with_nan_give_the_same_alpha(level):
    data = integer_data(7)
    as_list = [[None if np.isnan(v) else int(v) for v in row] for row in data]
    frame = pd.DataFrame(data).astype("Int64")
    expected = krippendorff_alpha(data, level)
    assert krippendorff_alpha(as_list, level) == pytest.approx(expected, abs=1e-12)
    assert krippendorff_alpha(frame, level) == pytest.approx(expected, abs=1e-12)


def test_units_with_a_single_value_do_not_change_alpha():
    data = integer_data(4)
    lonely = np.full((data.shape[0], 3), np.nan)
    lonely[0] = [1, 2, 3]
    assert krippendorff_alpha(np.hstack([data, lonely]), "interval") == pytest.approx(
        krippendorff_alpha(data, "interval"), abs=1e-12
    )


@pytest.mark.parametrize(
    "data",
    [
        pytest.param([[None, None], [None, None]], id="all-missing"),
        pytest.param([[1, 2, 3]], id="one-coder"),
        pytest.param([[1, None, 3], [None, 2, None]], id="no-unit-coded-twice"),
        pytest.param([[1, 1, 1], [1, 1, 1]], id="one-value-only"),
        pytest.param([[1, 1, 5], [1, 1, None]], id="one-value-among-pairable-units"),
    ],
)
@pytest.mark.parametrize("level", LEVELS)
def test_data_with_nothing_to_compare_gives_nan_without_a_warning(data, level):
    assert math.isnan(krippendorff_alpha(data, level))


def test_percent_agreement_is_nan_when_no_unit_was_coded_twice():
    assert math.isnan(percent_agreement([[1, None], [None, 2]]))


@pytest.mark.parametrize(
    ("data", "level", "message"),
    [
        pytest.param([], "nominal", "2-D", id="empty-list"),
        pytest.param([[], []], "nominal", "empty", id="no-units"),
        pytest.param(np.empty((0, 4)), "nominal", "empty", id="no-coders"),
        pytest.param([1, 2, 3], "nominal", "2-D", id="one-dimensional"),
        pytest.param([[1, 2, 3], [1, 2]], "nominal", "2-D", id="ragged"),
        pytest.param([[1, 2], [1, 2]], "cardinal", "unknown level", id="unknown-level"),
        pytest.param(
            [["a", "b"], ["a", "a"]], "interval", "needs numbers", id="labels-at-interval"
        ),
        pytest.param([[1, -2], [1, 2]], "ratio", "0 or more", id="negative-ratio"),
        pytest.param([[1, np.inf], [1, 2]], "interval", "finite", id="infinity"),
    ],
)
def test_bad_reliability_data_raises_a_clear_value_error(data, level, message):
    with pytest.raises(ValueError, match=message):
        krippendorff_alpha(data, level)


@pytest.mark.parametrize("module", [agreement, units])
def test_the_examples_in_the_docstrings_are_true(module):
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    assert doctest.testmod(module, optionflags=flags).failed == 0
