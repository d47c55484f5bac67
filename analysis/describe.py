"""Descriptive statistics that are safe to publish: frequencies and crosstabs.

Every count here passes through :mod:`analysis.disclosure`, so no count from 1
to ``k - 1`` is shown, and no hidden count can be worked out from the others.

Non-answers (``prefer_not_to_say``, ``dont_know``, ``not_applicable``,
``skipped``, ``not_shown``) are values, not blanks: they are counted, listed
after the answers, and left out of the percentage base. A blank (``None`` or
NaN) is refused, because it means a non-answer code was lost on the way.

Percentages
-----------
The base of :func:`frequencies` is the sum of the *published* answer counts.
When no answer count is hidden, that is the number of answers given. When one
is hidden, it is smaller: the percentages are then shares of the published
answers only, and ``attrs["percent_base_complete"]`` is False. Using the true
number of answers would give the hidden count away (``count / percent``
recovers the base, and the base minus the published counts recovers the cell).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from analysis.disclosure import suppress, suppress_with_margins

__all__ = ["NON_ANSWERS", "crosstab", "frequencies"]

NON_ANSWERS: tuple[str, ...] = (
    "prefer_not_to_say",
    "dont_know",
    "not_applicable",
    "skipped",
    "not_shown",
)

COLUMNS = ["value", "label", "count", "percent", "non_answer"]


def frequencies(
    values: Iterable[Any],
    *,
    labels: Mapping[Any, str] | None = None,
    non_answers: Sequence[Any] = NON_ANSWERS,
    k: int,
) -> pd.DataFrame:
    """Count each value, with labels, non-answers last and small counts hidden.

    Parameters
    ----------
    values : iterable
        One value per respondent; non-answers are codes, never blanks.
    labels : mapping, optional
        Value to label. Labelled values come first, in this order, and are
        listed even when nobody gave them; other values follow, sorted.
    non_answers : sequence, default NON_ANSWERS
        Codes that are not answers: listed last, in this order, and left out
        of the percentage base.
    k : int
        Disclosure threshold, at least 1 (see :func:`analysis.disclosure.suppress`).

    Returns
    -------
    pandas.DataFrame
        Columns ``value``, ``label``, ``count`` (Int64, hidden as ``pd.NA``),
        ``percent`` (Float64, of the published answer counts; ``pd.NA`` for
        hidden counts and non-answers) and ``non_answer`` (bool).
        ``attrs["percent_base"]`` is the base and
        ``attrs["percent_base_complete"]`` says whether it is every answer.

    Raises
    ------
    ValueError
        If `k` is not a whole number of at least 1, or a value is blank.

    Examples
    --------
    >>> answers = ["paid"] * 12 + ["unpaid"] * 8 + ["dont_know"] * 5
    >>> frequencies(answers, labels={"unpaid": "Not paid", "paid": "Paid"}, k=5)
           value      label  count  percent  non_answer
    0     unpaid   Not paid      8     40.0       False
    1       paid       Paid     12     60.0       False
    2  dont_know  dont_know      5     <NA>        True
    """
    series = _validated(pd.Series(list(values), dtype=object), "values")
    labels = dict(labels or {})
    order = _order(series, labels, non_answers)
    counts = series.value_counts().reindex(order, fill_value=0)
    shown = suppress(counts, k)
    is_non_answer = pd.Series([value in non_answers for value in order], index=order)
    answers = shown[~is_non_answer]
    base = int(answers.sum())  # NA-skipping: only published counts enter the base
    percent = (100 * shown.astype("Float64") / base) if base else shown.astype("Float64") * pd.NA
    table = pd.DataFrame(
        {
            "value": order,
            "label": [str(labels.get(value, value)) for value in order],
            "count": shown.array,
            "percent": percent.mask(is_non_answer).array,
            "non_answer": is_non_answer.to_numpy(),
        },
        columns=COLUMNS,
    )
    table.attrs["percent_base"] = base
    table.attrs["percent_base_complete"] = not bool(answers.isna().any())
    return table


def crosstab(
    rows: Iterable[Any],
    columns: Iterable[Any],
    *,
    k: int,
    row_labels: Mapping[Any, str] | None = None,
    column_labels: Mapping[Any, str] | None = None,
    margins: bool = True,
    published: Sequence[str] = (),
) -> pd.DataFrame:
    """Count each pair of a row value and a column value, with small counts hidden.

    Parameters
    ----------
    rows, columns : iterable
        One value each per respondent, paired by position; no blanks.
    k : int
        Disclosure threshold, at least 1.
    row_labels, column_labels : mapping, optional
        Value to label. Labelled values come first, in this order, even when
        nobody gave them; other values follow sorted, then non-answer codes.
    margins : bool, default True
        Add a ``Total`` row and column, suppressed together with the cells.
    published : sequence of {"rows", "columns"}, default ()
        Margins that are also published as :func:`frequencies` of the same
        values with the same labels and `k` (the frequency table of the row or
        column question). Those totals are then hidden exactly as there, and
        the cells are protected knowing the totals shown there and the grand
        total; otherwise comparing the two tables could give a cell away.

    Returns
    -------
    pandas.DataFrame
        Counts (Int64, hidden as ``pd.NA``), labelled by the labels.

    Raises
    ------
    ValueError
        If the lengths differ, a value is blank, two values share a label,
        or `k` is not a whole number of at least 1.
    analysis.disclosure.ProtectionError
        If, given the `published` totals, no set of cells protects a small count.

    Examples
    --------
    >>> sex = ["man"] * 20 + ["woman"] * 15
    >>> pay = ["paid"] * 10 + ["unpaid"] * 10 + ["paid"] * 12 + ["unpaid"] * 3
    >>> crosstab(sex, pay, k=5, column_labels={"paid": "Paid", "unpaid": "Not paid"})
           Paid  Not paid  Total
    man    <NA>      <NA>     20
    woman  <NA>      <NA>     15
    Total    22        13     35
    """
    row_values = _validated(pd.Series(list(rows), dtype=object), "rows")
    column_values = _validated(pd.Series(list(columns), dtype=object), "columns")
    if len(row_values) != len(column_values):
        raise ValueError(
            f"rows and columns must have the same length, not {len(row_values)} "
            f"and {len(column_values)}"
        )
    row_labels, column_labels = dict(row_labels or {}), dict(column_labels or {})
    counts = pd.crosstab(row_values, column_values).reindex(
        index=_order(row_values, row_labels, NON_ANSWERS),
        columns=_order(column_values, column_labels, NON_ANSWERS),
        fill_value=0,
    )
    counts.index = _relabel(counts.index, row_labels, "row")
    counts.columns = _relabel(counts.columns, column_labels, "column")
    counts.index.name = counts.columns.name = None
    if not published:
        return suppress_with_margins(counts, k) if margins else suppress(counts, k)
    unknown = set(published) - {"rows", "columns"}
    if unknown:
        raise ValueError(f"published names 'rows' or 'columns', not {sorted(unknown)}")
    totals = {
        f"{axis[:-1]}_totals": suppress(counts.sum(axis=1 if axis == "rows" else 0), k)
        for axis in published
    }
    table = suppress_with_margins(counts, k, **totals)
    return table if margins else table.iloc[:-1, :-1]


def _validated(series: pd.Series, name: str) -> pd.Series:
    """Return `series`, or raise if any value is blank."""
    if series.isna().any():
        raise ValueError(f"{name} must not be blank: record a non-answer code instead")
    return series


def _order(series: pd.Series, labels: Mapping[Any, str], non_answers: Sequence[Any]) -> list:
    """Return labelled values, then other answers sorted, then the non-answers present."""
    present = set(series.unique())
    labelled = [value for value in labels if value not in non_answers]
    others = [v for v in present if v not in labels and v not in non_answers]
    try:
        others.sort()
    except TypeError:  # mixed types: sort by their text
        others.sort(key=str)
    missing = [v for v in non_answers if v in present or v in labels]
    return labelled + others + missing


def _relabel(values: pd.Index, labels: Mapping[Any, str], axis: str) -> list[str]:
    """Return the labels of `values`, or raise if two values share a label."""
    names = [str(labels.get(value, value)) for value in values]
    if len(set(names)) != len(names):
        raise ValueError(f"two {axis} values share a label: {names}")
    return names
