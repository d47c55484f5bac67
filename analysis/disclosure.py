"""Disclosure control: hide small counts and the counts that would give them away.

Every count Heard publishes passes through :func:`suppress` (cells only) or
:func:`suppress_with_margins` (cells with row, column and grand totals).

The model
---------
A table is a frequency table (a Series) or a crosstab (a DataFrame) of
non-negative whole counts, *without* margins: the functions add them.

* **Primary suppression.** A cell, or a total, with ``0 < count < k`` is hidden.
  Zeros are published: a zero is never hidden, neither as a small count nor to
  protect another cell (a hidden zero protects nothing, because no count can
  go below it, so hiding it would only look safe).
* **Secondary suppression.** The attacker is assumed to know every published
  cell and every published total, and that counts are whole and non-negative.
  A hidden count must not follow from them. In a crosstab with its margins
  (a grid whose every line adds up), that holds when every hidden count lies on
  a closed rectangle-like path of hidden, positive counts that alternates
  between a row and a column: adding one along the path and taking one away
  keeps every total, so each hidden count has at least two possible values.
  For each hidden count without such a path, the cheapest path is hidden too,
  where a cell costs its count and a total costs more than all cells together,
  so the smallest cells are chosen and totals are hidden only when no set of
  cells can do the job. In a frequency table it is enough that at least two
  positive entries of the line (cells or the total) are hidden.
* :func:`suppress` returns exactly the cells of :func:`suppress_with_margins`.
  If you publish totals, take them from :func:`suppress_with_margins`; never
  add up the raw table yourself.

Not covered: a published zero can still tell something (everyone in a group
answered alike), and a hidden count may be narrowed to a range; that needs
protection intervals, which this module does not compute.
"""

from __future__ import annotations

import heapq

import numpy as np
import pandas as pd

__all__ = ["ProtectionError", "suppress", "suppress_with_margins"]

Table = pd.DataFrame | pd.Series


class ProtectionError(ValueError):
    """No set of counts can hide a small count, given the totals already published."""

    code = "disclosure.unprotectable"


def suppress(table: Table, k: int) -> Table:
    """Hide counts under `k` and the counts that would let someone recover them.

    Parameters
    ----------
    table : pandas.DataFrame or pandas.Series
        Non-negative whole counts without margins: a crosstab or a frequency table.
    k : int
        The threshold, at least 1: a count from 1 to ``k - 1`` is never shown.

    Returns
    -------
    pandas.DataFrame or pandas.Series
        The same shape, labels and type, with dtype ``Int64`` and hidden cells
        as ``pd.NA``. Safe to publish next to the totals that
        :func:`suppress_with_margins` shows.

    Raises
    ------
    TypeError
        If `table` is not a DataFrame or a Series.
    ValueError
        If `k` is not a whole number of at least 1, or a count is missing,
        negative or not whole.

    Examples
    --------
    >>> import pandas as pd
    >>> suppress(pd.Series({"paid": 12, "unpaid": 3, "debt": 20, "other": 8}), k=5)
    paid        12
    unpaid    <NA>
    debt        20
    other     <NA>
    dtype: Int64
    """
    values, hidden = _protect(table, k)
    inner = hidden[:-1] if values.ndim == 1 else hidden[:-1, :-1]
    return _counts_like(table, values).mask(inner)


def suppress_with_margins(
    table: Table,
    k: int,
    *,
    total_label: str = "Total",
    row_totals: pd.Series | None = None,
    column_totals: pd.Series | None = None,
) -> Table:
    """Add totals to `table` and hide small counts, cells and totals alike.

    Parameters
    ----------
    table : pandas.DataFrame or pandas.Series
        Non-negative whole counts without margins.
    k : int
        The threshold, at least 1.
    total_label : str, default "Total"
        Label of the total row and column (or entry, for a Series).
    row_totals, column_totals : pandas.Series, optional
        Totals of a crosstab's rows (columns) as they are already published
        elsewhere, such as the frequency table of the same answers from
        :func:`suppress`, hidden ones as ``pd.NA``, in the table's order. The
        totals of the result are hidden exactly where these are, and the
        cells are protected knowing the others, and the grand total, too.
        Without them, the totals are chosen freely, and publishing other
        tables of the same counts can give hidden cells away.

    Returns
    -------
    pandas.DataFrame or pandas.Series
        The table with a total column and row (a total entry for a Series),
        dtype ``Int64``, hidden counts as ``pd.NA``. Without published totals,
        its cells equal ``suppress(table, k)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`suppress`; ValueError also when `total_label` is already a
        row or column label, or a published total is not the table's.
    ProtectionError
        If no set of cells can protect a hidden count, given the published totals.

    Examples
    --------
    >>> import pandas as pd
    >>> crosstab = pd.DataFrame(
    ...     {"paid": [20, 2, 30], "unpaid": [9, 8, 30], "debt": [40, 30, 30]},
    ...     index=["men", "women", "other"],
    ... )
    >>> suppress_with_margins(crosstab, k=5)
           paid  unpaid  debt  Total
    men    <NA>    <NA>    40     69
    women  <NA>    <NA>    30     40
    other    30      30    30     90
    Total    52      47   100    199
    """
    labels = [table.index] if isinstance(table, pd.Series) else [table.index, table.columns]
    if any(total_label in axis for axis in labels):
        raise ValueError(f"the total label {total_label!r} is already a label of the table")
    locked = _published(table, row_totals, column_totals)
    values, hidden = _protect(table, k, locked)
    if values.ndim == 1:
        out = pd.Series(values, index=[*table.index, total_label], name=table.name)
    else:
        index, columns = [*table.index, total_label], [*table.columns, total_label]
        out = pd.DataFrame(values, index=index, columns=columns)
    return out.astype("Int64").mask(hidden)


def _protect(
    table: Table, k: int, published: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return the table with margins and the mask of counts to hide.

    `published` is (known, shown): totals whose hiding is already decided
    elsewhere, and which of them are shown there.
    """
    counts = _validated_counts(table, k)
    values = _with_margins(counts)
    hidden = (values > 0) & (values < k)
    if values.ndim == 1:
        _protect_line(values, hidden)
        return values, hidden
    locked = np.zeros(values.shape, dtype=bool)
    if published is not None:
        known, shown = published
        locked = known & shown & ~hidden  # a small total stays hidden whatever was published
        hidden |= known & ~shown
    _protect_grid(values, hidden, locked)
    return values, hidden


def _published(
    table: Table, row_totals: pd.Series | None, column_totals: pd.Series | None
) -> tuple[np.ndarray, np.ndarray] | None:
    """Return (known, shown) masks over the table with margins, or None if nothing is published."""
    if row_totals is None and column_totals is None:
        return None
    if not isinstance(table, pd.DataFrame):
        raise ValueError("published totals need a crosstab (a DataFrame)")
    shape = (table.shape[0] + 1, table.shape[1] + 1)
    known, shown = np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool)
    known[-1, -1] = shown[-1, -1] = True  # the grand total is assumed known
    for axis, published in ((1, row_totals), (0, column_totals)):
        if published is None:
            continue
        truth = table.sum(axis=axis).to_numpy()
        published = pd.Series(published).astype("Int64")
        seen = published.notna().to_numpy()
        if len(published) != len(truth) or (published.to_numpy()[seen] != truth[seen]).any():
            raise ValueError("a published total is not the total of the table")
        line = (slice(None, -1), -1) if axis == 1 else (-1, slice(None, -1))
        known[line], shown[line] = True, seen
    return known, shown


def _validated_counts(table: Table, k: int) -> np.ndarray:
    """Return the counts of `table` as an int64 array, or raise on bad input."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, not {k!r}")
    if not isinstance(table, pd.DataFrame | pd.Series):
        raise TypeError(f"table must be a pandas DataFrame or Series, not {type(table).__name__}")
    frame = table.to_frame() if isinstance(table, pd.Series) else table
    if any(not _is_count_dtype(dtype) for dtype in frame.dtypes):
        raise ValueError("counts must be numbers, not text, booleans or dates")
    if frame.isna().to_numpy().any():
        raise ValueError("counts must not be missing")
    values = frame.to_numpy(dtype="float64")
    if not np.isfinite(values).all() or (values != np.round(values)).any():
        raise ValueError("counts must be whole numbers")
    if (values < 0).any():
        raise ValueError("counts must not be negative")
    counts = values.astype("int64")
    return counts[:, 0] if isinstance(table, pd.Series) else counts


def _is_count_dtype(dtype: object) -> bool:
    """Return whether a column of `dtype` can hold counts."""
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _with_margins(counts: np.ndarray) -> np.ndarray:
    """Return `counts` with a total appended to every line, and the grand total."""
    if counts.ndim == 1:
        return np.append(counts, counts.sum())
    rows = np.column_stack([counts, counts.sum(axis=1)])
    return np.vstack([rows, rows.sum(axis=0)])


def _protect_line(values: np.ndarray, hidden: np.ndarray) -> None:
    """Hide a second entry of a frequency table (cells, then total) beside a lone one."""
    if hidden.sum() != 1:
        return
    # The total is the last entry; it is picked only when no positive cell is left.
    cost = values + np.where(np.arange(values.size) == values.size - 1, values[-1] + 1, 0)
    candidates = np.flatnonzero((values > 0) & ~hidden)
    hidden[candidates[np.argmin(cost[candidates])]] = True


def _protect_grid(values: np.ndarray, hidden: np.ndarray, locked: np.ndarray) -> None:
    """Hide cheapest paths until every hidden count lies on a cycle of hidden counts.

    A `locked` count is published already: no path may go through it.
    """
    is_margin = np.zeros(values.shape, dtype=bool)
    is_margin[-1, :] = is_margin[:, -1] = True
    cost = values + is_margin * (values[-1, -1] + 1)
    usable = values * ~locked  # a locked count is as useless as a zero: it cannot be hidden
    primary = sorted(zip(*np.nonzero(hidden), strict=True), key=lambda pos: values[pos])
    for row, col in primary:
        path = _cheapest_path(usable, hidden, cost, int(row), int(col))
        if path is None:  # only when published totals leave no way round
            raise ProtectionError(
                "No set of counts can hide a small count here without the totals "
                "published elsewhere giving it away."
            )
        for position in path:
            hidden[position] = True


def _cheapest_path(
    values: np.ndarray, hidden: np.ndarray, cost: np.ndarray, row: int, col: int
) -> list[tuple[int, int]] | None:
    """Return the cheapest positive path from `row` to `col` that avoids their own cell.

    Rows and columns are the nodes of a bipartite graph; a positive count is an
    edge. Hidden counts cost nothing, so a count already on a cycle gets ``[]``.
    """
    n_rows = values.shape[0]
    start, goal = ("r", row), ("c", col)
    best: dict[tuple[str, int], int] = {start: 0}
    came_from: dict[tuple[str, int], tuple[tuple[str, int], tuple[int, int]]] = {}
    queue = [(0, start)]
    while queue:
        spent, node = heapq.heappop(queue)
        if node == goal:
            return _walk_back(came_from, start, goal)
        if spent > best[node]:
            continue
        kind, at = node
        others = range(values.shape[1]) if kind == "r" else range(n_rows)
        for other in others:
            cell = (at, other) if kind == "r" else (other, at)
            if cell == (row, col) or values[cell] == 0:
                continue
            step = 0 if hidden[cell] else int(cost[cell])
            nxt = ("c" if kind == "r" else "r", other)
            if spent + step < best.get(nxt, spent + step + 1):
                best[nxt] = spent + step
                came_from[nxt] = (node, cell)
                heapq.heappush(queue, (spent + step, nxt))
    return None


def _walk_back(came_from: dict, start: tuple[str, int], goal: tuple[str, int]) -> list:
    """Return the cells on the path that `came_from` records from `start` to `goal`."""
    cells, node = [], goal
    while node != start:
        node, cell = came_from[node]
        cells.append(cell)
    return cells


def _counts_like(table: Table, values: np.ndarray) -> Table:
    """Return the inner counts of `values` with the labels of `table`, as Int64."""
    if values.ndim == 1:
        return pd.Series(values[:-1], index=table.index, name=table.name).astype("Int64")
    inner = values[:-1, :-1]
    return pd.DataFrame(inner, index=table.index, columns=table.columns).astype("Int64")
