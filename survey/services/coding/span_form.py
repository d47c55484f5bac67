"""From a coding form to a raw span: the whole answer, typed words, or a browser selection.

The document view shows the redacted rendition, so typed words are found in
the rendition and a selection arrives over it (in UTF-16 units from the
browser, or code points); `redacted.from_browser` and `redacted.to_raw` turn
either into raw code points, which is what segments store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coding.errors import CodingError, ErrorCode
from coding.redaction import Rendition
from coding.text import normalise
from survey.models import CodingDocument
from survey.services.coding import redacted
from survey.services.coding.errors import Refused
from survey.services.coding.segments import Target


@dataclass(frozen=True)
class SpanForm:
    """A coding form as posted: how the span is given, the codes, memo and flag."""

    codes: Sequence[str]
    how: str = ""
    start: str = ""
    end: str = ""
    units: str = "codepoints"
    words: str = ""
    memo: str = ""
    distressing: bool = False


def _offset(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise CodingError(ErrorCode.OFFSET_NOT_INTEGER, value=value) from None


def _words(document: CodingDocument, view: Rendition, words: str) -> Target:
    """Return the raw span of the words typed, found once in the rendition."""
    wanted = normalise(words).strip()
    found = view.text.count(wanted)
    if found == 0:
        raise Refused(
            "Those words are not in this answer, exactly as typed: check them, or select them "
            "in the text.",
            "WORDS_NOT_FOUND",
        )
    if found > 1:
        raise Refused(
            f"Those words are in this answer {found} times: type more of the words around "
            "them, so that they are found once.",
            "WORDS_AMBIGUOUS",
        )
    start = view.text.index(wanted)
    return Target(document.public_id, *redacted.to_raw(view, start, start + len(wanted)))


def target_of(
    document: CodingDocument,
    view: Rendition,
    *,
    how: str,
    start: str,
    end: str,
    units: str,
    words: str,
) -> Target:
    """Return the raw span a coding form asks for, in code points; Refused if it is not one.

    `how` is "whole" (the whole answer), "words" (the exact words typed, found
    in the rendition `view`) or anything else for the selection: `start` and
    `end` over the rendition in `units` ("utf16", as the browser counts, or
    "codepoints").
    """
    if how == "whole":
        return Target(document.public_id, 0, document.length)
    if how == "words" or (words.strip() and not (start.strip() or end.strip())):
        if not words.strip():
            raise Refused("Type the exact words to code.", "WORDS_EMPTY")
        return _words(document, view, words)
    if not (start.strip() or end.strip()):
        raise Refused(
            "Select some words in the answer, type them, or code the whole answer.", "SPAN_EMPTY"
        )
    try:
        first, last = redacted.from_browser(view, _offset(start), _offset(end), units)
    except CodingError as error:
        raise Refused.from_coding_error(error) from error
    return Target(document.public_id, first, last)
