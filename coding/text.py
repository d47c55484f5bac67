"""Text normalisation and offsets: the one place where positions in a text are converted.

Heard stores text NFC-normalised with ``\\n`` line endings and counts offsets in
Unicode code points, start inclusive, end exclusive (the REFI-QDA convention).
Two kinds of foreign offsets arrive at the edges:

- the browser counts UTF-16 code units, in which a character outside the Basic
  Multilingual Plane (most emoji, some CJK) counts twice:
  :func:`utf16_to_codepoints` and :func:`codepoints_to_utf16` convert;
- other tools count code points over text that is not normalised (NVivo and
  MAXQDA count ``\\r\\n`` as two code points; a Mac may send NFD text):
  :func:`normalise_with_map` returns the normalised text and an
  :class:`OffsetMap` that carries their offsets over.

Every function here refuses an offset that is not an integer (``True``, ``2.0``
and ``"2"`` included), negative, or past the end of the text, with a
:class:`~coding.errors.CodingError` whose message a person can act on.

Examples
--------
>>> text, offsets = normalise_with_map("one\\r\\ntwo")
>>> text
'one\\ntwo'
>>> offsets.map(5)
4
>>> codepoints_to_utf16("🙂 ok", 1)
2
"""

from __future__ import annotations

import functools
import numbers
import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

import numpy as np
import numpy.typing as npt

from coding.errors import CodingError, ErrorCode

Side = Literal["start", "end"]
IntArray = npt.NDArray[np.int64]

_LINE_BREAK = re.compile(r"\r\n?")
_HANGUL_VOWELS = range(0x1161, 0x1176)
_HANGUL_TRAILS = range(0x11A8, 0x11C3)


def normalise(text: str) -> str:
    """Return `text` in Heard's form: NFC, with ``\\r\\n`` and lone ``\\r`` turned into ``\\n``.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The normalised text.

    Examples
    --------
    >>> normalise("cafe\\u0301\\r\\nla\\rvie")
    'café\\nla\\nvie'
    """
    return unicodedata.normalize("NFC", _LINE_BREAK.sub("\n", text))


class OffsetMap:
    """Carry code-point offsets in an original text over to its normalised form.

    The original text is cut into *clusters* that normalise independently: a
    ``\\r\\n`` pair, or a character with the combining marks that compose with
    it. An offset on a cluster boundary maps exactly. An offset strictly inside
    a cluster (between ``\\r`` and ``\\n``, or between a letter and its accent)
    has no exact image: ``side="start"`` rounds it down to the start of the
    cluster and ``side="end"`` rounds it up to its end, so a selection
    ``[start, end)`` mapped with ``map_span`` never loses text it touched.

    Build one with :func:`normalise_with_map`.
    """

    __slots__ = ("_n_end", "_n_start", "_o_end", "_o_start", "normalised_length", "original_length")

    def __init__(
        self,
        original_length: int,
        normalised_length: int,
        clusters: list[tuple[int, int, int, int]],
    ) -> None:
        self.original_length = original_length
        self.normalised_length = normalised_length
        table = np.array(clusters, dtype=np.int64).reshape(-1, 4)
        self._o_start, self._o_end, self._n_start, self._n_end = table.T.copy()

    @property
    def is_identity(self) -> bool:
        """Return True when every offset maps to itself."""
        return self._o_start.size == 0

    def map(self, offset: object, *, side: Side = "start") -> int:
        """Return the normalised offset of one original offset.

        Parameters
        ----------
        offset : int
            Code-point offset in the original text, ``0 <= offset <= original_length``.
        side : {"start", "end"}
            How to round an offset inside a cluster: down for the start of a
            selection, up for its end.

        Returns
        -------
        int

        Examples
        --------
        >>> _, offsets = normalise_with_map("a\\r\\nb")
        >>> offsets.map(2, side="start"), offsets.map(2, side="end"), offsets.map(3)
        (1, 2, 2)
        """
        return int(self.map_many([as_offset(offset)], side=side)[0])

    def map_many(self, offsets: npt.ArrayLike, *, side: Side = "start") -> IntArray:
        """Return the normalised offsets of many original offsets at once.

        Parameters
        ----------
        offsets : array-like of int
            Code-point offsets in the original text.
        side : {"start", "end"}
            How to round offsets inside a cluster (see :meth:`map`).

        Returns
        -------
        numpy.ndarray of int64

        Examples
        --------
        >>> _, offsets = normalise_with_map("x\\r\\ny\\r\\nz")
        >>> offsets.map_many([0, 3, 6]).tolist()
        [0, 2, 4]
        """
        if side not in ("start", "end"):
            raise ValueError(f"side must be 'start' or 'end', not {side!r}")
        x = _offset_array(offsets, self.original_length)
        if self.is_identity:
            return x
        k = np.searchsorted(self._o_start, x, side="right") - 1
        kk = np.maximum(k, 0)
        o_start, o_end = self._o_start[kk], self._o_end[kk]
        inside = (k >= 0) & (x < o_end)
        after = (k >= 0) & (x >= o_end)
        result = x.copy()
        result[after] = (self._n_end[kk] + (x - o_end))[after]
        rounded = self._n_end[kk] if side == "end" else self._n_start[kk]
        result[inside] = rounded[inside]
        exact = inside & (x == o_start)  # a cluster's own start maps exactly
        result[exact] = self._n_start[kk][exact]
        return result

    def map_span(self, start: object, end: object) -> tuple[int, int]:
        """Return the normalised ``(start, end)`` of a selection, widened to whole clusters.

        Examples
        --------
        >>> _, offsets = normalise_with_map("e\\u0301te\\u0301")
        >>> offsets.map_span(1, 4)
        (0, 3)
        """
        return self.map(start, side="start"), self.map(end, side="end")


def normalise_with_map(text: str) -> tuple[str, OffsetMap]:
    """Return the normalised text and the map from offsets in `text` to offsets in it.

    Parameters
    ----------
    text : str
        Text as another tool holds it: possibly with ``\\r\\n`` or ``\\r`` line
        endings, possibly not in NFC.

    Returns
    -------
    normalised : str
        Equal to ``normalise(text)``.
    offsets : OffsetMap
        Converts code-point offsets in `text` to offsets in `normalised`.

    Examples
    --------
    An NVivo selection after two CRLF lines (each ``\\r\\n`` counts two):

    >>> text, offsets = normalise_with_map("ab\\r\\ncd\\r\\nfear")
    >>> start, end = offsets.map_span(8, 12)
    >>> text[start:end]
    'fear'
    """
    if "\r" not in text and unicodedata.is_normalized("NFC", text):
        return text, OffsetMap(len(text), len(text), [])
    if unicodedata.is_normalized("NFC", text):
        spans = ((m.start(), m.end()) for m in _LINE_BREAK.finditer(text))
        return _assemble(text, _with_gaps(spans, len(text)))
    return _assemble(text, _nfc_chunks(text))


def _with_gaps(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Return `spans` (sorted, disjoint) with the text between them as chunks of their own."""
    chunks: list[tuple[int, int]] = []
    position = 0
    for start, end in spans:
        if start > position:
            chunks.append((position, start))
        chunks.append((start, end))
        position = end
    if position < length:
        chunks.append((position, length))
    return chunks


def _assemble(text: str, chunks: list[tuple[int, int]]) -> tuple[str, OffsetMap]:
    """Normalise each chunk, join them, and record the chunks whose offsets move."""
    pieces: list[str] = []
    clusters: list[tuple[int, int, int, int]] = []
    position = 0
    for start, end in chunks:
        chunk = text[start:end]
        piece = unicodedata.normalize("NFC", _LINE_BREAK.sub("\n", chunk))
        pieces.append(piece)
        if piece != chunk and not (len(piece) == 1 and end - start == 1):
            clusters.append((start, end, position, position + len(piece)))
        position += len(piece)
    return "".join(pieces), OffsetMap(len(text), position, clusters)


def _nfc_chunks(text: str) -> list[tuple[int, int]]:
    """Cut `text` where normalisation cannot reach across: before a stable starter."""
    chunks: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(text)):
        if text[i - 1] == "\r" and text[i] == "\n":
            continue
        if _is_stable_starter(text[i]):
            chunks.append((start, i))
            start = i
    if text:
        chunks.append((start, len(text)))
    return chunks


def _is_stable_starter(char: str) -> bool:
    """Return True when nothing before `char` can reorder or compose with it."""
    if unicodedata.combining(char):
        return False
    first = unicodedata.normalize("NFD", char)[0]
    return not unicodedata.combining(first) and first not in _composing_seconds()


@functools.cache
def _composing_seconds() -> frozenset[str]:
    """Return every character that can compose with the character before it."""
    seconds = {chr(cp) for cp in (*_HANGUL_VOWELS, *_HANGUL_TRAILS)}
    for cp in range(0x110000):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                seconds.add(chr(int(parts[1], 16)))
    return frozenset(seconds)


def utf16_to_codepoints(text: str, offset: object) -> int:
    """Return the code-point offset of a UTF-16 offset (as a browser counts) in `text`.

    Parameters
    ----------
    text : str
        The text the offset points into.
    offset : int
        Offset in UTF-16 code units, ``0 <= offset <= utf16 length of text``.

    Returns
    -------
    int

    Raises
    ------
    CodingError
        ``OFFSET_SPLITS_SURROGATE`` when the offset falls between the two
        halves of a character outside the BMP; ``OFFSET_NOT_INTEGER`` or
        ``OFFSET_OUT_OF_RANGE`` for a bad offset.

    Examples
    --------
    >>> utf16_to_codepoints("🙂 ok", 2)
    1
    """
    return int(utf16_to_codepoints_many(text, [as_offset(offset)])[0])


def codepoints_to_utf16(text: str, offset: object) -> int:
    """Return the UTF-16 offset (as a browser counts) of a code-point offset in `text`.

    Examples
    --------
    >>> codepoints_to_utf16("a🙂b", 2)
    3
    """
    return int(codepoints_to_utf16_many(text, [as_offset(offset)])[0])


def utf16_to_codepoints_many(text: str, offsets: npt.ArrayLike) -> IntArray:
    """Return the code-point offsets of many UTF-16 offsets in `text`, vectorised.

    Parameters
    ----------
    text : str
        The text the offsets point into.
    offsets : array-like of int
        Offsets in UTF-16 code units.

    Returns
    -------
    numpy.ndarray of int64

    Examples
    --------
    >>> utf16_to_codepoints_many("🙂🙂x", [0, 2, 4, 5]).tolist()
    [0, 1, 2, 3]
    """
    units = np.arange(len(text) + 1, dtype=np.int64) + _astral_before(text)
    x = _offset_array(offsets, int(units[-1]))
    index = np.searchsorted(units, x)
    split = units[index] != x
    if split.any():
        raise CodingError(ErrorCode.OFFSET_SPLITS_SURROGATE, offset=int(x[split][0]))
    return index.astype(np.int64)


def codepoints_to_utf16_many(text: str, offsets: npt.ArrayLike) -> IntArray:
    """Return the UTF-16 offsets of many code-point offsets in `text`, vectorised.

    Examples
    --------
    >>> codepoints_to_utf16_many("🙂🙂x", [0, 1, 2, 3]).tolist()
    [0, 2, 4, 5]
    """
    x = _offset_array(offsets, len(text))
    return x + _astral_before(text)[x]


def utf16_length(text: str) -> int:
    """Return the length of `text` in UTF-16 code units (what ``String.length`` gives in JS).

    Examples
    --------
    >>> utf16_length("🙂 ok")
    5
    """
    return len(text) + int(_astral_before(text)[-1])


def _astral_before(text: str) -> IntArray:
    """Return, for each code-point offset 0..len(text), how many astral characters precede it."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    counts = np.zeros(len(text) + 1, dtype=np.int64)
    np.cumsum(codes > 0xFFFF, out=counts[1:])
    return counts


def as_offset(value: object) -> int:
    """Return `value` as an int offset, refusing bools, floats, strings and the like.

    Examples
    --------
    >>> as_offset(3)
    3
    >>> as_offset(3.0)
    Traceback (most recent call last):
    ...
    coding.errors.CodingError: The position 3.0 is not a whole number.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise CodingError(ErrorCode.OFFSET_NOT_INTEGER, value=value)
    return int(value)


def _offset_array(offsets: npt.ArrayLike, length: int) -> IntArray:
    """Return `offsets` as an int64 array, refusing non-integers and offsets outside [0, length]."""
    if isinstance(offsets, np.ndarray) and offsets.dtype.kind in "iu":
        if offsets.dtype.kind == "u" and offsets.size and offsets.max() > length:
            raise CodingError(
                ErrorCode.OFFSET_OUT_OF_RANGE, offset=int(offsets.max()), length=length
            )
        x = offsets.astype(np.int64)
    else:
        values = [as_offset(v) for v in np.asarray(offsets, dtype=object).ravel()]
        for value in values:
            if not 0 <= value <= length:
                raise CodingError(ErrorCode.OFFSET_OUT_OF_RANGE, offset=value, length=length)
        x = np.array(values, dtype=np.int64).reshape(np.shape(offsets))
    bad = (x < 0) | (x > length)
    if bad.any():
        raise CodingError(ErrorCode.OFFSET_OUT_OF_RANGE, offset=int(x[bad][0]), length=length)
    return x
