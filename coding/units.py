"""Unitising: from coded segments to reliability data, one coders-by-units matrix per code.

A unit is what coders are compared on, at one of three levels:

``"answer"``
    A whole document (a free-text answer, or a whole transcript). The code is
    present (1) when the coder applied it anywhere in the document.
``"sentence"``
    A sentence, as `split_sentences` cuts the text. Present when one of the
    coder's segments with that code shares at least one character with it.
``"character"``
    Every character (code point). Present when the character lies inside
    one of the coder's segments with that code.

Otherwise the code is absent (0), or missing (NaN) when the coder is not
taken to have read the document (see `reliability_matrix`, ``seen``).

Offsets are Unicode code points over NFC text with ``\\n`` line endings,
start inclusive, end exclusive (`coding.model`).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from coding.errors import CodingError, ErrorCode
from coding.model import Code, Coder, Coding, Document

UNIT_LEVELS = ("answer", "sentence", "character")
SEEN_RULES = ("coded", "all")

# A sentence ends after a sentence-final mark (Latin . ! ? … ‽, Arabic ؟,
# Urdu ۔, Devanagari । ॥, Ethiopic ።), any closing quotes or brackets, and
# whitespace; after a CJK full stop, question or exclamation mark, which need
# no space; and at a line break. The whitespace after the mark stays with the
# sentence it follows, so the sentences partition the text.
_SENTENCE_END = re.compile(
    r"""
      [.!?…‽؟۔।॥።] ["'”’»)\]]* \s+
    | [。！？｡] [」』”’）]* \s*
    | \n \s*
    """,
    re.VERBOSE,
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` spans of the sentences of `text`, which partition it.

    A small rule, with no downloaded data: a sentence ends after ``.``, ``!``,
    ``?``, ``…``, ``‽``, ``؟``, ``۔``, ``।``, ``॥`` or ``።`` (and any closing
    quotes or brackets) followed by whitespace; after ``。``, ``！``, ``？`` or
    ``｡`` (no whitespace needed); and after a line break. Trailing whitespace
    belongs to the sentence before it; leading whitespace to the first.
    Abbreviations ("e.g. this") end a sentence too, and scripts without
    sentence marks (Thai) are split at line breaks only.

    Parameters
    ----------
    text : str
        NFC text with ``\\n`` line endings.

    Returns
    -------
    list of (int, int)
        Code point offsets, start inclusive, end exclusive, in order; every
        character is in exactly one span, and every span holds a character
        that is not whitespace unless the whole text is whitespace. Empty for
        an empty text.

    Examples
    --------
    >>> text = "They kept my passport. I worked every day!\\nNo pay."
    >>> [text[start:end] for start, end in split_sentences(text)]
    ['They kept my passport. ', 'I worked every day!\\n', 'No pay.']
    >>> chinese = "我没有护照。我每天工作。"
    >>> [chinese[start:end] for start, end in split_sentences(chinese)]
    ['我没有护照。', '我每天工作。']
    """
    if not text:
        return []
    first = len(text) - len(text.lstrip())
    cuts = [m.end() for m in _SENTENCE_END.finditer(text) if first < m.end() < len(text)]
    bounds = [0, *cuts, len(text)]
    return list(itertools.pairwise(bounds))


def reliability_matrix(
    codings: Iterable[Coding],
    documents: Iterable[Document],
    coders: Sequence[str | Coder],
    code: str | Code,
    unit: str = "answer",
    *,
    seen: str | Mapping[str, Iterable[str]] = "coded",
) -> pd.DataFrame:
    """Return whether each coder applied `code` to each unit: reliability data for alpha.

    Parameters
    ----------
    codings : iterable of Coding
        Pass every code's codings, not only `code`'s: ``seen="coded"`` reads
        them. Codings of other documents or other coders are ignored.
    documents : iterable of Document
        The documents compared, in the order the columns take.
    coders : sequence of str or Coder
        The coders compared (GUIDs), in the order the rows take.
    code : str or Code
        The code (GUID).
    unit : {"answer", "sentence", "character"}
        The unit of comparison (see the module docstring).
    seen : "coded", "all" or mapping of coder GUID to document GUIDs
        Which documents each coder is taken to have read; their other
        documents are missing (NaN), not absent (0). ``"coded"`` (default):
        the documents where the coder applied any code, so that documents a
        coder has not reached yet do not count as agreement on absence. Its
        cost: a document a coder read and found nothing to code in is
        dropped too. When you know better (documents assigned to or finished
        by each coder), pass that mapping; ``"all"`` takes every coder to have
        read every document. A coder who coded a document has always read it.

    Returns
    -------
    DataFrame
        Rows are the coders (index ``coder``); columns are the units, a
        MultiIndex of ``document`` (GUID) and ``unit`` (0 for an answer, the
        sentence's index, or the character's offset); values 1.0 (present),
        0.0 (absent) or NaN (not read). Pass it to
        `coding.agreement.krippendorff_alpha`.

    Raises
    ------
    CodingError
        A coding's span is reversed, empty, outside its document, or not
        whole numbers.
    ValueError
        No documents or coders, a repeated GUID, an unknown unit or rule.

    Examples
    --------
    >>> doc = Document("d1", "Answer 1", "They took my passport. I could not leave.")
    >>> codings = [Coding("c1", "d1", "control", "ann", 5, 21),
    ...            Coding("c2", "d1", "control", "bo", 23, 41)]
    >>> reliability_matrix(codings, [doc], ["ann", "bo"], "control", "sentence").to_numpy()
    array([[1., 0.],
           [0., 1.]])
    """
    guid = code if isinstance(code, str) else code.guid
    return reliability_matrices(codings, documents, coders, [guid], unit, seen=seen)[guid]


def reliability_matrices(
    codings: Iterable[Coding],
    documents: Iterable[Document],
    coders: Sequence[str | Coder],
    codes: Iterable[str | Code],
    unit: str = "answer",
    *,
    seen: str | Mapping[str, Iterable[str]] = "coded",
) -> dict[str, pd.DataFrame]:
    """Return `reliability_matrix` for each of `codes`, keyed by code GUID, unitising once.

    Parameters are those of `reliability_matrix`, with several codes.

    Examples
    --------
    >>> doc = Document("d1", "Answer 1", "No pay.")
    >>> codings = [Coding("c1", "d1", "wage", "ann", 0, 6)]
    >>> matrices = reliability_matrices(codings, [doc], ["ann", "bo"], ["wage", "debt"], seen="all")
    >>> matrices["wage"].to_numpy().ravel().tolist(), matrices["debt"].to_numpy().ravel().tolist()
    ([1.0, 0.0], [0.0, 0.0])
    """
    if unit not in UNIT_LEVELS:
        raise ValueError(f"unknown unit {unit!r}; choose one of {', '.join(UNIT_LEVELS)}")
    docs = _unique(list(documents), "document")
    coder_ids = _unique([_guid(coder) for coder in coders], "coder")
    read = _read_codings(codings, docs, coder_ids)
    layout = _layout(docs, unit)
    first, stop = _unit_spans(layout, unit, read)
    visible = _seen(seen, coder_ids, docs, read)[:, layout.unit_document]
    index = pd.Index(coder_ids, name="coder")
    result = {}
    for code in codes:
        guid = _guid(code)
        chosen = read.codes == guid
        present = _presence(
            len(coder_ids), layout.size, read.coders[chosen], first[chosen], stop[chosen]
        )
        values = present.astype(float)
        values[~visible] = np.nan
        result[guid] = pd.DataFrame(values, index=index, columns=layout.columns, copy=False)
    return result


@dataclass(frozen=True)
class _Read:
    """The codings that count, as arrays: document and coder indices, offsets, code GUIDs."""

    documents: np.ndarray
    coders: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    codes: np.ndarray


@dataclass(frozen=True)
class _Layout:
    """Where the units of every document sit, one after another, on one axis."""

    unit_document: np.ndarray  # the document index of each unit
    char_offsets: np.ndarray  # where each document's first character is, on the axis of characters
    sentence_starts: np.ndarray  # each sentence's start on that axis (sentence level only)
    columns: pd.MultiIndex

    @property
    def size(self) -> int:
        """Return the number of units."""
        return self.unit_document.size


def _guid(item: str | Code | Coder | Document) -> str:
    """Return the GUID of a code, coder or document given as itself or as its GUID."""
    return item if isinstance(item, str) else item.guid


def _unique(items: list, what: str) -> list:
    """Return `items`, or raise ValueError if there are none or a GUID repeats."""
    if not items:
        raise ValueError(f"there is no {what} to compare")
    counts = Counter(_guid(item) for item in items)
    if len(counts) != len(items):
        repeated = sorted(guid for guid, count in counts.items() if count > 1)
        raise ValueError(f"each {what} must be given once; repeated: {', '.join(repeated)}")
    return items


def _read_codings(codings: Iterable[Coding], docs: list[Document], coders: list[str]) -> _Read:
    """Return the codings of `docs` by `coders`, after checking each span against its text."""
    doc_index = {doc.guid: i for i, doc in enumerate(docs)}
    coder_index = {coder: i for i, coder in enumerate(coders)}
    rows = []
    for coding in codings:
        if coding.document in doc_index and coding.coder in coder_index:
            position = doc_index[coding.document]
            _check_span(coding, len(docs[position].text))
            rows.append(
                (position, coder_index[coding.coder], coding.start, coding.end, coding.code)
            )
    columns = list(zip(*rows)) if rows else [(), (), (), (), ()]
    integers = [np.array(column, dtype=np.int64) for column in columns[:4]]
    return _Read(*integers, codes=np.array(columns[4], dtype=object))


def _check_span(coding: Coding, length: int) -> None:
    """Raise CodingError unless the coding's span is a non-empty range inside its text."""
    where = f"coding {coding.guid}"
    for value in (coding.start, coding.end):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise CodingError(ErrorCode.OFFSET_NOT_INTEGER, where=where, value=value)
    if coding.end < coding.start:
        raise CodingError(ErrorCode.SPAN_REVERSED, where=where, start=coding.start, end=coding.end)
    if coding.end == coding.start:
        raise CodingError(ErrorCode.SPAN_EMPTY, where=where, start=coding.start, end=coding.end)
    if coding.start < 0 or coding.end > length:
        raise CodingError(
            ErrorCode.SPAN_OUT_OF_RANGE,
            where=where,
            start=coding.start,
            end=coding.end,
            length=length,
        )


def _layout(docs: list[Document], unit: str) -> _Layout:
    """Return where each document's units sit at level `unit`."""
    lengths = np.array([len(doc.text) for doc in docs], dtype=np.int64)
    char_offsets = np.cumsum(lengths) - lengths
    sentence_starts = np.empty(0, dtype=np.int64)
    if unit == "answer":
        sizes = np.ones(len(docs), dtype=np.int64)
    elif unit == "character":
        sizes = lengths
    else:
        spans = [split_sentences(doc.text) for doc in docs]
        sizes = np.array([len(found) for found in spans], dtype=np.int64)
        starts = [
            offset + start for offset, found in zip(char_offsets, spans) for start, _ in found
        ]
        sentence_starts = np.array(starts, dtype=np.int64)
    unit_offsets = np.cumsum(sizes) - sizes
    unit_document = np.repeat(np.arange(len(docs)), sizes)
    local = np.arange(unit_document.size) - np.repeat(unit_offsets, sizes)
    columns = pd.MultiIndex(
        levels=[[doc.guid for doc in docs], np.arange(max(int(sizes.max()), 1))],
        codes=[unit_document, local],
        names=["document", "unit"],
        verify_integrity=False,
    )
    return _Layout(unit_document, char_offsets, sentence_starts, columns)


def _unit_spans(layout: _Layout, unit: str, read: _Read) -> tuple[np.ndarray, np.ndarray]:
    """Return each coding's units as a range ``[first, stop)`` on the axis of all units."""
    if unit == "answer":
        return read.documents, read.documents + 1
    starts = layout.char_offsets[read.documents] + read.starts
    ends = layout.char_offsets[read.documents] + read.ends
    if unit == "character":
        return starts, ends
    # The sentence holding a character is the last one starting at or before it.
    first = np.searchsorted(layout.sentence_starts, starts, side="right") - 1
    last = np.searchsorted(layout.sentence_starts, ends - 1, side="right") - 1
    return first, last + 1


def _presence(
    n_coders: int, n_units: int, coders: np.ndarray, first: np.ndarray, stop: np.ndarray
) -> np.ndarray:
    """Return coders x units booleans: True inside any of the ranges ``[first, stop)``.

    Each range adds 1 at its first unit and takes 1 away after its last; the
    running sum is positive exactly inside the union of the ranges.
    """
    width = n_units + 1
    size = n_coders * width
    marks = np.bincount(coders * width + first, minlength=size)
    marks -= np.bincount(coders * width + stop, minlength=size)
    return np.cumsum(marks.reshape(n_coders, width), axis=1)[:, :-1] > 0


def _seen(
    seen: str | Mapping[str, Iterable[str]], coders: list[str], docs: list[Document], read: _Read
) -> np.ndarray:
    """Return coders x documents booleans: True where the coder is taken to have read it."""
    coded = np.zeros((len(coders), len(docs)), dtype=bool)
    coded[read.coders, read.documents] = True
    if isinstance(seen, str):
        if seen not in SEEN_RULES:
            raise ValueError(f"unknown seen rule {seen!r}; choose 'coded', 'all' or a mapping")
        return coded if seen == "coded" else np.ones_like(coded)
    doc_index = {doc.guid: i for i, doc in enumerate(docs)}
    for row, coder in enumerate(coders):
        if coder not in seen:
            raise ValueError(f"seen has no entry for coder {coder!r}")
        if isinstance(seen[coder], str):
            raise ValueError(
                f"seen[{coder!r}] must be a collection of document GUIDs, not a string"
            )
        for guid in seen[coder]:
            if guid in doc_index:
                coded[row, doc_index[guid]] = True
    return coded
