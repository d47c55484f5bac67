"""The redacted rendition of a text and the maps between its offsets and the raw text's."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from coding.errors import CodingError, ErrorCode
from coding.spans import check_offset, check_span

Side = Literal["start", "end"]

# Kinds whose value is an identifier: "07700 900123" and "07700900123" are the same one.
_IDENTIFIER_KINDS = frozenset(
    ["email", "phone", "postcode", "passport", "visa", "residence_permit", "ni_number", "url"]
)
_NOT_ALNUM = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Placeholder:
    """One replaced span: where it was in the raw text, where its label is, what it is."""

    raw_start: int
    raw_end: int
    start: int
    end: int
    kind: str
    label: str


def label_for(kind: str, number: int) -> str:
    """Return the placeholder text for the `number`-th distinct value of `kind`."""
    return f"[{kind.upper().replace('_', '-')}-{number}]"


def value_key(kind: str, value: str) -> str:
    """Return what makes two originals of `kind` the same value (case, spacing aside)."""
    if kind in _IDENTIFIER_KINDS:
        return _NOT_ALNUM.sub("", value).casefold()
    return " ".join(value.split()).casefold()


class Rendition:
    """A text with each proposed span replaced by a numbered placeholder per kind.

    The same original value (compared without case and spacing, and for
    identifiers without punctuation) gets the same label everywhere in the
    document: "Ahmed" is ``[NAME-1]`` each time, the next distinct name
    ``[NAME-2]``. Offsets outside placeholders map both ways exactly; an
    offset strictly inside a placeholder (or inside the original it
    replaced) maps to the start or the end of the other side's span,
    following `side`, so a span that touches part of a placeholder covers
    the whole original.

    Attributes
    ----------
    text : str
        The redacted text.
    raw_length : int
        The length of the raw text, in code points.
    placeholders : tuple of Placeholder
        The replaced spans in order.
    """

    def __init__(self, raw: str, spans: Sequence[tuple[int, int, str]]) -> None:
        labels: dict[tuple[str, str], str] = {}
        counts: dict[str, int] = {}
        parts: list[str] = []
        placeholders: list[Placeholder] = []
        position = shift = 0
        for start, end, kind in spans:
            key = (kind, value_key(kind, raw[start:end]))
            if key not in labels:
                counts[kind] = counts.get(kind, 0) + 1
                labels[key] = label_for(kind, counts[kind])
            label = labels[key]
            parts += [raw[position:start], label]
            at = start + shift
            placeholders.append(Placeholder(start, end, at, at + len(label), kind, label))
            shift += len(label) - (end - start)
            position = end
        parts.append(raw[position:])
        self.text = "".join(parts)
        self.raw_length = len(raw)
        self.placeholders = tuple(placeholders)
        self._raw_ends = [p.raw_end for p in placeholders]
        self._ends = [p.end for p in placeholders]
        growth = (p.end - p.start - (p.raw_end - p.raw_start) for p in placeholders)
        self._shifts = [0, *itertools.accumulate(growth)]

    def __repr__(self) -> str:
        return f"Rendition({self.text!r})"

    def to_raw(self, offset: object, side: Side = "start") -> int:
        """Return the raw offset of redacted `offset` (inside a placeholder: by `side`)."""
        at = self._checked(offset, len(self.text))
        k = bisect.bisect_right(self._ends, at)
        if k < len(self.placeholders) and self.placeholders[k].start < at:
            found = self.placeholders[k]
            return found.raw_start if side == "start" else found.raw_end
        return at - self._shifts[k]

    def to_redacted(self, offset: object, side: Side = "start") -> int:
        """Return the redacted offset of raw `offset` (inside an original: by `side`)."""
        at = self._checked(offset, self.raw_length)
        k = bisect.bisect_right(self._raw_ends, at)
        if k < len(self.placeholders) and self.placeholders[k].raw_start < at:
            found = self.placeholders[k]
            return found.start if side == "start" else found.end
        return at + self._shifts[k]

    def span_to_raw(self, start: object, end: object) -> tuple[int, int]:
        """Return the raw span under a span of the redacted text, whole originals included."""
        first, last = check_span(len(self.text), start, end)
        return self.to_raw(first, "start"), self.to_raw(last, "end")

    def span_to_redacted(self, start: object, end: object) -> tuple[int, int]:
        """Return the redacted span over a raw span, whole placeholders included."""
        first, last = check_span(self.raw_length, start, end)
        return self.to_redacted(first, "start"), self.to_redacted(last, "end")

    @staticmethod
    def _checked(offset: object, length: int) -> int:
        at = check_offset(offset)
        if not 0 <= at <= length:
            raise CodingError(ErrorCode.OFFSET_OUT_OF_RANGE, offset=at, length=length)
        return at
