"""Disclosure control for a findings report: every count goes through analysis.disclosure.

Private helper of :mod:`analysis.findings.build`. The functions take raw counts
and return the typed values a document shows (:class:`Shown` or
:class:`Hidden`). Tables that share totals are protected knowing the totals
already published (a theme's prevalence, the size of each group), so that no
hidden count follows from the numbers shown anywhere in the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.disclosure import ProtectionError, suppress, suppress_with_margins
from analysis.findings.document import Hidden, Percent, Shown

Count = Shown | Hidden


class Withheld(ValueError):
    """A table cannot be shown safely (or does not add up): the report says so instead."""


def single(count: int, k: int) -> Count:
    """Return a lone count: shown at zero or from `k`, else "fewer than k"."""
    return Hidden(k, fewer=True) if 0 < count < k else Shown(int(count))


def typed(value: object, k: int) -> Count:
    """Return a suppressed table value (pd.NA when hidden) as a typed count."""
    return Hidden(k) if pd.isna(value) else Shown(int(value))


def share(count: Count, base: Count) -> Percent | None:
    """Return count / base as a percentage, only when both are shown and the base is positive."""
    if isinstance(count, Shown) and isinstance(base, Shown) and base.count > 0:
        return Percent(100 * count.count / base.count)
    return None


@dataclass(frozen=True)
class Line:
    """A count, the rest of its base, and the base, as published."""

    count: Count
    rest: Count
    base: Count


def prevalence(count: int, base: int, k: int) -> Line:
    """Protect a count within its base: neither it nor base minus it may be small."""
    if not 0 <= count <= base:
        raise Withheld("the count is larger than its base")
    shown = suppress_with_margins(pd.Series([count, base - count], dtype="int64"), k)
    line = Line(typed(shown.iloc[0], k), typed(shown.iloc[1], k), typed(shown.iloc[2], k))
    if isinstance(line.count, Hidden) and 0 < count < k:
        line = Line(Hidden(k, fewer=True), line.rest, line.base)
    return line


def frequency(counts: Sequence[int], k: int) -> tuple[list[Count], Count]:
    """Protect a frequency table and its total; return the cells and the total."""
    shown = suppress_with_margins(pd.Series(list(counts), dtype="int64"), k)
    values = [typed(value, k) for value in shown]
    return values[:-1], values[-1]


def _published(line: Line) -> pd.Series:
    """Return a line's two cells as published totals (pd.NA where hidden)."""
    cells = [c.count if isinstance(c, Shown) else pd.NA for c in (line.count, line.rest)]
    return pd.Series(cells, dtype="Int64")


def breakdown(
    counts: Sequence[int], totals: Sequence[int], theme: Line, k: int
) -> tuple[list[Count], list[Count]]:
    """Protect the theme's count in each group, knowing the groups' sizes and the theme's line.

    Returns (with the theme, group size) per group. Raises Withheld when the
    numbers do not add up or no set of cells can protect a small count.
    """
    if len(counts) != len(totals) or any(not 0 <= c <= t for c, t in zip(counts, totals)):
        raise Withheld("the breakdown's counts do not fit its groups")
    if not isinstance(theme.base, Shown) or sum(totals) != theme.base.count:
        raise Withheld("the groups do not add up to the theme's base")
    groups = suppress(pd.Series(list(totals), dtype="int64"), k)
    table = pd.DataFrame(
        {"with": list(counts), "without": [t - c for c, t in zip(counts, totals)]}, dtype="int64"
    )
    try:
        shown = suppress_with_margins(
            table, k, total_label="__total__", row_totals=groups, column_totals=_published(theme)
        )
    except (ProtectionError, ValueError) as error:
        raise Withheld(str(error)) from error
    cells = [typed(value, k) for value in shown["with"].iloc[:-1]]
    sizes = [typed(value, k) for value in shown["__total__"].iloc[:-1]]
    return cells, sizes


def both(count: int, first: Line, second: Line, raw: tuple[int, int, int], k: int) -> Count:
    """Protect the respondents with two themes, knowing both themes' lines (same base).

    `raw` is (first's count, second's count, base). Raises Withheld when the
    numbers do not fit together or the count cannot be protected.
    """
    a, b, base = raw
    if not (isinstance(first.base, Shown) and isinstance(second.base, Shown)):
        raise Withheld("the themes' base is hidden")
    cells = [[count, a - count], [b - count, base - a - b + count]]
    if any(value < 0 for row in cells for value in row):
        raise Withheld("the co-occurrence does not fit the themes' counts")
    try:
        shown = suppress_with_margins(
            pd.DataFrame(cells, dtype="int64"),
            k,
            total_label="__total__",
            row_totals=_published(first),
            column_totals=_published(second),
        )
    except (ProtectionError, ValueError) as error:
        raise Withheld(str(error)) from error
    return typed(shown.iloc[0, 0], k)
