"""Segments: spans of a document's text and the codings that cover them.

Offsets are Unicode code points over NFC text with ``\\n`` line endings, start
inclusive, end exclusive (the REFI-QDA convention), so ``text[start:end]`` is the
coded text.

One rule keeps codings tidy: the same coder applying the same code to
overlapping or touching text of the same document gets one coding covering the
union (:func:`add_coding`). Two segments side by side are one passage to a
reader, and counting them twice would inflate every frequency table.

The checks and arithmetic of bare spans (:func:`check_span`,
:func:`merge_spans`) live in :mod:`coding.spans`, keyword in context
(:func:`context`, :func:`is_boundary`) in :mod:`coding.context`; both are
re-exported here.

Examples
--------
>>> merge_spans([(5, 9), (0, 3), (3, 4)])
[(0, 4), (5, 9)]
>>> context("She kept our passports in a locked drawer.", 13, 22, width=12)
('kept our ', 'passports', ' in a locked')
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from coding.context import context, is_boundary
from coding.errors import CodingError, ErrorCode
from coding.model import Coding, new_guid
from coding.spans import check_offset, check_span, merge_spans

__all__ = [
    "MEMO_SEPARATOR",
    "add_coding",
    "check_offset",
    "check_span",
    "coding_counts",
    "context",
    "is_boundary",
    "join_memos",
    "merge_spans",
    "recode",
    "remove_span",
]

MEMO_SEPARATOR = "\n\n"


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
