"""Independent oracles for disclosure control: can a hidden count be worked out from what is shown?

Shared by the library's tests and the app's table tests. Each oracle looks
only at the true counts and at which of them are hidden; none calls the
code under test.

* `line_equations` and `determined`: linear algebra. Every line of a table
  with margins adds up; a hidden count is fixed when every solution of the
  homogeneous system leaves it unchanged.
* `other_possible_values`: brute force over whole, non-negative tables.
* `bounds`: linear programming (scipy) over non-negative counts.
* `jointly_determined`: linear algebra over two tables with the same rows,
  whose row totals (and grand total) are one and the same count.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import linprog


def with_margins(batch: np.ndarray) -> np.ndarray:
    """Return each table of `batch` (shape ``(m, ...)``) with its totals appended."""
    if batch.ndim == 2:
        return np.concatenate([batch, batch.sum(axis=1, keepdims=True)], axis=1)
    rows = np.concatenate([batch, batch.sum(axis=2, keepdims=True)], axis=2)
    return np.concatenate([rows, rows.sum(axis=1, keepdims=True)], axis=1)


def line_equations(hidden: np.ndarray) -> np.ndarray:
    """Return the line equations of a table with totals, over its hidden counts.

    Each line of the grid adds up: cells minus their total, or totals minus
    the grand total. Published counts are known, so only hidden ones are unknowns.
    """
    sign = np.ones(hidden.shape)
    sign[-1, :-1] = sign[:-1, -1] = -1
    lines = [sign * (np.arange(hidden.shape[0]) == r)[:, None] for r in range(hidden.shape[0])]
    lines += [sign * (np.arange(hidden.shape[1]) == c)[None, :] for c in range(hidden.shape[1])]
    return np.array([line[hidden] for line in lines])


def determined(hidden: np.ndarray) -> np.ndarray:
    """Return, per hidden count of a crosstab with margins, whether the lines fix its value."""
    if not hidden.any():
        return np.zeros(0, dtype=bool)
    _, singular, vt = np.linalg.svd(line_equations(hidden))
    null_space = vt[int((singular > 1e-9).sum()) :]
    return ~(np.abs(null_space) > 1e-9).any(axis=0)


def other_possible_values(counts: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Return, per hidden count, whether another table fits everything published.

    `counts` is the table without margins and `hidden` the mask over the table
    with margins. Every hidden cell moves by -1, 0 or +1; a candidate must keep
    every count whole and non-negative and every published cell and total.
    A ±1 step suffices: whenever two tables fit, a ±1 cycle between them does.
    """
    truth = with_margins(counts[None])[0]
    inner_hidden = hidden[:-1] if counts.ndim == 1 else hidden[:-1, :-1]
    choices = itertools.product((-1, 0, 1), repeat=int(inner_hidden.sum()))
    steps = np.array(list(choices), dtype="int64")
    candidates = np.repeat(counts[None], len(steps), axis=0)
    candidates[:, inner_hidden] += steps.reshape(len(steps), -1)
    extended = with_margins(candidates)
    fits = (candidates >= 0).reshape(len(steps), -1).all(axis=1)
    fits &= (extended[:, ~hidden] == truth[~hidden]).all(axis=1)
    return (extended[fits][:, hidden] != truth[hidden]).any(axis=0)


def bounds(truth, row_totals, column_totals, cells, i, j) -> tuple[float, float]:
    """Return the least and most cell (i, j) can be, given what is published and the grand total.

    Solved with scipy's linear programming over non-negative counts: if the two
    meet, someone who reads the tables can work the hidden cell out. Totals
    and cells are lists with None where hidden.
    """
    n_rows, n_columns = truth.shape
    equations, sums = [], []
    for r, total in enumerate(row_totals):
        if total is not None:
            equations.append([float(a == r) for a in range(n_rows) for _ in range(n_columns)])
            sums.append(total)
    for c, total in enumerate(column_totals):
        if total is not None:
            equations.append([float(b == c) for _ in range(n_rows) for b in range(n_columns)])
            sums.append(total)
    equations.append([1.0] * truth.size)
    sums.append(int(truth.sum()))
    for r, line in enumerate(cells):
        for c, value in enumerate(line):
            if value is not None:
                equations.append([float((a, b) == (r, c)) for a in range(n_rows)
                                  for b in range(n_columns)])  # fmt: skip
                sums.append(value)
    target = [float((a, b) == (i, j)) for a in range(n_rows) for b in range(n_columns)]
    low = linprog(target, A_eq=equations, b_eq=sums, bounds=(0, None))
    high = linprog([-t for t in target], A_eq=equations, b_eq=sums, bounds=(0, None))
    return low.fun, -high.fun


def jointly_determined(first: np.ndarray, second: np.ndarray) -> bool:
    """Say whether two tables with margins that share their row totals fix a hidden count.

    `first` and `second` are the hidden masks of two tables with margins over
    the same rows (say, codes by two different questions); the last column of
    each is the rows' totals, the same counts in both. The lines of both
    tables hold together; a hidden count is fixed when every solution of the
    homogeneous system leaves it unchanged.
    """
    unknowns: dict[tuple, int] = {}
    equations: list[dict[int, float]] = []
    for name, hidden in (("first", first), ("second", second)):
        sign = np.ones(hidden.shape)
        sign[-1, :-1] = sign[:-1, -1] = -1
        last = hidden.shape[1] - 1

        def unknown(r: int, c: int, name=name, last=last) -> int:
            key = ("totals", r) if c == last else (name, r, c)
            return unknowns.setdefault(key, len(unknowns))

        for r in range(hidden.shape[0]):
            equations.append({unknown(r, c): sign[r, c] for c in np.flatnonzero(hidden[r])})
        for c in range(hidden.shape[1]):
            equations.append({unknown(r, c): sign[r, c] for r in np.flatnonzero(hidden[:, c])})
    if not unknowns:
        return False
    matrix = np.zeros((len(equations), len(unknowns)))
    for i, equation in enumerate(equations):
        for j, value in equation.items():
            matrix[i, j] = value
    _, singular, vt = np.linalg.svd(matrix)
    null_space = vt[int((singular > 1e-9).sum()) :]
    return not (np.abs(null_space) > 1e-9).any(axis=0).all()
