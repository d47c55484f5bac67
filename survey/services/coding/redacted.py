"""What coders and analysts see: the redacted rendition, and offsets between it and the raw text.

Every coder-facing page (document view, grid, code view, search, compare,
exports) shows a document's redacted rendition (`redaction.renditions`),
never its raw text. Segments keep raw offsets, so this module is the one
place where a page's offsets cross over:

- raw spans (stored codings, distressing passages, transcript turns) are
  drawn over the rendition with `shown` (`Rendition.span_to_redacted`: a
  span touching part of a placeholder covers the whole placeholder);
- spans a coder gives over the rendition (a browser selection in UTF-16
  units, typed words, a search hit) are stored raw with `to_raw`
  (`Rendition.span_to_raw`: the whole original under a placeholder).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy.orm import Session

from coding.redaction import Rendition, apply_redactions, propose_redactions
from coding.spans import Span, check_span, merge_spans
from coding.text import utf16_to_codepoints
from survey.models import CodingDocument
from survey.services.coding.redaction import rendition, renditions

__all__ = [
    "Rendition",
    "from_browser",
    "label_redacted",
    "rendition",
    "renditions",
    "shown",
    "shown_all",
    "to_raw",
]


def shown(view: Rendition, start: int, end: int) -> Span:
    """Return where the raw span [start, end) is drawn over the rendition."""
    if start == end:  # an empty span stays empty (check_span refuses it)
        at = view.to_redacted(start)
        return at, at
    return view.span_to_redacted(start, end)


def shown_all(view: Rendition, spans: Iterable[Span]) -> list[Span]:
    """Return raw `spans` drawn over the rendition, merged (they may touch after mapping)."""
    return merge_spans(shown(view, start, end) for start, end in spans)


def to_raw(view: Rendition, start: object, end: object) -> Span:
    """Return the raw span under [start, end) of the rendition (CodingError if it is not one)."""
    first, last = check_span(len(view.text), start, end)
    return view.span_to_raw(first, last)


def from_browser(view: Rendition, start: int, end: int, units: str) -> Span:
    """Return the raw span of a selection over the rendition in `units` (utf16 or codepoints)."""
    if units == "utf16":
        start = utf16_to_codepoints(view.text, start)
        end = utf16_to_codepoints(view.text, end)
    return to_raw(view, start, end)


def label_redacted(view: Rendition, raw: str, label: str) -> str:
    """Return a label taken from outside the text (a speaker's name) redacted as the text is.

    An original the document redacts gets its placeholder; anything else the
    automatic pass finds in the label is hidden by kind.
    """
    for placeholder in sorted(view.placeholders, key=lambda p: p.raw_start - p.raw_end):
        original = raw[placeholder.raw_start : placeholder.raw_end]
        if original.strip():
            label = re.sub(re.escape(original), placeholder.label, label)
    return apply_redactions(label, propose_redactions(label)).text


def document_text(session: Session, document: CodingDocument) -> str:
    """Return the text a coder reads for `document`: its redacted rendition."""
    return rendition(session, document).text
