"""Search the study's documents for literal text, as keyword-in-context lines, and code the hits.

Matching is case-insensitive: both the query and the text are NFC and then
case-folded, one character at a time, so every position in the folded text
maps back to a code point of the stored text even where folding changes the
length ("ß" folds to "ss"). Dotted and dotless i are folded together ("KIZ",
"kız" and "kiz" find each other; "İstanbul" and "istanbul" too), because
without a language to go by, missing a hit is worse than showing one to
untick. The query is literal text, never a pattern. A hit never starts or
ends inside a character as a reader sees it (before a combining accent, a
zero-width joiner or a skin-tone modifier).

Only the redacted renditions are searched (`redacted`): a coder cannot find
a name the data steward hid by typing it. A hit's offsets are over the
rendition; coding it stores the raw span under it.

The search term is never logged: the audit and the coding log get the
number of hits only.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.segments import context, is_boundary
from survey.models import CodingCase, CodingDocument, Study, User
from survey.services.coding import redacted, segments
from survey.services.coding.distressing import distressing_spans, overlaps
from survey.services.coding.errors import Refused

MAX_QUERY = 200
MAX_HITS = 500
CONTEXT = 60
BATCH = 500


@dataclass(frozen=True)
class Folded:
    """A text folded for matching, with where each original code point begins in it."""

    text: str
    # starts[i] is where code point i of the original begins; starts[-1] is the end.
    starts: tuple[int, ...] | None  # None: folding kept every code point one long

    def original(self, position: int) -> int | None:
        """Return the original offset that starts at folded `position` (None: mid-character)."""
        if self.starts is None:
            return position
        return _index_of(self.starts, position)


def _index_of(starts: tuple[int, ...], position: int) -> int | None:
    low, high = 0, len(starts) - 1
    while low <= high:
        middle = (low + high) // 2
        if starts[middle] == position:
            return middle
        if starts[middle] < position:
            low = middle + 1
        else:
            high = middle - 1
    return None


_DOTLESS = str.maketrans({"ı": "i"})


def _fold_char(char: str) -> str:
    folded = char.casefold()
    if folded == "i\u0307":  # "İ"
        return "i"
    return folded.translate(_DOTLESS)


def fold(text: str) -> Folded:
    """Return `text` (already NFC) folded for matching, with the map back to its code points."""
    quick = text.casefold()
    if len(quick) == len(text):  # no character grew, so positions are unchanged
        return Folded(quick.translate(_DOTLESS), None)
    pieces, starts, at = [], [], 0
    for char in text:
        piece = _fold_char(char)
        starts.append(at)
        pieces.append(piece)
        at += len(piece)
    starts.append(at)
    return Folded("".join(pieces), tuple(starts))


def fold_query(query: str) -> str:
    """Return the query as it is matched: NFC, then folded like the texts."""
    return fold(unicodedata.normalize("NFC", query)).text


def _wordy(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


def _fits(text: str, start: int, end: int, whole_words: bool) -> bool:
    if not (is_boundary(text, start) and is_boundary(text, end)):
        return False  # it would cut an accent from its letter, or an emoji in two
    if not whole_words:
        return True
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not (before and _wordy(before)) and not (after and _wordy(after))


def find(text: str, query: str, whole_words: bool = False) -> Iterator[tuple[int, int]]:
    """Yield the spans [start, end) of `text` (code points) where the literal `query` occurs.

    `text` is NFC; `query` is folded with `fold_query` first. Hits do not overlap.
    """
    needle = fold_query(query)
    if not needle:
        return
    folded = fold(text)
    position = folded.text.find(needle)
    while position != -1:
        start = folded.original(position)
        end = folded.original(position + len(needle))
        if start is not None and end is not None and _fits(text, start, end, whole_words):
            yield start, end
            position = folded.text.find(needle, position + len(needle))
        else:
            position = folded.text.find(needle, position + 1)


@dataclass(frozen=True)
class Hit:
    """One place the query occurs in a rendition (`start`, `end`), with the words around it."""

    key: str  # "<document guid>:<start>", to tick or untick the hit
    document: str
    question: str | None
    case: str | None
    start: int
    end: int
    before: str
    match: str
    after: str
    rtl: bool
    collapsed: bool = False  # the words shown overlap a passage the viewer collapses
    raw_start: int = 0  # the hit's span in the raw text, to code it
    raw_end: int = 0
    raw_shown: tuple[int, int] = (0, 0)  # the raw span under the words shown


@dataclass(frozen=True)
class Results:
    """What a search found: at most MAX_HITS hits, and whether there were more."""

    hits: list[Hit]
    more: bool
    documents: int


def check_query(query: str) -> str:
    """Return the query trimmed and NFC; refuse one that is too long."""
    query = unicodedata.normalize("NFC", query.strip())
    if len(query) > MAX_QUERY:
        raise Refused(
            f"The search is {len(query)} characters long; the limit is {MAX_QUERY}. "
            "Search for a shorter phrase.",
            "QUERY_TOO_LONG",
        )
    return query


def _right_to_left(text: str) -> bool:
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def _flat(text: str) -> str:
    return " ".join(text.split("\n"))


def _hit(row, view: redacted.Rendition, start: int, end: int) -> Hit:
    """Return the hit [start, end) of the rendition `view`, with its raw span to code."""
    before, match, after = context(view.text, start, end, width=CONTEXT)
    raw_start, raw_end = view.span_to_raw(start, end)
    return Hit(
        key=f"{row.public_id}:{start}",
        document=row.public_id,
        question=row.item_id,
        case=row.case_id[:8] if row.case_id else None,
        start=start,
        end=end,
        before=_flat(before),
        match=_flat(match),
        after=_flat(after),
        rtl=_right_to_left(view.text),
        raw_start=raw_start,
        raw_end=raw_end,
        raw_shown=view.span_to_raw(start - len(before), end + len(after)),
    )


def _rows(session: Session, study: Study, question: str | None):
    query = (
        select(
            CodingDocument.id,
            CodingDocument.public_id,
            CodingDocument.item_id,
            CodingDocument.text,
            CodingDocument.redactions_proposed,
            CodingCase.public_id.label("case_id"),
        )
        .outerjoin(CodingCase, CodingCase.id == CodingDocument.case_id)
        .where(CodingDocument.study_id == study.id)
    )
    if question:
        query = query.where(CodingDocument.item_id == question)
    last = 0
    while True:
        batch = session.execute(
            query.where(CodingDocument.id > last).order_by(CodingDocument.id).limit(BATCH)
        ).all()
        yield batch
        if len(batch) < BATCH:
            return
        last = batch[-1].id


def _shown(session: Session, batches) -> Iterator[tuple[object, redacted.Rendition]]:
    """Yield each document row with its redacted rendition, made a batch at a time."""
    for batch in batches:
        views = redacted.renditions(session, batch)
        yield from ((row, views[row.id]) for row in batch)


def search(
    session: Session,
    study: Study,
    query: str,
    *,
    question: str | None = None,
    whole_words: bool = False,
    limit: int | None = None,
    viewer: User | None = None,
) -> Results:
    """Return the first `limit` (MAX_HITS) hits of the literal `query` in `study`'s documents.

    With a `viewer`, hits whose words shown overlap a distressing passage
    that the viewer chose to collapse are marked `collapsed`.
    """
    limit = limit or MAX_HITS
    query = check_query(query)
    hits: list[Hit] = []
    ids: dict[str, int] = {}  # document GUID -> row id, for the distressing passages
    more = False
    if not query:
        return Results([], False, 0)
    for row, view in _shown(session, _rows(session, study, question)):
        for start, end in find(view.text, query, whole_words):
            if len(hits) == limit:
                more = True
                break
            hits.append(_hit(row, view, start, end))
            ids[row.public_id] = row.id
        if more:
            break
    if viewer is not None:
        hits = _collapsed(hits, distressing_spans(session, study, viewer, ids.values()), ids)
    return Results(hits, more, len(ids))


def _collapsed(hits: list[Hit], hidden: dict[int, list], ids: dict[str, int]) -> list[Hit]:
    """Return the hits, each marked collapsed when its words shown overlap `hidden`."""
    return [
        replace(
            hit,
            collapsed=overlaps(hidden.get(ids[hit.document], ()), *hit.raw_shown),
        )
        for hit in hits
    ]


def code_hits(
    session: Session,
    actor: User,
    study: Study,
    query: str,
    code_guids: list[str],
    chosen: set[str],
    *,
    question: str | None = None,
    whole_words: bool = False,
) -> int:
    """Apply the codes to the chosen hits of `query`, found again here; return hits coded.

    The hits are searched again (offsets from the browser are never trusted);
    `chosen` holds the keys of the hits left ticked. One action in the coding
    log, so one undo takes it all back; the log records how many, never the term.
    """
    segments.codable_codes(session, study, code_guids)  # another study's code: NotFound first
    results = search(session, study, query, question=question, whole_words=whole_words)
    targets = [
        segments.Target(hit.document, hit.raw_start, hit.raw_end)
        for hit in results.hits
        if hit.key in chosen
    ]
    if not targets:
        raise Refused("No hit is ticked: tick the hits to code.", "NO_HITS_CHOSEN")
    segments.apply_codes(session, actor, study, targets, code_guids, action="code_hits")
    return len(targets)
