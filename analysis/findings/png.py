"""Draw a bar chart as PNG bytes with Pillow, for documents that cannot hold SVG (DOCX).

The font is the one bundled with Pillow's wheel (nothing is downloaded), the
image carries no metadata (no time, no software name), so the same chart gives
the same bytes. A hidden value is written as "hidden" with no bar; a zero is
written, not drawn.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

__all__ = ["HIDDEN", "SCALE", "WIDTH", "bar_chart_png", "chart_height"]

WIDTH = 800  # pixels
SCALE = 2  # pixels per point in the document: 800 px prints 400 pt wide
MARGIN = 16
TITLE_SIZE, LABEL_SIZE = 24, 20
ROW = 64  # label line, then the bar
BAR_HEIGHT = 24
VALUE_ROOM = 110  # right of the longest bar
INK, MUTED, BAR = (11, 12, 12), (80, 90, 95), (29, 112, 184)
HIDDEN = "hidden"


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _fit(draw: ImageDraw.ImageDraw, text: str, font, width: float) -> str:
    """Return `text` cut with an ellipsis so it fits in `width` pixels."""
    text = " ".join(str(text).split())
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _title_lines(draw: ImageDraw.ImageDraw, title: str, font) -> list[str]:
    """Wrap the title over at most two lines."""
    words, lines, line = " ".join(str(title).split()).split(" "), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > WIDTH - 2 * MARGIN:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], _fit(draw, " ".join(lines[1:]), font, WIDTH - 2 * MARGIN)]
    return lines


def chart_height(labels: Sequence[str], title: str) -> int:
    """Return the height in pixels of the chart of `labels` with `title`."""
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    title_rows = len(_title_lines(probe, title, _font(TITLE_SIZE)))
    return MARGIN + title_rows * 32 + 8 + max(1, len(labels)) * ROW + MARGIN


def _value(value: float, unit: str) -> str:
    number = f"{value:.0f}" if unit == "%" else f"{value:,.10g}"
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}".strip()


def bar_chart_png(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    unit: str = "%",
    max_value: float | None = None,
) -> bytes:
    """Return a horizontal bar chart as PNG bytes, WIDTH pixels wide.

    Parameters
    ----------
    labels : sequence of str
        One per bar, top to bottom.
    values : sequence of float or None
        Non-negative; None is a hidden value, written as "hidden".
    title : str
        Written at the top (at most two lines).
    unit : str, default "%"
        Written after each value.
    max_value : float, optional
        The value of a full-width bar; by default the largest value.

    Returns
    -------
    bytes
        A PNG image, RGB, the same bytes for the same arguments.
    """
    if len(labels) != len(values):
        raise ValueError(f"{len(values)} values for {len(labels)} labels")
    numbers = [None if v is None or not math.isfinite(float(v)) else float(v) for v in values]
    if any(v is not None and v < 0 for v in numbers):
        raise ValueError("bar chart values must not be negative")
    top = max_value or max([v for v in numbers if v is not None] + [0.0]) or 1.0
    height = chart_height(labels, title)
    image = Image.new("RGB", (WIDTH, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    title_font, font = _font(TITLE_SIZE), _font(LABEL_SIZE)
    y = MARGIN
    for line in _title_lines(draw, title, title_font):
        draw.text((MARGIN, y), line, font=title_font, fill=INK)
        y += 32
    y += 8
    room = WIDTH - 2 * MARGIN - VALUE_ROOM
    if not labels:
        draw.text((MARGIN, y), "No data", font=font, fill=MUTED)
    for label, value in zip(labels, numbers):
        draw.text((MARGIN, y), _fit(draw, label, font, WIDTH - 2 * MARGIN), font=font, fill=INK)
        bar_y = y + 28
        if value is None:
            draw.text((MARGIN, bar_y), HIDDEN, font=font, fill=MUTED)
        else:
            width = max(room * min(value, top) / top, 2.0) if value > 0 else 0.0
            if width:
                draw.rectangle((MARGIN, bar_y, MARGIN + width, bar_y + BAR_HEIGHT), fill=BAR)
            text_x = MARGIN + width + 8
            draw.text((text_x, bar_y), _value(value, unit), font=font, fill=INK)
        y += ROW
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=9)
    return out.getvalue()
