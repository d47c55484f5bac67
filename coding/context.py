"""Keyword in context: the text around a span, cut where a reader sees a boundary.

Offsets are Unicode code points (see :mod:`coding.segments`). A cut never
splits what a reader sees as one character: :func:`is_boundary` approximates
Unicode's extended grapheme clusters (UAX #29) without a dependency.

Examples
--------
>>> context("She kept our passports in a locked drawer.", 13, 22, width=12)
('kept our ', 'passports', ' in a locked')
>>> is_boundary("e\\u0301t", 1)
False
"""

from __future__ import annotations

import unicodedata

from coding.spans import check_span

_ZWJ = "\u200d"
_VIRAMA = 9  # the canonical combining class of a virama
_MARKS = frozenset({"Mn", "Mc", "Me"})  # marks extend the character before them
# Grapheme_Cluster_Break Extend and SpacingMark characters that are not marks: ZWNJ and
# ZWJ, halfwidth kana voicing, Kannada, Thai and Lao vowels, skin tones, emoji tags.
_EXTENDERS = ((0x200C, 0x200D), (0xFF9E, 0xFF9F), (0x0CF3, 0x0CF3), (0x0E33, 0x0E33))
_EXTENDERS += ((0x0EB3, 0x0EB3), (0x1F3FB, 0x1F3FF), (0xE0020, 0xE007F))
# Grapheme_Cluster_Break Prepend: signs that bind to what follows (Arabic number signs...).
_PREPEND = ((0x0600, 0x0605), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891))
_PREPEND += ((0x08E2, 0x08E2), (0x0D4E, 0x0D4E), (0x110BD, 0x110BD), (0x110CD, 0x110CD))
_PREPEND += ((0x111C2, 0x111C3), (0x1193F, 0x1193F), (0x11941, 0x11941), (0x11A84, 0x11A89))
_PREPEND += ((0x11D46, 0x11D46), (0x11F02, 0x11F02))
_JAMO = (
    ("L", ((0x1100, 0x115F), (0xA960, 0xA97C))),
    ("V", ((0x1160, 0x11A7), (0xD7B0, 0xD7C6))),
    ("T", ((0x11A8, 0x11FF), (0xD7CB, 0xD7FB))),
)
_HANGUL_JOINS = frozenset(
    {("L", "L"), ("L", "V"), ("L", "LV"), ("L", "LVT"), ("LV", "V"), ("LV", "T")}
    | {("V", "V"), ("V", "T"), ("LVT", "T"), ("T", "T")}
)


def context(text: str, start: int, end: int, width: int = 80) -> tuple[str, str, str]:
    """Return the text before, inside and after ``[start, end)``, for keyword in context.

    The context on each side holds at most `width` code points. It is cut at a
    word boundary (whitespace) when one lies in the outer half of the window,
    so most of the context survives a long word; otherwise at a character
    boundary: never inside a surrogate pair, between a character and its
    combining marks, inside an emoji joined by ZERO WIDTH JOINER or a skin tone,
    or inside a flag. Whitespace at the cut is dropped.

    Parameters
    ----------
    text : str
        The document's text.
    start, end : int
        The span, start inclusive, end exclusive.
    width : int
        The most code points of context on each side.

    Returns
    -------
    tuple of str
        ``(before, span, after)``: ``before + span + after`` is a piece of `text`.

    Raises
    ------
    CodingError
        When the span is not one of `text` (see :func:`coding.spans.check_span`).
    ValueError
        When `width` is negative.

    Examples
    --------
    >>> context("I could not leave because they held my papers.", 12, 17, width=10)
    ('could not ', 'leave', ' because')
    """
    start, end = check_span(len(text), start, end)
    if width < 0:
        raise ValueError(f"width must not be negative, not {width}")
    before = text[_context_start(text, start, width) : start]
    after = text[end : _context_end(text, end, width)]
    return before, text[start:end], after


def _context_start(text: str, start: int, width: int) -> int:
    low = start - width
    if low <= 0:
        return 0
    cut = low
    # A word starts at `low` if whitespace precedes it; look no further than half way.
    for i in range(low - 1, min(start, low + width // 2)):
        if text[i].isspace():
            cut = i + 1
            break
    while cut < start and (text[cut].isspace() or not is_boundary(text, cut)):
        cut += 1
    return cut


def _context_end(text: str, end: int, width: int) -> int:
    high = end + width
    if high >= len(text):
        return len(text)
    cut = high
    for i in range(high, max(end, high - width // 2) - 1, -1):
        if text[i].isspace():
            cut = i
            break
    while cut > end and (text[cut - 1].isspace() or not is_boundary(text, cut)):
        cut -= 1
    return cut


def is_boundary(text: str, index: int) -> bool:
    """Return whether `text` may be cut before `index` without splitting a character a reader sees.

    An approximation of Unicode's extended grapheme clusters (UAX #29) that
    needs no dependency and errs towards not cutting: it keeps whole surrogate
    pairs, combining and spacing marks, Hangul syllables, Indic conjuncts,
    prepended signs, emoji sequences (ZWJ, skin tones, tags) and flags.

    Parameters
    ----------
    text : str
        The text.
    index : int
        A position in code points; the ends of the text (and beyond) are boundaries.

    Returns
    -------
    bool
        True when a cut before `index` keeps every character whole.

    Examples
    --------
    >>> is_boundary("e\\u0301t", 1), is_boundary("e\\u0301t", 2)
    (False, True)
    >>> flags = "\\U0001F1EC\\U0001F1E7\\U0001F1EB\\U0001F1F7"
    >>> [is_boundary(flags, i) for i in range(5)]
    [True, False, True, False, True]
    """
    if index <= 0 or index >= len(text):
        return True
    before, char = text[index - 1], text[index]
    if unicodedata.category(char) in _MARKS or _within(char, _EXTENDERS) or _joined(before, char):
        return False
    if _is_regional(char) and _is_regional(before):
        run = 0
        while index - run - 1 >= 0 and _is_regional(text[index - run - 1]):
            run += 1
        return run % 2 == 0  # flags are pairs of regional indicators
    return True


def _joined(before: str, char: str) -> bool:
    """Return whether `before` binds to the next character, whatever that is (or to `char`)."""
    if "\ud800" <= before <= "\udbff" and "\udc00" <= char <= "\udfff":
        return True
    if before == _ZWJ or _within(before, _PREPEND) or (before, char) == ("\r", "\n"):
        return True
    if unicodedata.combining(before) == _VIRAMA and unicodedata.category(char) == "Lo":
        return True  # a virama links two consonants into one conjunct
    return (_hangul(before), _hangul(char)) in _HANGUL_JOINS


def _within(char: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    point = ord(char)
    return any(low <= point <= high for low, high in ranges)


def _hangul(char: str) -> str:
    point = ord(char)
    if 0xAC00 <= point <= 0xD7A3:
        return "LV" if (point - 0xAC00) % 28 == 0 else "LVT"
    for kind, ranges in _JAMO:
        if any(low <= point <= high for low, high in ranges):
            return kind
    return ""


def _is_regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"
