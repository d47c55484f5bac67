"""Agreement between coders: Krippendorff's alpha, Cohen's and Fleiss' kappa, percent agreement.

Reliability data are coders by units (rows are coders, columns are units), as
a list of lists, a NumPy array or a DataFrame, with None or NaN where a coder
gave no value (the convention of the ``krippendorff`` package).

One rule for data that cannot measure agreement: a *shape* problem (empty
data, unequal lengths, a table that is not square, an unknown level) raises
ValueError; data of the right shape that holds nothing to compare (no unit
with two values, or one value only, so that chance disagreement is zero)
gives NaN, never a warning. The web app shows NaN as "not computable".

Thresholds (Krippendorff 2004, *Content Analysis*, 2nd ed., p. 241;
Krippendorff 2011, "Computing Krippendorff's alpha-reliability"): rely on
variables with alpha >= 0.800; use 0.667 <= alpha < 0.800 only for tentative
conclusions.

Examples
--------
>>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
...         [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
>>> round(krippendorff_alpha(data, "interval"), 3)
0.849
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from coding import _alpha, _tables
from coding.model import Code, Codebook, Coder, Coding, Document
from coding.units import reliability_matrices

TENTATIVE = 0.667
RELIABLE = 0.800

Level = Literal["nominal", "ordinal", "interval", "ratio"]
Weights = Literal["linear", "quadratic"] | None

BY_CODE_COLUMNS = (
    "code",
    "name",
    "alpha",
    "kappa",
    "percent_agreement",
    "units",
    "units_coded",
    "below_threshold",
)


def krippendorff_alpha(
    reliability_data: npt.ArrayLike | pd.DataFrame, level: Level = "nominal"
) -> float:
    """Return Krippendorff's alpha for coders-by-units data with missing values.

    Parameters
    ----------
    reliability_data : array_like or DataFrame, shape (coders, units)
        One row per coder, one column per unit; None or NaN where a coder gave
        no value. Nominal values may be labels (strings); the other levels
        need numbers (map ordered labels to numbers first).
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement, which chooses the difference function. Ratio
        values must be 0 or more.

    Returns
    -------
    float
        Alpha: 1 is perfect agreement, 0 is agreement at chance. NaN when no
        unit has values from two coders, or when all pairable values are the
        same (no variation: reliability cannot be assessed).

    Raises
    ------
    ValueError
        Empty or non-rectangular data, an unknown level, labels or negative
        numbers where the level forbids them.

    Notes
    -----
    Units with fewer than two values are not pairable and are dropped. The
    coincidence matrix is built sparse and vectorised over units: 10,000 units
    by 5 coders take a few milliseconds. Ratio alpha alone costs O(V^2) in the
    number V of distinct values (no closed form): about 0.4 s for 9,000.

    Examples
    --------
    >>> krippendorff_alpha([["a", "a", "b", "b", "d", "c", "c", "c", "e", "d", "d", "a"],
    ...                     ["b", "a", "b", "b", "b", "c", "c", "c", "e", "d", "d", "d"]])
    0.6919...
    >>> krippendorff_alpha([[1, 1], [1, None]])
    nan
    """
    if level not in _alpha.LEVELS:
        raise ValueError(f"unknown level {level!r}; choose one of {', '.join(_alpha.LEVELS)}")
    array = _alpha.as_table(reliability_data, "reliability data")
    indices, values = _alpha.index_values(array, level)
    return _alpha.alpha_from_indices(indices, values, level)


def percent_agreement(reliability_data: npt.ArrayLike | pd.DataFrame) -> float:
    """Return the share of pairable values that agree with the other values in their unit.

    Parameters
    ----------
    reliability_data : array_like or DataFrame, shape (coders, units)
        As for `krippendorff_alpha`; values are compared for equality.

    Returns
    -------
    float
        A proportion from 0 to 1 (not 0 to 100). NaN when no unit has values
        from two coders.

    Notes
    -----
    Every pair of values from two different coders in the same unit is
    compared, and a unit with ``m`` values weighs ``m`` (each pairable value
    counts once): this is the observed agreement of nominal alpha. For two
    coders without missing values it is the share of units where they agree;
    for complete data it is the mean over units of the share of agreeing
    coder pairs. It ignores agreement by chance: report alpha beside it.

    Examples
    --------
    >>> percent_agreement([[1, 0, 1, 1], [1, 1, 1, None]])
    0.666...
    """
    array = _alpha.as_table(reliability_data, "reliability data")
    indices, values = _alpha.index_values(array, "nominal")
    return _alpha.observed_agreement(indices, values.size)


def percent_agreement_table(table: npt.ArrayLike) -> float:
    """Return the share of items on the diagonal of a square contingency table.

    Parameters
    ----------
    table : array_like, shape (k, k)
        Counts: rater A's category in rows, rater B's in columns, same order.

    Returns
    -------
    float
        From 0 to 1; NaN when the table counts no items.

    Examples
    --------
    >>> percent_agreement_table([[20, 5], [10, 15]])
    0.7
    """
    counts = _tables.square_counts(table)
    total = counts.sum()
    return float(np.trace(counts) / total) if total > 0 else float("nan")


def cohen_kappa(rater_a: npt.ArrayLike, rater_b: npt.ArrayLike, weights: Weights = None) -> float:
    """Return Cohen's kappa between two raters' labels, optionally weighted.

    Parameters
    ----------
    rater_a, rater_b : array_like, shape (items,)
        Each rater's category per item; None or NaN where missing. Pairs with
        a missing value are dropped.
    weights : {None, "linear", "quadratic"}
        Disagreement weights for ordered categories. Categories are taken from
        both raters and sorted naturally: numbers by value, labels with their
        digit runs compared as numbers ("2 rarely" before "10 often").

    Returns
    -------
    float
        Kappa; NaN when no complete pair is left or both raters used one and
        the same category only.

    Examples
    --------
    >>> round(cohen_kappa([1, 2, 3, 3, 2], [1, 2, 3, 2, 2]), 4)
    0.6875
    """
    a, b = _tables.as_vector(rater_a, "rater_a"), _tables.as_vector(rater_b, "rater_b")
    if a.size != b.size:
        raise ValueError(f"the raters rated different numbers of items: {a.size} and {b.size}")
    keep = ~(_alpha.missing_mask(a) | _alpha.missing_mask(b))
    if not keep.any():
        return float("nan")
    categories = _tables.sorted_categories(np.concatenate([a[keep], b[keep]]))
    row = pd.Categorical(a[keep], categories=categories).codes
    column = pd.Categorical(b[keep], categories=categories).codes
    size = len(categories)
    table = np.bincount(row * size + column, minlength=size * size).reshape(size, size)
    return cohen_kappa_table(table, weights)


def cohen_kappa_table(table: npt.ArrayLike, weights: Weights = None) -> float:
    """Return Cohen's kappa from a square contingency table.

    Parameters
    ----------
    table : array_like, shape (k, k)
        Counts: rater A's category in rows, rater B's in columns, both in the
        order of the categories (which matters for weighted kappa).
    weights : {None, "linear", "quadratic"}
        Disagreement weight ``|i - j| / (k - 1)``, or its square.

    Returns
    -------
    float
        ``1 - sum(w * observed) / sum(w * expected)``; NaN when the table is
        empty of items or expected disagreement is zero.

    Examples
    --------
    >>> round(cohen_kappa_table([[20, 5], [10, 15]]), 2)
    0.4
    >>> round(cohen_kappa_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]], "linear"), 4)
    0.4701
    """
    counts = _tables.square_counts(table)
    total = counts.sum()
    if total == 0:
        return float("nan")
    rows, columns = np.indices(counts.shape)
    spread = np.abs(rows - columns) / max(counts.shape[0] - 1, 1)
    if weights is None:
        penalty = (spread > 0).astype(float)
    elif weights == "linear":
        penalty = spread
    elif weights == "quadratic":
        penalty = spread**2
    else:
        raise ValueError(f"unknown weights {weights!r}; choose None, 'linear' or 'quadratic'")
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / total
    chance = float((penalty * expected).sum())
    if chance == 0:
        return float("nan")
    return 1.0 - float((penalty * counts).sum()) / chance


def fleiss_kappa(counts: npt.ArrayLike) -> float:
    """Return Fleiss' kappa from subjects-by-categories counts of raters.

    Parameters
    ----------
    counts : array_like, shape (subjects, categories)
        Row i counts the raters who put subject i in each category. Every row
        must sum to the same number of raters, at least 2.

    Returns
    -------
    float
        Kappa; NaN when every rating falls in one category.

    Examples
    --------
    >>> round(fleiss_kappa([[2, 0], [0, 2], [1, 1]]), 3)
    0.333
    """
    table = _tables.count_table(counts, "counts")
    raters = table.sum(axis=1)
    if not np.all(raters == raters[0]):
        raise ValueError(
            "every subject must be rated by the same number of raters; the row sums "
            f"run from {raters.min():g} to {raters.max():g} (use krippendorff_alpha for "
            "unequal numbers)"
        )
    n = raters[0]
    if n < 2:
        raise ValueError(
            f"Fleiss' kappa needs at least 2 raters per subject; the rows sum to {n:g}"
        )
    per_subject = ((table**2).sum(axis=1) - n) / (n * (n - 1))
    shares = table.sum(axis=0) / table.sum()
    chance = float((shares**2).sum())
    if chance == 1:
        return float("nan")
    return (float(per_subject.mean()) - chance) / (1.0 - chance)


def agreement_by_code(
    codings: Iterable[Coding],
    documents: Iterable[Document],
    coders: Sequence[str | Coder],
    codes: Codebook | Iterable[Code],
    unit: str = "answer",
    *,
    seen: str | Mapping[str, Iterable[str]] = "coded",
) -> pd.DataFrame:
    """Return agreement per codable code: whether coders applied it to the same units.

    Parameters
    ----------
    codings : iterable of Coding
        All codings (every code), so that `seen` can tell which documents a
        coder worked on.
    documents : iterable of Document
        The documents compared.
    coders : sequence of str or Coder
        The coders compared, at least 2.
    codes : Codebook or iterable of Code
        Categories (``codable=False``) are skipped; rows keep this order.
    unit : {"answer", "sentence", "character"}
        The unit of comparison (see `coding.units.reliability_matrix`).
    seen : "coded", "all" or mapping of coder GUID to document GUIDs
        Which documents each coder is taken to have read (see
        `coding.units.reliability_matrix`).

    Returns
    -------
    DataFrame
        One row per codable code with columns ``code`` (GUID), ``name``,
        ``alpha`` (nominal, present/absent), ``kappa`` (Cohen's, only with
        exactly 2 coders, else NaN), ``percent_agreement`` (0 to 1),
        ``units`` (units with values from at least two coders: the units the
        statistics use), ``units_coded`` (of those, units where any coder
        applied the code) and ``below_threshold``: True when alpha is under
        `TENTATIVE` *or NaN* (reliability not shown).

    Examples
    --------
    >>> from coding.model import Code, Coding, Document
    >>> docs = [Document(f"d{i}", f"answer {i}", "Paid nothing.") for i in range(4)]
    >>> applied = [("d0", "ann"), ("d0", "bo"), ("d1", "ann"), ("d1", "bo"), ("d2", "ann")]
    >>> codings = [Coding(f"c{i}", doc, "wage", who, 0, 4) for i, (doc, who) in enumerate(applied)]
    >>> codings += [Coding(f"o{who}", "d3", "other", who, 0, 4) for who in ("ann", "bo")]
    >>> codings += [Coding("ob", "d2", "other", "bo", 0, 4)]
    >>> table = agreement_by_code(codings, docs, ["ann", "bo"], [Code("wage", "Wages withheld")])
    >>> table[["code", "units", "units_coded", "percent_agreement"]].to_dict("records")
    [{'code': 'wage', 'units': 4, 'units_coded': 3, 'percent_agreement': 0.75}]
    """
    coders = list(coders)
    if len(coders) < 2:
        raise ValueError(f"agreement needs at least two coders; got {len(coders)}")
    chosen = [code for code in _code_list(codes) if code.codable]
    matrices = reliability_matrices(
        codings, documents, coders, [code.guid for code in chosen], unit, seen=seen
    )
    rows = [_code_row(code, matrices[code.guid].to_numpy()) for code in chosen]
    frame = pd.DataFrame(rows, columns=list(BY_CODE_COLUMNS))
    return frame.astype({"units": int, "units_coded": int, "below_threshold": bool})


def _code_row(code: Code, data: np.ndarray) -> dict[str, object]:
    """Return one row of `agreement_by_code` from the code's coders-by-units 0/1 matrix."""
    pairable = data[:, np.count_nonzero(~np.isnan(data), axis=0) >= 2]
    nan = float("nan")
    alpha = kappa = agreement = nan
    if pairable.shape[1] > 0:
        alpha = krippendorff_alpha(pairable, "nominal")
        agreement = percent_agreement(pairable)
        if data.shape[0] == 2:
            kappa = cohen_kappa(pairable[0], pairable[1])
    return {
        "code": code.guid,
        "name": code.name,
        "alpha": alpha,
        "kappa": kappa,
        "percent_agreement": agreement,
        "units": pairable.shape[1],
        "units_coded": int(np.any(pairable == 1, axis=0).sum()),
        # NaN compares False: a code whose reliability cannot be computed is flagged too.
        "below_threshold": not alpha >= TENTATIVE,
    }


def _code_list(codes: Codebook | Iterable[Code]) -> list[Code]:
    """Return the codes of a codebook, or the given codes as a list."""
    return list(codes.codes) if isinstance(codes, Codebook) else list(codes)
