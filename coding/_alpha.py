"""Internals of :mod:`coding.agreement`: reliability data and the coincidence matrix.

Krippendorff's alpha is computed from the coincidence matrix ``o[c, k]``: each
ordered pair of values ``(c, k)`` given by two different coders to the same
unit adds ``1 / (m_u - 1)``, where ``m_u`` is the number of values in unit
``u``. Its marginals ``n_c`` count the pairable values. Then

    alpha = 1 - (n - 1) * sum(o[c, k] * delta[c, k]) / sum(n_c * n_k * delta[c, k])

(Krippendorff 2011, "Computing Krippendorff's alpha-reliability").

The matrix is kept sparse (three arrays: value ``c``, value ``k``, weight) so
that data with many distinct values (continuous ratings) never needs a
``V x V`` array, and everything is vectorised over units.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

LEVELS = ("nominal", "ordinal", "interval", "ratio")

# Counting (unit, value) cells with bincount over all N x V of them is cheaper
# than sorting the values with np.unique while N x V is at most this many times
# the number of values (few distinct values); both give the same sorted cells.
DENSE_RATIO = 4

# Rows of the V x V expected-disagreement block for ratio data, to bound memory.
RATIO_BLOCK = 512


def as_table(data: object, what: str) -> np.ndarray:
    """Return `data` as a non-empty 2-D array, or raise ValueError naming `what`."""
    if isinstance(data, pd.DataFrame):
        array = data.to_numpy()
    elif isinstance(data, np.ndarray):
        array = data
    else:
        # dtype=object keeps None and NaN as missing; a plain np.asarray would
        # turn NaN among strings into the string "nan".
        array = np.asarray(data, dtype=object)
    if array.ndim != 2:
        raise ValueError(f"{what} must be a rectangular 2-D table; got {array.ndim} dimension(s)")
    if array.size == 0:
        raise ValueError(f"{what} is empty (shape {array.shape}): there is nothing to compare")
    return array


def missing_mask(array: np.ndarray) -> np.ndarray:
    """Return where `array` is missing: None or NaN (and "nan" in a NumPy string array)."""
    if array.dtype.kind in "US":
        # The krippendorff package's convention: NumPy turns NaN among strings into "nan".
        return array == "nan"
    return np.asarray(pd.isna(array), dtype=bool)


def as_numbers(values: np.ndarray, level: str) -> np.ndarray:
    """Return `values` as finite floats, or raise ValueError saying why the level needs numbers."""
    if values.dtype.kind in "US" or (
        values.dtype.kind == "O"
        and not all(isinstance(value, numbers.Real) for value in values.tolist())
    ):
        raise ValueError(
            f"{level} alpha needs numbers; map ordered labels to numbers first "
            "(only nominal alpha takes labels)"
        )
    result = values.astype(float)
    if not np.isfinite(result).all():
        raise ValueError(f"{level} alpha needs finite numbers; the data holds an infinity")
    if level == "ratio" and (result < 0).any():
        raise ValueError("ratio alpha needs values of 0 or more (a ratio scale has a true zero)")
    return result


def index_values(array: np.ndarray, level: str) -> tuple[np.ndarray, np.ndarray]:
    """Return value indices (coders x units, -1 where missing) and the values they index.

    For every level but nominal the values are sorted numbers, so an index
    order is the value order.
    """
    missing = missing_mask(array)
    present = array[~missing]
    if level == "nominal":
        found, values = pd.factorize(present)
        values = np.asarray(values)
    else:
        values, found = np.unique(as_numbers(present, level), return_inverse=True)
    indices = np.full(array.shape, -1, dtype=np.int64)
    indices[~missing] = found
    return indices, values


def unit_cells(indices: np.ndarray, n_values: int) -> tuple[np.ndarray, ...]:
    """Return the pairable (unit, value, count) cells of `indices`, sorted by unit then value.

    A unit is pairable when it holds at least two values.
    """
    n_units = indices.shape[1]
    n_values = max(n_values, 1)  # all missing: no values, and no division by zero below
    coder, unit = np.nonzero(indices >= 0)
    keys = unit * n_values + indices[coder, unit]
    if n_units * n_values <= DENSE_RATIO * keys.size:
        dense = np.bincount(keys, minlength=n_units * n_values)
        keys = np.flatnonzero(dense)
        counts = dense[keys]
    else:
        keys, counts = np.unique(keys, return_counts=True)
    units, values = np.divmod(keys, n_values)
    per_unit = np.bincount(units, weights=counts, minlength=n_units)
    pairable = per_unit[units] >= 2
    return units[pairable], values[pairable], counts[pairable], per_unit


def coincidences(cells: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the coincidence matrix in sparse form: value pairs ``(c, k)`` and their weights.

    `cells` is what `unit_cells` returns. Entries with the same ``(c, k)`` add
    up. Every pair of cells within a unit is enumerated at once with
    ``np.repeat`` (no loop over units).
    """
    units, values, counts, per_unit = cells
    cells_per_unit = np.bincount(units, minlength=per_unit.size)
    first_cell = np.cumsum(cells_per_unit) - cells_per_unit
    repeats = cells_per_unit[units]
    left = np.repeat(np.arange(units.size), repeats)
    offset = np.arange(left.size) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    right = np.repeat(first_cell[units], repeats) + offset
    same = (left == right).astype(np.int64)
    weight = counts[left] * (counts[right] - same) / (per_unit[units[left]] - 1)
    return values[left], values[right], weight


def value_totals(cells: tuple[np.ndarray, ...], n_values: int) -> np.ndarray:
    """Return ``n_c``: how many pairable values equal each value (exact integers).

    These are the marginals of the coincidence matrix, counted directly so that
    they carry no rounding from the ``1 / (m_u - 1)`` weights.
    """
    _, values, counts, _ = cells
    return np.bincount(values, weights=counts, minlength=n_values)


def distance(a: np.ndarray, b: np.ndarray, level: str) -> np.ndarray:
    """Return the squared difference function delta of `level`, element-wise.

    Nominal compares indices; ordinal takes mid-rank positions (see `positions`).
    """
    if level == "nominal":
        return (a != b).astype(float)
    if level == "ratio":
        total = a + b
        # Both values 0: no difference (and no division by zero).
        ratio = np.divide(a - b, total, out=np.zeros(np.broadcast(a, b).shape), where=total != 0)
        return ratio**2
    return (a - b) ** 2


def positions(values: np.ndarray, totals: np.ndarray, level: str) -> np.ndarray:
    """Return where each value sits on the scale that `distance` measures.

    Krippendorff's ordinal metric ``(sum_{g=c..k} n_g - (n_c + n_k) / 2) ** 2``
    is the interval metric on mid-ranks ``N_{c-1} + n_c / 2`` (N cumulative).
    """
    if level == "nominal":
        return np.arange(values.size)
    if level == "ordinal":
        return np.cumsum(totals) - totals / 2
    return values.astype(float)


def expected_sum(points: np.ndarray, totals: np.ndarray, level: str) -> float:
    """Return ``sum over c, k of n_c * n_k * delta(c, k)``, without a V x V array where possible."""
    n = totals.sum()
    if level == "nominal":
        return float(n * n - (totals**2).sum())
    if level in ("interval", "ordinal"):
        # Centred first: the sum of squares stays accurate for large values.
        centred = points - (totals * points).sum() / n
        return float(2 * n * (totals * centred**2).sum())
    return _ratio_expected_sum(points[totals > 0], totals[totals > 0])


def _ratio_expected_sum(points: np.ndarray, totals: np.ndarray) -> float:
    """Return the ratio level's ``sum of n_c * n_k * delta(c, k)`` over distinct values.

    No closed form exists, so this is O(V^2) in time, by blocks of rows for
    bounded memory: each block meets only itself and the values after it, and
    the pairs beyond the block count twice (delta is symmetric). A zero
    differs by exactly 1 from every positive value, so zeros are counted apart
    and nothing divides by zero.
    """
    zero = points == 0
    n_zero, n_positive = totals[zero].sum(), totals[~zero].sum()
    result = 2.0 * float(n_zero * n_positive)
    points, totals = points[~zero], totals[~zero]
    for start in range(0, points.size, RATIO_BLOCK):
        stop = start + RATIO_BLOCK
        rows, rest = points[start:stop, np.newaxis], points[start:]
        deltas = (rows - rest) / (rows + rest)
        np.square(deltas, out=deltas)
        weights = totals[start:].copy()
        weights[RATIO_BLOCK:] *= 2
        result += float(totals[start:stop] @ (deltas @ weights))
    return result


def alpha_from_indices(indices: np.ndarray, values: np.ndarray, level: str) -> float:
    """Return alpha from value indices; NaN without pairable units or with one value only."""
    cells = unit_cells(indices, values.size)
    totals = value_totals(cells, values.size)
    if np.count_nonzero(totals) < 2:
        return float("nan")
    c, k, weight = coincidences(cells)
    points = positions(values, totals, level)
    observed = float((weight * distance(points[c], points[k], level)).sum())
    expected = expected_sum(points, totals, level)
    return float(1.0 - (totals.sum() - 1) * observed / expected)


def observed_agreement(indices: np.ndarray, n_values: int) -> float:
    """Return the share of pairable values matched within their units; NaN if none is pairable."""
    c, k, weight = coincidences(unit_cells(indices, n_values))
    total = weight.sum()
    if total == 0:
        return float("nan")
    return float(weight[c == k].sum() / total)
