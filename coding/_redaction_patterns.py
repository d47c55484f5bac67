"""Structured identifiers for :mod:`coding.redaction`: emails, URLs, phones, postcodes, ids, dates.

Every pattern here is linear in the length of the text with Python's
backtracking ``re``: each one starts with a negative look-behind on the class
its first token is made of (so a long run of letters or digits is entered
once, not at each of its positions) and its repeated parts are bounded or
separated by characters the neighbouring part cannot match. ``bench/redaction.py``
runs them over pathological input to check.

Each finder returns ``(start, end, kind)`` triples in code points.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

Found = tuple[int, int, str]


def _words(text: str) -> list[str]:
    """Return the words of a list written as lines of text (long word lists stay readable)."""
    return text.split()


_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}")
_URL = re.compile(
    r"(?<![\w/.@-])(?:https?://|www\.)[^\s<>\"'\[\]]{1,2000}"
    r"|(?<![\w/.@-])[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,4}"
    r"\.(?:com|org|net|uk|info|io|me|gov|edu)(?:/[^\s<>\"'\[\]]{0,2000})?(?![\w@-])",
    re.IGNORECASE,
)
_URL_TAIL = ".,;:!?)]}'\""

# A run that could be a phone number: a leading + or 0, then digits and separators.
_PHONE = re.compile(r"(?<![\w+(])(?:\(?\+ ?\d|\(?0)[\d \-.()/]{6,22}\d(?!\d)")
_DIGITS = re.compile(r"\d+")

_POSTCODE = re.compile(
    r"(?<![\w])(?:GIR ?0AA|[A-PR-UWYZ](?:\d[\dA-HJKPSTUW]?|[A-HK-Y]\d[\dABEHMNPRV-Y]?)"
    r" ?\d[ABD-HJLNP-UW-Z]{2})(?![\w])",
    re.IGNORECASE,
)

_STREET_TYPES = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Way|Place|Court|Ct|Crescent|Terrace|"
    "Gardens|Grove|Hill|Park|Square|Sq|Row|Mews|Walk|Parade|Green|Rise|Vale|View|Boulevard|"
    "Estate|Yard|Wharf|Broadway"
)
_ADDRESS = re.compile(
    r"(?<![\w])(?:(?:Flat|Apartment|Apt|Room|Unit)\.? ?\d{1,4}[A-Za-z]?,? {1,3})?"
    r"\d{1,4}[A-Za-z]?,? {1,3}((?:[A-Za-z][A-Za-z'’-]{0,30} ){1,3})"
    rf"(?:{_STREET_TYPES})\b\.?",
    re.IGNORECASE,
)
# Words after a number that make "12 hours on the farm road" a quantity, not an address.
_NOT_STREET = frozenset(
    _words(
        """
        a an the of on in at to and or for hours days weeks months years minutes times
        people men women children pounds euros dollars miles km metres o'clock am pm kids
        girls boys workers rooms beds cars houses
        """
    )
)

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_DATE = re.compile(
    rf"(?<![\w/.-])(?:{_DAY} (?:of )?(?:{_MONTHS})\.?(?:,? {_YEAR})?"
    rf"|(?:{_MONTHS})\.? {_DAY}(?:,? {_YEAR})?"
    rf"|(?:[12]\d|3[01]|0?[1-9])[/.-](?:1[0-2]|0?[1-9])[/.-](?:{_YEAR}|\d\d)"
    rf"|(?:1[0-2]|0?[1-9])/(?:[12]\d|3[01]|0?[1-9])/{_YEAR}"
    rf"|{_YEAR}-(?:1[0-2]|0[1-9])-(?:[12]\d|3[01]|0[1-9]))(?![\w/-])",
    re.IGNORECASE,
)
_VERB_MONTH = re.compile(r"\b(?:may|march)\b")
_HAS_YEAR = re.compile(_YEAR)
_DOB_CUE = re.compile(
    r"(?:\bborn(?: on)?|\bd\.? ?o\.? ?b\.?|\bdate of birth|\bbirth ?date|\bbirthday)"
    r"(?: is| was|:| -)? ?(?:the |on )?$",
    re.IGNORECASE,
)

_NI_NUMBER = re.compile(
    r"(?<![\w])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r" ?\d\d ?\d\d ?\d\d ?[A-D](?![\w])",
    re.IGNORECASE,
)
_BRP = re.compile(r"(?<![\w])[A-Z]{2}[0-9]{7}(?![\w])")
# An identity-document number: letters and digits, maybe in groups, holding 5+ digits.
_DOCUMENT = re.compile(
    r"(?<![\w])(?:[A-Z]{1,3}\d{5,10}[A-Z]?|[a-z]{1,2}\d{6,9}|\d{3,10}(?:[ -]\d{2,6}){0,3}[A-Z]?)"
    r"(?![\w])"
)
_CUES = (
    ("residence_permit", re.compile(r"\bbrp\b|residen(?:ce|cy) (?:permit|card)|biometric", re.I)),
    ("visa", re.compile(r"\bvisa\b|\bvignette\b|\bentry clearance\b", re.I)),
    ("passport", re.compile(r"\bpassport", re.I)),
    ("ni_number", re.compile(r"\bnational insurance\b|\bni (?:number|no)\b|\bnino\b", re.I)),
)
_CUE_WINDOW = 60
_SENTENCE_END = re.compile(r"(?<![Nn]o)(?<![Nn]r)[.!?](?=\s)|\n")


def find_emails(text: str) -> Iterator[Found]:
    """Yield email addresses."""
    for match in _EMAIL.finditer(text):
        yield match.start(), match.end(), "email"


def find_urls(text: str) -> Iterator[Found]:
    """Yield web addresses (with a scheme, ``www.`` or a common top-level domain)."""
    for match in _URL.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in _URL_TAIL:
            end -= 1
        yield match.start(), end, "url"


def _phone_ok(digits: str, international: bool) -> bool:
    if international:
        return 8 <= len(digits) <= 15
    return len(digits) in (10, 11) and digits[1] != "0"


def find_phones(text: str) -> Iterator[Found]:
    """Yield UK numbers (leading 0, 10 or 11 digits) and international ones (+ or 00)."""
    for match in _PHONE.finditer(text):
        found = match.group()
        head = found.lstrip("( ")
        international = head.startswith(("+", "00"))
        groups = list(_DIGITS.finditer(found))
        # Too long a run may have swallowed a following number: drop groups from the end.
        for last in range(len(groups), 0, -1):
            digits = "".join(group.group() for group in groups[:last])
            if _phone_ok(digits.removeprefix("00") if international else digits, international):
                end = match.start() + groups[last - 1].end()
                # "(07700 900123)": the bracket belongs to the sentence, not the number.
                start = match.start() + (found[0] == "(" and ")" not in text[match.start() : end])
                yield start, end, "phone"
                break


def find_postcodes(text: str) -> Iterator[Found]:
    """Yield full UK postcodes in any case, with or without the space."""
    for match in _POSTCODE.finditer(text):
        yield match.start(), match.end(), "postcode"


def find_addresses(text: str) -> Iterator[Found]:
    """Yield street addresses: optional flat, house number, up to three words, street type."""
    for match in _ADDRESS.finditer(text):
        words = match.group(1).split()
        if words[0].lower() in _NOT_STREET or not any(w[0].isupper() for w in words):
            continue
        yield match.start(), match.end(), "address"


def find_dates(text: str) -> Iterator[Found]:
    """Yield exact dates, as ``date_of_birth`` when a birth cue comes just before."""
    for match in _DATE.finditer(text):
        if _VERB_MONTH.search(match.group()) and not _HAS_YEAR.search(match.group()):
            continue  # "the 2 may come", "had to march 3 miles"
        before = text[max(0, match.start() - 30) : match.start()]
        kind = "date_of_birth" if _DOB_CUE.search(before) else "date"
        yield match.start(), match.end(), kind


def _cue_before(text: str, start: int) -> str | None:
    window = text[max(0, start - _CUE_WINDOW) : start]
    ends = list(_SENTENCE_END.finditer(window))
    if ends:
        window = window[ends[-1].end() :]
    for kind, cue in _CUES:
        if cue.search(window):
            return kind
    return None


def find_documents(text: str) -> Iterator[Found]:
    """Yield NI numbers, BRP numbers, and passport or visa numbers after a cue."""
    for match in _NI_NUMBER.finditer(text):
        yield match.start(), match.end(), "ni_number"
    for match in _BRP.finditer(text):
        kind = _cue_before(text, match.start()) or "residence_permit"
        yield match.start(), match.end(), kind
    for match in _DOCUMENT.finditer(text):
        if sum(char.isdigit() for char in match.group()) < 5:
            continue
        kind = _cue_before(text, match.start())
        if kind is not None:
            yield match.start(), match.end(), kind


FINDERS = (find_emails, find_urls, find_documents, find_dates, find_phones, find_postcodes)
FINDERS_WITH_ADDRESSES = (*FINDERS, find_addresses)
