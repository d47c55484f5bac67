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

from analysis.disclosure import ProtectionError, suppress_with_margins
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


# How a snapshot labels the completed responses a question was never shown to
# (survey.services.review.NON_ANSWER_WORDS["not_shown"]; "(not_shown)" is added
# when a choice has the same label). Older wording "Not shown" is read too.
NOT_ASKED_LABELS = ("Not asked", "Not shown")


def not_asked(labels: Sequence[str]) -> int | None:
    """Return the position of the row of respondents not asked the question, if there is one."""
    for i, label in enumerate(labels):
        text = str(label).strip()
        if text in NOT_ASKED_LABELS or text.endswith("(not_shown)"):
            return i
    return None


@dataclass(frozen=True)
class Answers:
    """A single-answer question's groups as published, and the respondents asked it.

    `cells` has one entry per answer, the not-asked row included (a report
    never prints that row, but "asked" and the total give it away, so it is
    protected as if printed).
    """

    cells: list[Count]
    asked: Count
    total: Count


def answers(counts: Sequence[int], missing: int | None, k: int) -> Answers:
    """Protect a single-answer question's counts among every completed response.

    `counts` holds every answer's count (they add up to the completed
    responses, N, which the report publishes); `missing` is the position of
    the not-asked row, if any. "Asked" and "not asked" are one line with
    total N, protected first: neither may be 1 to k-1, so "asked" is hidden
    whenever N minus it is. Only when "asked" is shown are the answers
    protected, as a line whose total is "asked".
    """
    if not counts or min(counts) < 0:
        raise Withheld("no answers, or a negative count")
    total = sum(counts)
    line = prevalence(total - (counts[missing] if missing is not None else 0), total, k)
    if not isinstance(line.count, Shown):
        cells: list[Count] = [Hidden(k) for _ in counts]
        if missing is not None:
            cells[missing] = line.rest
        return Answers(cells, line.count, line.base)
    given = [count for i, count in enumerate(counts) if i != missing]
    shown, asked = frequency(given, k) if given else ([], Shown(0))
    if asked != line.count:
        raise Withheld("the answers cannot be shown without hiding how many were asked")
    if missing is not None:
        shown.insert(missing, line.rest)
    return Answers(shown, line.count, line.base)


def _published(line: Line) -> pd.Series:
    """Return a line's two cells as published totals (pd.NA where hidden)."""
    cells = [c.count if isinstance(c, Shown) else pd.NA for c in (line.count, line.rest)]
    return pd.Series(cells, dtype="Int64")


def breakdown(
    counts: Sequence[int],
    totals: Sequence[int],
    theme: Line,
    k: int,
    missing: int | None = None,
) -> tuple[list[Count], list[Count]]:
    """Protect the theme's count in each group, knowing the groups' sizes and the theme's line.

    The groups' sizes are published as the question's own table publishes
    them (`answers`; `missing` is the position of the not-asked group), so
    the two tables hide the same counts. Returns (with the theme, group size)
    per group. Raises Withheld when the numbers do not add up, the number
    asked is hidden, or no set of cells can protect a small count.
    """
    if len(counts) != len(totals) or any(not 0 <= c <= t for c, t in zip(counts, totals)):
        raise Withheld("the breakdown's counts do not fit its groups")
    if not isinstance(theme.base, Shown) or sum(totals) != theme.base.count:
        raise Withheld("the groups do not add up to the theme's base")
    published = answers(totals, missing, k)
    if not isinstance(published.asked, Shown):
        raise Withheld("the number of respondents asked the question is hidden")
    groups = pd.Series(
        [c.count if isinstance(c, Shown) else pd.NA for c in published.cells], dtype="Int64"
    )
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
