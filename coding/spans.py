"""Spans of a text: checked offsets, unions, intersections and where span sets differ.

A span is ``(start, end)`` in Unicode code points over NFC text with ``\\n``
line endings, start inclusive, end exclusive (the REFI-QDA convention), so
``text[start:end]`` is its text. Everything here is pure arithmetic on spans;
the codings that carry them are :mod:`coding.segments`.

Examples
--------
>>> merge_spans([(5, 9), (0, 3), (3, 4)])
[(0, 4), (5, 9)]
>>> intersect_spans([[(0, 10)], [(4, 12)]]), disagreement_spans([[(0, 10)], [(4, 12)]])
([(4, 10)], [(0, 4), (10, 12)])
"""

from __future__ import annotations

import numbers
from collections import defaultdict
from collections.abc import Iterable, Sequence

from coding.errors import CodingError, ErrorCode

Span = tuple[int, int]
EXCERPT = 160


def check_offset(value: object) -> int:
    """Return `value` as an int, or raise OFFSET_NOT_INTEGER.

    Parameters
    ----------
    value : object
        A position from a form, a JSON body or a file.

    Returns
    -------
    int
        The position; floats and booleans are refused, even ``2.0`` and ``True``.

    Examples
    --------
    >>> check_offset(7)
    7
    >>> check_offset(True)
    Traceback (most recent call last):
    coding.errors.CodingError: The position True is not a whole number.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise CodingError(ErrorCode.OFFSET_NOT_INTEGER, value=value)
    return int(value)


def check_span(length: int, start: object, end: object) -> tuple[int, int]:
    """Return ``(start, end)`` as ints if they are a non-empty span of a text of `length`.

    Parameters
    ----------
    length : int
        The text's length in code points.
    start, end : object
        The span, start inclusive, end exclusive.

    Returns
    -------
    tuple of int
        ``(start, end)``.

    Raises
    ------
    CodingError
        OFFSET_NOT_INTEGER, SPAN_REVERSED, SPAN_EMPTY or SPAN_OUT_OF_RANGE.

    Examples
    --------
    >>> check_span(10, 2, 5)
    (2, 5)
    >>> check_span(10, 4, 4)
    Traceback (most recent call last):
    coding.errors.CodingError: The span 4-4 is empty: select some text.
    """
    first, last = check_offset(start), check_offset(end)
    if first > last:
        raise CodingError(ErrorCode.SPAN_REVERSED, start=first, end=last)
    if first == last:
        raise CodingError(ErrorCode.SPAN_EMPTY, start=first, end=last)
    if first < 0 or last > length:
        raise CodingError(ErrorCode.SPAN_OUT_OF_RANGE, start=first, end=last, length=length)
    return first, last


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the union of `spans` as sorted spans that neither overlap nor touch.

    Empty spans cover nothing and vanish.

    Examples
    --------
    >>> merge_spans([(10, 12), (0, 4), (2, 6), (6, 8)])
    [(0, 8), (10, 12)]
    """
    merged: list[tuple[int, int]] = []
    for start, end in sorted(span for span in spans if span[0] < span[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def coverage(span_sets: Sequence[Iterable[Span]]) -> list[tuple[int, int, int]]:
    """Return ``(start, end, count)`` for each stretch covered by `count` >= 1 of `span_sets`.

    Each set is merged first, so a coder whose own spans overlap counts once;
    neighbouring stretches with the same count are joined.

    Parameters
    ----------
    span_sets : sequence of iterables of (int, int)
        One set of spans per coder (or per anything counted).

    Returns
    -------
    list of (int, int, int)
        Sorted stretches that neither overlap nor, with the same count, touch.

    Examples
    --------
    >>> coverage([[(0, 5)], [(3, 8), (4, 6)]])
    [(0, 3, 1), (3, 5, 2), (5, 8, 1)]
    """
    events: dict[int, int] = defaultdict(int)
    for spans in span_sets:
        for start, end in merge_spans(spans):
            events[start] += 1
            events[end] -= 1
    stretches: list[tuple[int, int, int]] = []
    count, previous = 0, None
    for point in sorted(events):
        if previous is not None and count > 0:
            if stretches and stretches[-1][1] == previous and stretches[-1][2] == count:
                stretches[-1] = (stretches[-1][0], point, count)
            else:
                stretches.append((previous, point, count))
        count += events[point]
        previous = point
    return stretches


def _joined(stretches: Iterable[tuple[int, int, int]]) -> list[Span]:
    return merge_spans((start, end) for start, end, _ in stretches)


def intersect_spans(span_sets: Sequence[Iterable[Span]]) -> list[Span]:
    """Return the spans covered by every one of `span_sets` (nothing when there are none).

    Parameters
    ----------
    span_sets : sequence of iterables of (int, int)
        One set of spans per coder.

    Returns
    -------
    list of (int, int)
        Sorted spans that neither overlap nor touch.

    Examples
    --------
    >>> intersect_spans([[(0, 5), (8, 9)], [(3, 9)]])
    [(3, 5), (8, 9)]
    """
    sets = [list(spans) for spans in span_sets]
    return _joined(s for s in coverage(sets) if s[2] == len(sets))


def disagreement_spans(span_sets: Sequence[Iterable[Span]]) -> list[Span]:
    """Return the spans covered by some but not all of `span_sets`.

    Parameters
    ----------
    span_sets : sequence of iterables of (int, int)
        One set of spans per coder.

    Returns
    -------
    list of (int, int)
        Sorted spans that neither overlap nor touch.

    Examples
    --------
    >>> disagreement_spans([[(0, 5)], [(3, 9)], [(3, 5)]])
    [(0, 3), (5, 9)]
    """
    sets = [list(spans) for spans in span_sets]
    return _joined(s for s in coverage(sets) if s[2] < len(sets))


def pieces(text: str, spans: Iterable[Span]) -> list[tuple[str, bool]]:
    """Split `text` into ``(piece, marked)`` runs, marked inside `spans`.

    Parameters
    ----------
    text : str
        The text.
    spans : iterable of (int, int)
        The spans to mark; they may overlap.

    Returns
    -------
    list of (str, bool)
        Runs whose pieces join into `text`.

    Examples
    --------
    >>> pieces("They took my passport.", [(5, 9)])
    [('They ', False), ('took', True), (' my passport.', False)]
    """
    runs: list[tuple[str, bool]] = []
    at = 0
    for start, end in merge_spans(spans):
        if start > at:
            runs.append((text[at:start], False))
        runs.append((text[start:end], True))
        at = end
    if at < len(text):
        runs.append((text[at:], False))
    return runs


def excerpt(text: str, span: Span, limit: int = EXCERPT) -> str:
    """Return the text of `span`, shortened with an ellipsis past `limit` characters.

    Parameters
    ----------
    text : str
        The text.
    span : (int, int)
        The span.
    limit : int
        The most characters returned, the ellipsis included.

    Returns
    -------
    str
        The span's text, or its first ``limit - 1`` characters and "…".

    Examples
    --------
    >>> excerpt("They took my passport.", (5, 21), limit=8)
    'took my…'
    """
    words = text[span[0] : span[1]]
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"
