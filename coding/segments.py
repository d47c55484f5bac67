"""Segments: spans of a document's text and the codings that cover them.

Offsets are Unicode code points over NFC text with ``\\n`` line endings, start
inclusive, end exclusive (the REFI-QDA convention), so ``text[start:end]`` is the
coded text.

One rule keeps codings tidy: the same coder applying the same code to
overlapping or touching text of the same document gets one coding covering the
union (:func:`add_coding`). Two segments side by side are one passage to a
reader, and counting them twice would inflate every frequency table.

Examples
--------
>>> merge_spans([(5, 9), (0, 3), (3, 4)])
[(0, 4), (5, 9)]
>>> context("She kept our passports in a locked drawer.", 13, 22, width=12)
('kept our ', 'passports', ' in a locked')
"""

from __future__ import annotations

import numbers
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from coding.errors import CodingError, ErrorCode
from coding.model import Coding, new_guid

MEMO_SEPARATOR = "\n\n"
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


def join_memos(*memos: str) -> str:
    """Return the non-empty, distinct `memos` in order, separated by a blank line.

    Examples
    --------
    >>> join_memos("Debt bondage?", "", "Debt bondage?", "Check with the interviewer.")
    'Debt bondage?\\n\\nCheck with the interviewer.'
    """
    kept: list[str] = []
    for memo in memos:
        if memo.strip() and memo not in kept:
            kept.append(memo)
    return MEMO_SEPARATOR.join(kept)


def add_coding(codings: Sequence[Coding], new: Coding) -> tuple[Coding, ...]:
    """Return `codings` with `new` added, merged with the codings it overlaps or touches.

    Only codings of the same document, code and coder merge. The merged coding
    keeps the GUID and place of the earliest of them (the first in `codings`,
    so links to it survive); memos are joined in that order and it is
    distressing if any of them was.

    Parameters
    ----------
    codings : sequence of Coding
        The existing codings, oldest first.
    new : Coding
        The coding to add; its offsets are checked (not against the text).

    Examples
    --------
    >>> a = Coding("a", "doc", "fear", "ann", 0, 5, memo="threat")
    >>> b = Coding("b", "doc", "fear", "ann", 5, 9, distressing=True)
    >>> [(c.guid, c.start, c.end, c.memo, c.distressing) for c in add_coding((a,), b)]
    [('a', 0, 9, 'threat', True)]
    """
    start, end = check_offset(new.start), check_offset(new.end)
    if start >= end:
        error = ErrorCode.SPAN_EMPTY if start == end else ErrorCode.SPAN_REVERSED
        raise CodingError(error, start=start, end=end)
    key = (new.document, new.code, new.coder)
    candidates = [i for i, old in enumerate(codings) if (old.document, old.code, old.coder) == key]
    absorbed: list[int] = []
    grew = True
    while grew:  # a union can reach codings the new span alone did not touch
        grew = False
        for i in candidates:
            old = codings[i]
            if i not in absorbed and old.start <= end and start <= old.end:
                absorbed.append(i)
                start, end, grew = min(start, old.start), max(end, old.end), True
    if not absorbed:
        return (*codings, new)
    group = [codings[i] for i in sorted(absorbed)] + [new]
    merged = replace(
        group[0],
        start=start,
        end=end,
        memo=join_memos(*(coding.memo for coding in group)),
        distressing=any(coding.distressing for coding in group),
    )
    first = group[0].guid
    return tuple(
        merged if coding.guid == first else coding
        for i, coding in enumerate(codings)
        if i not in absorbed or coding.guid == first
    )


def remove_span(
    codings: Sequence[Coding],
    coding_guid: str,
    start: int | None = None,
    end: int | None = None,
) -> tuple[Coding, ...]:
    """Return `codings` with ``[start, end)`` cut out of one coding (all of it by default).

    Cutting out the middle leaves two codings: the first keeps the GUID, the
    second gets a new one; both keep the memo and the distressing flag. The cut
    may reach beyond the coding: only the characters it shares with the coding
    are removed.

    Parameters
    ----------
    codings : sequence of Coding
        The codings.
    coding_guid : str
        The coding to cut; CODING_UNKNOWN if there is none.
    start, end : int, optional
        The characters to uncode; None means the coding's own start or end.

    Examples
    --------
    >>> coding = Coding("a", "doc", "fear", "ann", 0, 10)
    >>> [(c.start, c.end) for c in remove_span((coding,), "a", 3, 5)]
    [(0, 3), (5, 10)]
    >>> remove_span((coding,), "a")
    ()
    """
    index = next((i for i, c in enumerate(codings) if c.guid == coding_guid), None)
    if index is None:
        raise CodingError(ErrorCode.CODING_UNKNOWN, ref=coding_guid)
    coding = codings[index]
    cut_start = coding.start if start is None else check_offset(start)
    cut_end = coding.end if end is None else check_offset(end)
    if cut_start >= cut_end:
        error = ErrorCode.SPAN_EMPTY if cut_start == cut_end else ErrorCode.SPAN_REVERSED
        raise CodingError(error, start=cut_start, end=cut_end)
    pieces: list[Coding] = []
    if coding.start < cut_start:
        pieces.append(replace(coding, end=min(coding.end, cut_start)))
    if cut_end < coding.end:
        guid = new_guid() if pieces else coding.guid
        pieces.append(replace(coding, guid=guid, start=max(coding.start, cut_end)))
    return (*codings[:index], *pieces, *codings[index + 1 :])


def recode(codings: Sequence[Coding], source: str, target: str) -> tuple[Coding, ...]:
    """Return `codings` with code `source`'s codings given to code `target`.

    A coding that would repeat one of the target's (same document, coder,
    start and end) is dropped: its memo is joined to the one it repeats, whose
    GUID survives, and that one becomes distressing if either was. Overlapping
    codings that are not exact repeats stay apart, so no segment is lost.

    Parameters
    ----------
    codings : sequence of Coding
        Every coding of the project.
    source, target : str
        The GUIDs of the code giving its codings and of the code receiving them.

    Examples
    --------
    >>> held = Coding("a", "doc", "fear", "ann", 0, 5, memo="threat")
    >>> repeat = Coding("b", "doc", "afraid", "ann", 0, 5, memo="police")
    >>> other = Coding("c", "doc", "afraid", "ann", 7, 9)
    >>> [(c.guid, c.code, c.memo) for c in recode((held, repeat, other), "afraid", "fear")]
    [('a', 'fear', 'threat\\n\\npolice'), ('c', 'fear', '')]
    """
    held = {(c.document, c.coder, c.start, c.end): c.guid for c in codings if c.code == target}
    repeats: defaultdict[str, list[Coding]] = defaultdict(list)
    kept: list[Coding] = []
    for coding in codings:
        if coding.code == source:
            key = (coding.document, coding.coder, coding.start, coding.end)
            if key in held:
                repeats[held[key]].append(coding)
                continue
            coding = replace(coding, code=target)
            held[key] = coding.guid
        kept.append(coding)
    return tuple(_fold(coding, repeats.get(coding.guid, [])) for coding in kept)


def _fold(coding: Coding, repeats: Sequence[Coding]) -> Coding:
    if not repeats:
        return coding
    return replace(
        coding,
        memo=join_memos(coding.memo, *(r.memo for r in repeats)),
        distressing=coding.distressing or any(r.distressing for r in repeats),
    )


def coding_counts(codings: Iterable[Coding]) -> dict[str, tuple[int, int]]:
    """Return, for each code applied, its number of segments and of documents.

    Examples
    --------
    >>> codings = [Coding("a", "d1", "fear", "ann", 0, 4), Coding("b", "d1", "fear", "ann", 9, 12),
    ...            Coding("c", "d2", "fear", "bo", 0, 3), Coding("d", "d2", "debt", "bo", 0, 3)]
    >>> coding_counts(codings)
    {'fear': (3, 2), 'debt': (1, 1)}
    """
    segments: Counter[str] = Counter()
    documents: defaultdict[str, set[str]] = defaultdict(set)
    for coding in codings:
        segments[coding.code] += 1
        documents[coding.code].add(coding.document)
    return {code: (count, len(documents[code])) for code, count in segments.items()}


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
        The span, checked with :func:`check_span`.
    width : int
        The most code points of context on each side.

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
