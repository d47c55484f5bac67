"""SVG primitives of :mod:`analysis.charts`: escaped text, lines, the root element, numbers.

Private helper. Everything written here is escaped, and no element carries a
``style`` attribute (the pages' CSP has no ``unsafe-inline``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from html import escape
from numbers import Real
from typing import Any

HIDDEN = "hidden"
WIDTH = 400  # line charts
FONT = 13
LABEL_CHARS = 44
INK, MUTED = "#0b0c0c", "#505a5f"


def _svg(
    chart_id: str, title: str, desc: str, height: float, parts: list[str], width: int = WIDTH
) -> str:
    """Wrap `parts` in an accessible, scalable ``<svg>`` element."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height:.0f}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="sans-serif" font-size="{FONT}">'
        f'<title id="{chart_id}-title">{_esc(title)}</title>'
        f'<desc id="{chart_id}-desc">{_esc(desc)}</desc>' + "".join(parts) + "</svg>"
    )


def _text(
    x: float,
    y: float,
    content: str,
    css: str,
    *,
    anchor: str = "start",
    fill: str = INK,
    italic: bool = False,
) -> str:
    """Draw escaped text."""
    slant = ' font-style="italic"' if italic else ""
    return (
        f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" fill="{fill}" text-anchor="{anchor}"{slant}>'
        f"{_esc(content)}</text>"
    )


def _line(
    x1: float, y1: float, x2: float, y2: float, css: str, *, stroke: str = MUTED, dash: str = ""
) -> str:
    """Draw a straight line."""
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line class="{css}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
        f'stroke="{stroke}"{dashes}/>'
    )


def _checked(values: Sequence[Any], length: int, name: str) -> list[float | None]:
    """Return `values` as floats with None for missing ones, or raise if unusable."""
    out = [None if _is_missing(value) else float(value) for value in values]
    if len(out) != length:
        raise ValueError(f"{name} has {len(out)} values for {length} labels")
    if any(value is not None and math.isinf(value) for value in out):
        raise ValueError(f"{name} must not hold an infinite value")
    return out


def _is_missing(value: Any) -> bool:
    """Say whether `value` is None, pandas.NA or NaN."""
    if value is None or type(value).__name__ == "NAType":
        return True
    return _is_number(value) and math.isnan(float(value))


def _is_number(value: Any) -> bool:
    """Say whether `value` is a real number (not a bool)."""
    return isinstance(value, Real) and not isinstance(value, bool)


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Return evenly spaced round tick values covering `low` to `high`."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / (count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = [start]
    while ticks[-1] < high - 1e-9 * step:
        ticks.append(round(ticks[-1] + step, 12))
    return ticks if len(ticks) > 1 else [start, start + step]


def _number(value: Any) -> str:
    """Write a number briefly: whole numbers bare, others to three significant digits."""
    if not _is_number(value):
        return str(value)
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.3g}" if abs(number) < 1 else f"{number:.1f}"


def _with_unit(value: float | None, unit: str) -> str:
    """Write a value with its unit, or "hidden"."""
    if value is None:
        return HIDDEN
    text = _number(value)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _shorten(label: str) -> str:
    """Cut a long label for the drawing (the description keeps it whole)."""
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _chart_id(*content: Any) -> str:
    """Return an element id derived from the chart's content (stable, unique per chart)."""
    digest = hashlib.sha256(repr(content).encode("utf-8")).hexdigest()[:10]
    return f"chart-{digest}"


def _esc(text: str) -> str:
    """Escape text for XML content and attribute values."""
    return escape(str(text), quote=True)
