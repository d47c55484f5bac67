"""Propose redactions of identifying details in a text, and render the text redacted.

:func:`propose_redactions` is an automatic first pass over a transcript or a
free-text answer: it proposes spans for email addresses, phone numbers, UK
postcodes, street addresses, dates of birth and other exact dates, passport,
visa, residence-permit (BRP) and National Insurance numbers, web addresses,
names of people and towns. It is pure Python (the standard ``re`` module, with
linear patterns) and downloads nothing. A data steward reviews every proposal
before anyone codes the text: proposals are a starting point, never a promise
that the text is anonymous (``docs/redaction.md`` gives the measured recall and
what the pass misses).

:func:`apply_redactions` replaces reviewed spans by numbered placeholders, one
numbering per kind within the document (``[NAME-1]`` each time "Ahmed"
appears), and returns a :class:`~coding._redaction_rendition.Rendition` whose
maps carry offsets between the redacted and the raw text, so codings made on
the redacted rendition are stored against the raw text.

Offsets are code points over NFC text with ``\\n`` line endings, start
inclusive, end exclusive, as everywhere in :mod:`coding`.

Examples
--------
>>> text = "I am Arben Hoxha, my phone was 07700 900123. Arben left."
>>> found = propose_redactions(text)
>>> [(text[r.start : r.end], r.kind) for r in found]
[('Arben Hoxha', 'name'), ('07700 900123', 'phone'), ('Arben', 'name')]
>>> rendition = apply_redactions(text, found)
>>> rendition.text
'I am [NAME-1], my phone was [PHONE-1]. [NAME-2] left.'
>>> rendition.span_to_raw(5, 9)
(5, 16)
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from coding._redaction_names import find_names_and_places
from coding._redaction_patterns import FINDERS_WITH_ADDRESSES
from coding._redaction_rendition import Placeholder, Rendition
from coding.errors import CodingError, ErrorCode
from coding.spans import check_span

__all__ = [
    "KINDS",
    "Placeholder",
    "Redaction",
    "Rendition",
    "apply_redactions",
    "propose_redactions",
]

EMAIL = "email"
URL = "url"
NI_NUMBER = "ni_number"
RESIDENCE_PERMIT = "residence_permit"
PHONE = "phone"
VISA = "visa"
PASSPORT = "passport"
DATE_OF_BIRTH = "date_of_birth"
POSTCODE = "postcode"
ADDRESS = "address"
DATE = "date"
NAME = "name"
PLACE = "place"

#: Every kind, in the order of priority used when two proposals overlap.
KINDS = (
    EMAIL,
    URL,
    NI_NUMBER,
    RESIDENCE_PERMIT,
    PHONE,
    VISA,
    PASSPORT,
    DATE_OF_BIRTH,
    POSTCODE,
    ADDRESS,
    DATE,
    NAME,
    PLACE,
)
_PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}
# Kinds whose every repetition in a text is hidden once one is found (identifiers
# are found wherever they stand by their own patterns).
_REPEATED = frozenset({NAME, PLACE})
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}")


@dataclass(frozen=True, order=True)
class Redaction:
    """A proposed or accepted span to redact: code-point offsets and a kind from `KINDS`."""

    start: int
    end: int
    kind: str


def propose_redactions(text: str, language: str = "en") -> list[Redaction]:
    """Return the spans of `text` that look like identifying details.

    Parameters
    ----------
    text : str
        NFC text with ``\\n`` line endings.
    language : str, default "en"
        The text's language tag. The patterns for identifiers work in any
        language; the name cues ("my name is", "called") are English, and the
        names list serves every language.

    Returns
    -------
    list of Redaction
        Sorted, non-overlapping. Where two proposals overlap the one whose kind
        comes first in `KINDS` wins (an email address over the web address
        inside it, a phone number over a date), then the longer, then the
        earlier.

    Raises
    ------
    CodingError
        REDACTION_LANGUAGE_INVALID when `language` is not a language tag.

    Examples
    --------
    >>> propose_redactions("Write to ana@example.org or call +40 721 234 567.")
    [Redaction(start=9, end=24, kind='email'), Redaction(start=33, end=48, kind='phone')]
    >>> propose_redactions("We left in March and worked long hours.")
    []
    """
    if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
        raise CodingError(ErrorCode.REDACTION_LANGUAGE_INVALID, language=language)
    found: list[tuple[int, int, str]] = []
    for finder in (*FINDERS_WITH_ADDRESSES, find_names_and_places):
        found.extend(finder(text))
    kept = _resolve(found)
    # A value found once is hidden wherever else it stands in the same text
    # (a name found after "my name is" is also the "Name:" of a speaker label).
    kept = _resolve([*kept, *_elsewhere(text, kept)])
    return [Redaction(start, end, kind) for start, end, kind in kept]


def _elsewhere(text: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Return the other whole-word occurrences of each found name or place.

    As written or in capitals ("Ana", "ANA"), never in lower case: a lower-case
    "will" or "may" is a word, not the name found elsewhere.
    """
    values: dict[str, str] = {}
    for start, end, kind in found:
        if kind in _REPEATED:
            value = text[start:end]
            values.setdefault(value, kind)
            values.setdefault(value.upper(), kind)
    if not values:
        return []
    alternatives = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    return [(m.start(), m.end(), values[m.group()]) for m in pattern.finditer(text)]


def _resolve(found: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Keep the best of overlapping proposals: by kind priority, then length, then position."""
    ranked = sorted(set(found), key=lambda f: (_PRIORITY[f[2]], f[0] - f[1], f[0]))
    starts: list[int] = []
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in ranked:
        k = bisect.bisect_right(starts, start)
        if k and kept[k - 1][1] > start:
            continue  # the span before it runs into it
        if k < len(kept) and kept[k][0] < end:
            continue  # it runs into the span after it
        starts.insert(k, start)
        kept.insert(k, (start, end, kind))
    return kept


def apply_redactions(text: str, spans: Iterable[Redaction | tuple[int, int, str]]) -> Rendition:
    """Return `text` with each span replaced by a numbered placeholder of its kind.

    Parameters
    ----------
    text : str
        The raw text.
    spans : iterable of Redaction or (start, end, kind)
        The reviewed spans, in any order; they must not overlap.

    Returns
    -------
    Rendition
        The redacted ``text`` and the offset maps ``to_raw``, ``to_redacted``,
        ``span_to_raw`` and ``span_to_redacted``.

    Raises
    ------
    CodingError
        OFFSET_NOT_INTEGER, SPAN_EMPTY, SPAN_REVERSED or SPAN_OUT_OF_RANGE for a
        bad span, REDACTION_KIND_UNKNOWN for a kind not in `KINDS`,
        REDACTION_OVERLAP when two spans overlap.

    Examples
    --------
    >>> text = "Mr Tran met Tran at SW1A 1AA."
    >>> rendition = apply_redactions(text, [(3, 7, "name"), (12, 16, "name"), (20, 28, "postcode")])
    >>> rendition.text
    'Mr [NAME-1] met [NAME-1] at [POSTCODE-1].'
    >>> rendition.to_raw(30), rendition.to_raw(30, side="end")
    (20, 28)
    """
    checked: list[tuple[int, int, str]] = []
    for span in spans:
        start, end, kind = (
            (span.start, span.end, span.kind) if isinstance(span, Redaction) else span
        )
        start, end = check_span(len(text), start, end)
        if kind not in _PRIORITY:
            raise CodingError(ErrorCode.REDACTION_KIND_UNKNOWN, kind=kind, kinds=", ".join(KINDS))
        checked.append((start, end, kind))
    checked.sort()
    for (s1, e1, _), (s2, e2, _) in itertools.pairwise(checked):
        if s2 < e1:
            raise CodingError(ErrorCode.REDACTION_OVERLAP, first=f"{s1}-{e1}", second=f"{s2}-{e2}")
    return Rendition(text, checked)
