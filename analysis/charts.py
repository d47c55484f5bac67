"""Charts as SVG text, drawn on the server: bar charts and line charts.

Each chart is one ``<svg role="img">`` whose ``<title>`` and ``<desc>`` (tied
to it by ``aria-labelledby``) name the chart and list every value, so a screen
reader hears the numbers. Put the same numbers in a table beside the chart.

The markup is safe to place in a page as it is:

* every label and value is XML-escaped, so a label cannot add markup;
* no ``style`` attribute, inline event handler, script or external reference
  (a strict Content Security Policy allows it); colours are presentation
  attributes (``fill=``, ``stroke=``) that a stylesheet may override through
  the classes ``chart``, ``chart-bar``, ``chart-hidden``, ``chart-line`` and so on;
* sizes are ``viewBox`` units and the root has no width or height, so the
  chart scales with its box, down to a 320 px screen.

A missing value (``None``, ``pandas.NA`` or NaN) is a count hidden by
disclosure control in a bar chart (drawn as the word "hidden" with no bar) and
a gap in a line chart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from analysis._svg import (
    FONT,
    HIDDEN,
    INK,
    MUTED,
    WIDTH,
    _chart_id,
    _checked,
    _esc,
    _is_number,
    _line,
    _nice_ticks,
    _number,
    _shorten,
    _svg,
    _text,
    _with_unit,
)

__all__ = ["HIDDEN", "bar_chart", "line_chart"]

BAR_WIDTH = 320  # bar charts: narrower, so their text stays readable on a 320 px screen
BAR_ROW = 40
BAR_ROOM = 72  # room right of the longest bar for its value
BAR = "#1d70b8"
SERIES_COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#6f3c97", "#b58840", "#28a197")
SERIES_DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
MARKERS = ("circle", "square", "triangle", "diamond")


def bar_chart(
    labels: Sequence[Any],
    values: Sequence[Any],
    *,
    title: str,
    unit: str = "%",
    max_value: float | None = None,
    description: str | None = None,
) -> str:
    """Draw one horizontal bar per label, with its value written beside it.

    Parameters
    ----------
    labels : sequence
        One label per bar, in the order to draw them (top to bottom).
    values : sequence of float or None
        Non-negative values; ``None``, ``pandas.NA`` or NaN is a hidden value,
        drawn as "hidden" with no bar.
    title : str
        What the chart shows: the accessible name of the chart.
    unit : str, default "%"
        Written after each value ("%" directly, any other unit after a space).
    max_value : float, optional
        The value of a full-width bar; by default the largest value shown.
    description : str, optional
        The chart's ``<desc>`` (its alternative text); by default a sentence
        listing every label and value.

    Returns
    -------
    str
        An ``<svg>`` element.

    Raises
    ------
    ValueError
        If the lengths differ, a value is negative or infinite, or `max_value`
        is not positive.

    Examples
    --------
    >>> svg = bar_chart(["Paid", "Not paid"], [60.0, None], title="Pay")
    >>> "hidden" in svg and 'role="img"' in svg
    True
    """
    names = [str(label) for label in labels]
    numbers = _checked(values, len(names), "values")
    if any(value is not None and value < 0 for value in numbers):
        raise ValueError("bar chart values must not be negative")
    top = _bar_scale(numbers, max_value)
    chart_id = _chart_id("bar", title, names, numbers)
    summary = "; ".join(f"{name}: {_with_unit(value, unit)}" for name, value in zip(names, numbers))
    height = max(1, len(names)) * BAR_ROW + 8
    rows = [
        _bar_row(i, name, value, top, unit) for i, (name, value) in enumerate(zip(names, numbers))
    ]
    if not names:
        rows = [_text(0, 24, "No data", "chart-empty", fill=MUTED)]
    desc = f"Bar chart, {len(names)} bars. {summary}" if names else "Bar chart with no data."
    if description is not None:
        desc = description
    return _svg(chart_id, title, desc, height, rows, BAR_WIDTH)


def line_chart(
    x: Sequence[Any],
    series: Mapping[str, Sequence[Any]],
    *,
    title: str,
    x_label: str,
    y_label: str,
    marked_x: Any = None,
    marked_label: str = "chosen",
) -> str:
    """Draw one line per series over shared x values, and mark one x value.

    Parameters
    ----------
    x : sequence
        The x values, in order. Numbers are placed to scale; anything else is
        placed evenly, in the order given.
    series : mapping of str to sequence of float or None
        Series name to one y value per x value; a missing value leaves a gap.
        Series differ in colour, dash pattern and marker shape, and a legend
        names them.
    title : str
        What the chart shows: the accessible name of the chart.
    x_label, y_label : str
        Axis names.
    marked_x : optional
        An x value to mark with a vertical line (such as the chosen number of topics).
    marked_label : str, default "chosen"
        The word written by the mark.

    Returns
    -------
    str
        An ``<svg>`` element.

    Raises
    ------
    ValueError
        If a series is not as long as `x` or holds an infinite value.

    Examples
    --------
    >>> svg = line_chart([5, 6, 7], {"NPMI": [0.1, 0.2, None]}, title="Fit",
    ...                  x_label="k", y_label="score", marked_x=6)
    >>> svg.count('class="chart-mark"')
    1
    """
    xs = list(x)
    lines = {
        str(name): _checked(values, len(xs), f"series {name!r}") for name, values in series.items()
    }
    chart_id = _chart_id("line", title, xs, lines, marked_x)
    desc = _line_desc(xs, lines, x_label, y_label, marked_x, marked_label)
    plot = _Plot(xs, lines, legend_rows=len(lines))
    parts = plot.axes(x_label, y_label)
    if marked_x is not None and marked_x in xs:
        parts += plot.mark(marked_x, f"{marked_label}: {_number(marked_x)}")
    for index, (name, values) in enumerate(lines.items()):
        parts += plot.series(index, values)
        parts += _legend_entry(index, name)
    if not any(value is not None for values in lines.values() for value in values):
        parts.append(_text(plot.left + 8, plot.top + 20, "No data", "chart-empty", fill=MUTED))
    return _svg(chart_id, title, desc, plot.height, parts)


class _Plot:
    """Map data to viewBox units for a line chart and draw its parts."""

    def __init__(self, xs: list, lines: Mapping[str, list], *, legend_rows: int) -> None:
        self.xs = xs
        self.left, self.right = 56, WIDTH - 12
        self.top = 8 + 18 * legend_rows + 8
        self.bottom = self.top + 180
        self.height = self.bottom + 48
        known = [v for values in lines.values() for v in values if v is not None]
        self.ticks = _nice_ticks(min([0.0, *known]), max([*known, 0.0]))
        self.numeric = bool(xs) and all(_is_number(value) for value in xs)

    def px(self, value: Any) -> float:
        """Return the horizontal position of an x value."""
        if len(self.xs) < 2:
            return (self.left + self.right) / 2
        if self.numeric:
            low, high = float(min(self.xs)), float(max(self.xs))
            share = (float(value) - low) / (high - low) if high > low else 0.5
        else:
            share = self.xs.index(value) / (len(self.xs) - 1)
        return self.left + share * (self.right - self.left)

    def py(self, value: float) -> float:
        """Return the vertical position of a y value."""
        low, high = self.ticks[0], self.ticks[-1]
        return self.bottom - (value - low) / (high - low) * (self.bottom - self.top)

    def axes(self, x_label: str, y_label: str) -> list[str]:
        """Draw the axes, ticks, grid lines and axis names."""
        parts = [_line(self.left, self.bottom, self.right, self.bottom, "chart-axis")]
        parts.append(_line(self.left, self.top, self.left, self.bottom, "chart-axis"))
        for tick in self.ticks:
            y = self.py(tick)
            parts.append(_line(self.left, y, self.right, y, "chart-grid", stroke="#dcdcdc"))
            parts.append(_text(self.left - 6, y + 4, _number(tick), "chart-tick", anchor="end"))
        step = max(1, math.ceil(len(self.xs) / 12))
        for value in self.xs[::step]:
            parts.append(
                _text(
                    self.px(value), self.bottom + 16, _number(value), "chart-tick", anchor="middle"
                )
            )
        middle = (self.left + self.right) / 2
        parts.append(_text(middle, self.bottom + 38, x_label, "chart-axis-label", anchor="middle"))
        centre = (self.top + self.bottom) / 2
        parts.append(
            f'<text class="chart-axis-label" x="0" y="0" font-size="{FONT}" fill="{INK}" '
            f'text-anchor="middle" transform="translate(14 {centre:.1f}) rotate(-90)">'
            f"{_esc(y_label)}</text>"
        )
        return parts

    def mark(self, value: Any, label: str) -> list[str]:
        """Draw a dashed vertical line at `value`, with its label."""
        x = self.px(value)
        return [
            _line(x, self.top, x, self.bottom, "chart-mark", stroke=INK, dash="4 3"),
            _text(x + 4, self.top + 12, label, "chart-mark-label"),
        ]

    def series(self, index: int, values: list) -> list[str]:
        """Draw one series: a line per unbroken run of values, and a marker per point."""
        colour, dash = _series_style(index)
        parts, run = [], []
        for value, y in [*zip(self.xs, values), (None, None)]:
            if y is not None:
                run.append((self.px(value), self.py(y)))
                parts.append(_marker(index, *run[-1]))
            elif run:
                if len(run) > 1:
                    parts.append(_polyline(index, run, colour, dash))
                run = []
        return parts


def _bar_row(index: int, name: str, value: float | None, top: float, unit: str) -> str:
    """Draw one labelled bar, or the word "hidden" in place of a hidden bar."""
    y = index * BAR_ROW + 4
    label = _text(0, y + 13, _shorten(name), "chart-label")
    if value is None:
        return label + _text(0, y + 31, HIDDEN, "chart-hidden", fill=MUTED, italic=True)
    width = max((BAR_WIDTH - BAR_ROOM) * value / top, 1.0) if value > 0 else 0.0
    bar = (
        f'<rect class="chart-bar" x="0" y="{y + 18}" width="{width:.1f}" height="16" fill="{BAR}"/>'
    )
    if value == 0:
        bar = ""  # a zero is written, not drawn
    text = _text(width + 6, y + 31, _with_unit(value, unit), "chart-value")
    return label + bar + text


def _bar_scale(numbers: list[float | None], max_value: float | None) -> float:
    """Return the value of a full-width bar."""
    if max_value is not None:
        if not _is_number(max_value) or not 0 < float(max_value) < math.inf:
            raise ValueError(f"max_value must be a positive number, not {max_value!r}")
        return float(max_value)
    return max([value for value in numbers if value is not None] + [0.0]) or 1.0


def _line_desc(
    xs: list, lines: Mapping[str, list], x_label: str, y_label: str, marked: Any, word: str
) -> str:
    """Describe a line chart in words, with every value."""
    names = ", ".join(lines) or "no series"
    text = f"Line chart of {y_label} ({names}) against {x_label}"
    if xs:
        text += f", from {_number(xs[0])} to {_number(xs[-1])}"
    text += "."
    if marked is not None and marked in xs:
        text += f" {word.capitalize()}: {x_label} = {_number(marked)}."
    for name, values in lines.items():
        points = ", ".join(
            f"{_number(x)}: {'missing' if y is None else _number(y)}" for x, y in zip(xs, values)
        )
        text += f" {name}: {points}."
    return text


def _legend_entry(index: int, name: str) -> str:
    """Draw the legend line of series `index`: its stroke, marker and name."""
    colour, dash = _series_style(index)
    y = 8 + 18 * index + 9
    sample = _polyline(index, [(56, y), (84, y)], colour, dash)
    return sample + _marker(index, 70, y) + _text(92, y + 4, name, "chart-legend")


def _series_style(index: int) -> tuple[str, str]:
    """Return the colour and dash pattern of series `index`."""
    return SERIES_COLOURS[index % len(SERIES_COLOURS)], SERIES_DASHES[index % len(SERIES_DASHES)]


def _marker(index: int, x: float, y: float) -> str:
    """Draw the marker of series `index` (a shape per series, not only a colour)."""
    colour, _ = _series_style(index)
    shape = MARKERS[index % len(MARKERS)]
    common = f'class="chart-point chart-series-{index}" fill="{colour}"'
    if shape == "circle":
        return f'<circle {common} cx="{x:.1f}" cy="{y:.1f}" r="3.5"/>'
    if shape == "square":
        return f'<rect {common} x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7"/>'
    offsets = (
        [(0, -4.5), (4, 3), (-4, 3)] if shape == "triangle" else [(0, -5), (5, 0), (0, 5), (-5, 0)]
    )
    points = " ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in offsets)
    return f'<polygon {common} points="{points}"/>'


def _polyline(index: int, points: list[tuple[float, float]], colour: str, dash: str) -> str:
    """Draw a stroke through `points` in the style of series `index`."""
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<polyline class="chart-line chart-series-{index}" points="{coords}" fill="none" '
        f'stroke="{colour}" stroke-width="2"{dashes}/>'
    )
