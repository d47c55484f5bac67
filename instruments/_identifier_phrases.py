"""How a language asks for someone's own identifiers: the shape of a phrase table.

Each covered language has a :class:`Phrasing` (in
:mod:`instruments._identifier_tables_europe` and
:mod:`instruments._identifier_tables_world`) that names, per identifier, the
phrase for the respondent's *own* one ("your name": ``votre nom``,
``اسمك``, ``tên của bạn``) and the bare noun a form label would be
(``Nom``, ``الاسم``, ``Họ và tên``). :func:`compile_phrasing` turns a table into
one pattern per identifier that matches, like the English rule, only when the
phrase is asked for:

- a question word directly before it ("quel est votre nom", "ما اسمك");
- an instruction that opens a sentence, then it ("Écrivez votre nom");
- a question word or verb directly after it, for languages that put it there
  ("tên của bạn là gì", "你的名字是什么", "اسم شما چیست");
- a label that is nothing but it ("Nom :", "Date de naissance");
- a fixed question that needs no noun ("Comment vous appelez-vous ?").

So "Quel est le nom de l'organisation ?" and "La police a-t-elle noté votre nom ?"
pass, as "What is the name of the organisation?" and "Did the police write down
your name?" pass in English.

Texts and tables are normalised alike by :func:`normalise`: Unicode NFKC,
casefold, typographic apostrophes to ``'``, zero-width characters and the
Arabic tatweel removed, Arabic and Persian letter variants folded, combining
marks (accents, Arabic short vowels) stripped where the language allows it,
and runs of white space collapsed to one space.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

IDENTIFIERS = (
    "a name",
    "a phone number",
    "an email address",
    "an address",
    "a date of birth",
    "a passport number",
    "a visa number",
    "a residence permit number",
    "a National Insurance number",
)
"""What the check looks for, in the order it looks (an email address before an address)."""

_FOLD = str.maketrans(
    {
        "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u02b9": "'", "`": "'", "\u00b4": "'",
        "\u0142": "l",  # Polish ł has no decomposition
        "\u0111": "d",  # Vietnamese đ, so "đ" and "d" typed for it match alike
        "\u0649": "\u064a", "\u06cc": "\u064a",  # alef maksura, Persian yeh -> yeh
        "\u06a9": "\u0643",  # Persian keheh -> kaf
        "\u0629": "\u0647", "\u06c1": "\u0647", "\u06c3": "\u0647",  # ta marbuta, heh goal
        "\u0640": None,  # tatweel
        "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
        "\u00ad": None,
    }
)  # fmt: skip
_SENTENCE_STOPS = r".!?:;,¿¡。،؛؟\-–—•*"
_OPENERS = r"¿¡\"'«»“„(\[*•\-"
_CLOSERS = r":?.*!؟。\"'»”)\]"
_UPPER_ESCAPE = re.compile(r"\\[A-Z]")


def normalise(text: str, *, strip_marks: bool = True) -> str:
    """Return `text` as the identifier check reads it: NFKC, casefolded, folded, one-spaced.

    Examples
    --------
    >>> normalise("  Numéro  de\\u00a0TÉLÉPHONE ")
    'numero de telephone'
    >>> normalise("Tên của bạn", strip_marks=False)
    'tên của bạn'
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    if strip_marks:
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True)
class Phrasing:
    """How one language asks for a respondent's own direct identifiers.

    Every string is a regular expression written in ordinary spelling, with
    accents; it is normalised like the text it is matched against, so write
    it in lower case and with lower-case escapes only (``\\s``, ``\\b``).

    Attributes
    ----------
    yours
        Per identifier (a key of :data:`IDENTIFIERS`), the phrase for the
        respondent's own one: "your name", "your phone number".
    bare
        Per identifier, the noun alone, refused only as a whole label ("Nom").
    before
        Question words that ask for what follows them ("quel est").
    start
        Instructions that ask for what follows them when they open a sentence.
    after
        Question words or verbs that ask for what precedes them.
    please
        Politeness words that may precede an instruction.
    idioms
        Per identifier, whole questions that ask for it without its noun.
    spaced
        False for scripts written without spaces between words (Chinese).
    strip_marks
        False where accents tell words apart (Vietnamese tones).
    """

    yours: Mapping[str, str]
    bare: Mapping[str, str]
    before: str = ""
    start: str = ""
    after: str = ""
    please: str = ""
    idioms: Mapping[str, str] = field(default_factory=dict)
    spaced: bool = True
    strip_marks: bool = True


def compile_phrasing(phrasing: Phrasing) -> dict[str, re.Pattern[str]]:
    """Return one pattern per identifier for the normalised text of a language.

    Raises
    ------
    ValueError
        When a table names an unknown identifier or uses an upper-case escape,
        which normalising (casefolding) would change.
    """
    unknown = (set(phrasing.yours) | set(phrasing.bare) | set(phrasing.idioms)) - set(IDENTIFIERS)
    if unknown:
        raise ValueError(f"unknown identifiers in a phrase table: {sorted(unknown)}")
    patterns = {}
    for what in IDENTIFIERS:
        parts = _parts(phrasing, what)
        if parts:
            source = normalise("|".join(parts), strip_marks=phrasing.strip_marks)
            if _UPPER_ESCAPE.search(source):
                raise ValueError(f"upper-case escape in the phrase table for {what}")
            patterns[what] = re.compile(source)
    return patterns


def _parts(phrasing: Phrasing, what: str) -> list[str]:
    """Return the alternatives that ask for `what` in `phrasing`."""
    gap = r"\s+" if phrasing.spaced else r"\s*"
    edge, end = (r"(?<!\w)", r"(?!\w)") if phrasing.spaced else ("", "")
    yours, bare, idiom = (
        table.get(what) for table in (phrasing.yours, phrasing.bare, phrasing.idioms)
    )
    parts = []
    if yours:
        own = f"(?:{yours})"
        if phrasing.before:
            parts.append(f"{edge}(?:{phrasing.before}){gap}{own}{end}")
        if phrasing.start:
            # "please" before the instruction or after it: "Напишите, пожалуйста, ваш адрес"
            please = f"(?:(?:{phrasing.please}),?{gap})?" if phrasing.please else ""
            later = f"(?:,?{gap}(?:{phrasing.please}),?)?" if phrasing.please else ""
            opening = rf"(?:^|[{_SENTENCE_STOPS}]\s*)"
            parts.append(f"{opening}{please}(?:{phrasing.start}){later}{gap}{own}{end}")
        if phrasing.after:
            parts.append(f"{edge}{own}{gap}(?:{phrasing.after}){end}")
    alone = "|".join(phrase for phrase in (yours, bare) if phrase)
    if alone:
        parts.append(rf"^[{_OPENERS}\s]*(?:{alone})\s*(?:\([^)]*\))?\s*[{_CLOSERS}\s]*$")
    if idiom:
        parts.append(f"{edge}(?:{idiom}){end}")
    return parts
