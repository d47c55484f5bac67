"""Split long documents into segments and add segment topic shares back up.

A topic model sees one short answer as one document, but a two-hour interview
holds many topics: fitting it whole blurs them. So long documents are split
into segments (transcript turns, paragraphs, or windows of about ``window``
words cut at sentence ends), the model scores each segment, and
:func:`document_shares` adds the segment shares back up per document,
weighted by words. :func:`group_shares` then averages documents per group
(a closed answer of the case, for example).

Offsets are Unicode code points into the document, start inclusive, end
exclusive, so ``texts[s.document][s.start:s.end] == s.text`` always holds.
No sentence model is downloaded: a sentence ends at ``.``, ``!``, ``?``,
``…``, Arabic ``؟``, Chinese and Japanese ``。！？`` or a line break.

Examples
--------
>>> text = "We picked fruit.\\n\\nThey kept our passports and paid us nothing."
>>> [s.text for s in split_documents([text], by="paragraph", min_words=1)]
['We picked fruit.', 'They kept our passports and paid us nothing.']
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

__all__ = [
    "SegmentError",
    "TextSegment",
    "document_shares",
    "group_shares",
    "split_documents",
    "word_spans",
]

SPLITTERS = ("auto", "none", "paragraph", "window", "turns")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?…؟。！？]|\n")


class SegmentError(ValueError):
    """Segments or weights that cannot be used, with a stable ``code`` and a message."""

    def __init__(self, message: str, code: str = "segments.invalid") -> None:
        super().__init__(message)
        self.code = code


@cache
def _word_pattern() -> re.Pattern[str]:
    """Return the word regex: a letter or digit, then letters, digits and combining marks."""
    marks, start, previous = [], None, None
    for point in range(sys.maxunicode + 1):  # combining marks: Arabic harakat, Indic vowel signs
        if unicodedata.category(chr(point))[0] == "M":
            if start is None or point != previous + 1:
                if start is not None:
                    marks.append((start, previous))
                start = point
            previous = point
    marks.append((start, previous))
    ranges = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in marks)
    char = f"(?:[^\\W_]|[{ranges}])"
    return re.compile(f"[^\\W_]{char}*")


def word_spans(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) code point offsets of the words of a text.

    A word is a run of letters, digits and combining marks (Arabic harakat,
    Indic vowel signs) starting with a letter or digit. Punctuation and emoji
    are not words, and apostrophes and hyphens separate words, so a search
    for "law" finds "mother-in-law's" and "couldn't" is "couldn" and "t".

    Examples
    --------
    >>> text = "No pay 😀, couldn't leave."
    >>> [text[a:b] for a, b in word_spans(text)]
    ['No', 'pay', 'couldn', 't', 'leave']
    """
    return [match.span() for match in _word_pattern().finditer(text)]


@dataclass(frozen=True)
class TextSegment:
    """A stretch of one document: ``texts[document][start:end] == text``."""

    document: int
    start: int
    end: int
    text: str

    @property
    def n_words(self) -> int:
        """Return the number of words in the segment."""
        return len(word_spans(self.text))


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Return ``(start, end)`` moved inwards past white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the spans of the paragraphs (split at blank lines) in ``text[start:end]``."""
    spans, begin = [], start
    for match in _PARAGRAPH_BREAK.finditer(text, start, end):
        spans.append((begin, match.start()))
        begin = match.end()
    spans.append((begin, end))
    return spans


def _sentence_cuts(text: str, words: list[tuple[int, int]]) -> list[int]:
    """Return the word indices ``i`` such that a sentence ends just before word ``i``."""
    return [
        i for i in range(1, len(words)) if _SENTENCE_END.search(text, words[i - 1][1], words[i][0])
    ]


def _window_cuts(text: str, words: list[tuple[int, int]], window: int) -> list[int]:
    """Return word indices where windows of about ``window`` words begin (after the first)."""
    count = round(len(words) / window)
    if count <= 1:
        return []
    sentences = _sentence_cuts(text, words)
    tolerance = max(1, window // 4)
    cuts: list[int] = []
    for j in range(1, count):
        ideal = round(j * len(words) / count)
        low = (cuts[-1] if cuts else 0) + 1
        if low >= len(words):  # a sentence end chosen late used up the last words
            break
        near = [c for c in sentences if low <= c and abs(c - ideal) <= tolerance]
        cuts.append(min(near, key=lambda c: (abs(c - ideal), c)) if near else max(ideal, low))
    return cuts


def _windows(text: str, start: int, end: int, window: int) -> list[tuple[int, int]]:
    """Return the spans of the windows of about ``window`` words tiling ``text[start:end]``."""
    words = [(a + start, b + start) for a, b in word_spans(text[start:end])]
    bounds = [start, *(words[i][0] for i in _window_cuts(text, words, window)), end]
    return list(itertools.pairwise(bounds))


def _merge_short(
    text: str, spans: list[tuple[int, int]], min_words: int
) -> list[tuple[int, int, int]]:
    """Return ``(start, end, words)``, merging spans under ``min_words`` words into a neighbour."""
    merged: list[tuple[int, int, int]] = []
    for start, end in spans:
        count = len(word_spans(text[start:end]))
        if merged and (count < min_words or merged[-1][2] < min_words):
            first, _, words = merged.pop()
            start, count = first, words + count
        merged.append((start, end, count))
    return merged


def _units(text: str, mode: str, turns: Sequence[tuple[int, int]], window: int) -> list:
    """Return the spans of one document before short ones are merged."""
    whole = [(0, len(text))]
    if mode == "auto":
        if len(word_spans(text)) < window:
            return whole
        units = list(turns) if turns else _paragraphs(text, 0, len(text))
        return [w for a, b in units for w in _windows(text, a, b, window)]
    if mode == "none":
        return whole
    if mode == "paragraph":
        return _paragraphs(text, 0, len(text))
    if mode == "window":
        return _windows(text, 0, len(text), window)
    return list(turns) or whole


def _check_turns(texts: Sequence[str], turns: Sequence | None, by: str) -> list:
    """Return one list of turns per document, checked against the texts."""
    if turns is None:
        if by == "turns":
            raise SegmentError(
                "Splitting by turns needs the turns of each document.", "segments.no_turns"
            )
        return [()] * len(texts)
    if len(turns) != len(texts):
        raise SegmentError(
            f"There are {len(turns)} lists of turns for {len(texts)} documents.",
            "segments.turns_mismatch",
        )
    for i, (text, spans) in enumerate(zip(texts, turns)):
        ends = [0]
        for start, end in spans:
            if not ends[-1] <= start <= end <= len(text):
                raise SegmentError(
                    f"Document {i}: turn ({start}, {end}) is outside the text "
                    "or overlaps the turn before.",
                    "segments.bad_turn",
                )
            ends.append(end)
    return [[(int(a), int(b)) for a, b in spans] for spans in turns]


def split_documents(
    texts: Sequence[str],
    *,
    by: str = "auto",
    turns: Sequence[Sequence[tuple[int, int]]] | None = None,
    window: int = 150,
    min_words: int = 5,
) -> list[TextSegment]:
    """Split documents into segments for a topic model, with exact offsets.

    Parameters
    ----------
    texts : sequence of str
        The documents (NFC text with ``\\n`` line endings).
    by : {"auto", "none", "paragraph", "window", "turns"}, default "auto"
        ``"none"`` keeps each document whole; ``"paragraph"`` splits at blank
        lines; ``"window"`` cuts about ``window`` words at a time, at the
        sentence end nearest the ideal cut (within a quarter window), else
        between words; ``"turns"`` uses ``turns``. ``"auto"`` keeps documents
        under ``window`` words whole, else splits by turns when the document
        has turns and by paragraphs otherwise, and windows any unit of more
        than about 1.5 windows.
    turns : sequence of sequences of (int, int), optional
        Per document, the (start, end) offsets of its transcript turns, in
        order and not overlapping (empty for a document without turns).
    window : int, default 150
        Words per window.
    min_words : int, default 5
        A segment with fewer words is merged into the one before it (the
        first into the one after it), so no text is lost; a document that is
        short altogether stays one segment.

    Returns
    -------
    list of TextSegment
        In document order, then text order, with surrounding white space
        trimmed. Documents without any word get no segment.

    Raises
    ------
    SegmentError
        An unknown ``by``, a window under 1, or turns that do not fit the texts.

    Examples
    --------
    >>> texts = ["Short answer.", "One. Two three. Four five six."]
    >>> [(s.document, s.text) for s in split_documents(texts, by="window", window=3, min_words=1)]
    [(0, 'Short answer.'), (1, 'One. Two three.'), (1, 'Four five six.')]
    """
    if by not in SPLITTERS:
        raise SegmentError(
            f"Unknown way to split documents {by!r}: use one of {', '.join(SPLITTERS)}.",
            "segments.unknown_by",
        )
    if int(window) < 1 or int(min_words) < 0:
        raise SegmentError(
            "The window needs at least 1 word and min_words cannot be negative.",
            "segments.bad_size",
        )
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise SegmentError(
                f"Document {i} is not text ({type(text).__name__}).", "segments.not_text"
            )
    per_document = _check_turns(texts, turns, by)
    segments = []
    for i, (text, spans) in enumerate(zip(texts, per_document)):
        units = [_strip(text, a, b) for a, b in _units(text, by, spans, int(window))]
        units = [(a, b) for a, b in units if word_spans(text[a:b])]
        for start, end, _ in _merge_short(text, units, int(min_words)):
            segments.append(TextSegment(i, start, end, text[start:end]))
    return segments


def document_shares(
    segments: Sequence[TextSegment], weights: np.ndarray, n_documents: int
) -> np.ndarray:
    """Add segment topic weights up into one share row per document.

    Each segment's weight row is first scaled to sum to 1; a document's row is
    the mean of its segments' rows weighted by their number of words
    (segments with an all-zero row, which had no counted term, are left out).

    Parameters
    ----------
    segments : sequence of TextSegment
    weights : array of shape (n_segments, n_topics)
        Non-negative, such as ``TopicModel.transform`` of the segment texts.
    n_documents : int
        Documents are numbered ``0 .. n_documents - 1``.

    Returns
    -------
    numpy.ndarray of shape (n_documents, n_topics)
        Rows sum to 1, or are all zero for a document without a scored segment.

    Examples
    --------
    >>> segs = [TextSegment(0, 0, 7, "one two"), TextSegment(0, 8, 9, "x")]
    >>> document_shares(segs, np.array([[1.0, 0.0], [0.0, 1.0]]), 2).round(3).tolist()
    [[0.667, 0.333], [0.0, 0.0]]
    """
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 2 or weights.shape[0] != len(segments):
        raise SegmentError(
            f"Expected one weight row per segment ({len(segments)}), got shape {weights.shape}.",
            "segments.weights_mismatch",
        )
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise SegmentError("Topic weights must be finite and not negative.", "segments.bad_weights")
    documents = np.array([s.document for s in segments], dtype=int)
    if documents.size and not (documents.min() >= 0 and documents.max() < n_documents):
        raise SegmentError(
            "A segment names a document outside 0 .. n_documents - 1.", "segments.bad_document"
        )
    totals = weights.sum(axis=1, keepdims=True)
    rows = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
    words = np.array([max(s.n_words, 1) for s in segments], dtype=float)
    shares = np.zeros((n_documents, weights.shape[1]))
    np.add.at(shares, documents, rows * words[:, None])
    sums = shares.sum(axis=1, keepdims=True)
    return np.divide(shares, sums, out=np.zeros_like(shares), where=sums > 0)


def group_shares(shares: np.ndarray, groups: Sequence[Hashable]) -> pd.DataFrame:
    """Return the mean topic share of the documents in each group, and their number.

    Documents with an all-zero row (no scored text) and documents whose group
    is missing (None or NaN) are left out. ``n`` is a count of documents: pass
    the table through disclosure control before showing it.

    Parameters
    ----------
    shares : array of shape (n_documents, n_topics)
        From :func:`document_shares`.
    groups : sequence
        The group of each document, such as a closed answer of its case.

    Returns
    -------
    pandas.DataFrame
        Indexed by group value (sorted), with columns ``0 .. n_topics - 1``
        (mean share) and ``"n"`` (documents).

    Examples
    --------
    >>> group_shares(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]), ["a", "b", "a"])
         0    1  n
    a  1.0  0.0  2
    b  0.0  1.0  1
    """
    shares = np.asarray(shares, dtype=float)
    if shares.ndim != 2 or shares.shape[0] != len(groups):
        raise SegmentError(
            f"Expected one group per document ({shares.shape[0]}), got {len(groups)}.",
            "segments.groups_mismatch",
        )
    codes, labels = pd.factorize(pd.Series(list(groups), dtype=object), sort=True)
    keep = (codes >= 0) & (shares.sum(axis=1) > 0)
    counts = np.bincount(codes[keep], minlength=len(labels))
    sums = np.zeros((len(labels), shares.shape[1]))
    np.add.at(sums, codes[keep], shares[keep])
    means = sums / np.maximum(counts, 1)[:, None]
    table = pd.DataFrame(means, index=pd.Index(labels), columns=range(shares.shape[1]))
    table["n"] = counts
    return table[counts > 0]
