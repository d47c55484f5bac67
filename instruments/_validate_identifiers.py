"""Find items that ask a respondent for a direct identifier (SAFETY.md, Anonymity).

An item is refused when its id is exactly the name of an identifier
(``phone_number``) or its English label asks for the respondent's *own*
identifier: "What is your name?", "Please write your phone number", or a label
that is only the identifier ("Date of birth:"). Questions *about* identifiers
are allowed: "Did the police ask for your address?", "Did anyone take your
passport?", "Were you told the name of a support organisation?".

The loader refuses what :func:`identifier_in_id` and :func:`identifier_in_label`
find. The trauma-informed lint (:mod:`instruments.lint`) reads the same
patterns, and two more that need the item's type: an id that *ends* in an
identifier (``contact_phone_number``) and a question that asks for one
without naming it ("Where do you live?", "When were you born?"). Both only
matter on an item whose answer is typed in: a yes/no or choice item called
``police_phone_number`` cannot hold a phone number.

Labels in other languages are read too, with a reviewed phrase table per
language (:mod:`instruments._identifier_phrases`): French, Spanish,
Portuguese, Romanian, Polish, Albanian (:mod:`instruments._identifier_tables_europe`),
Russian, Ukrainian, Bulgarian, Vietnamese, Arabic, Persian and Chinese
(:mod:`instruments._identifier_tables_world`); every text is also read with the
English rule, which catches English left untranslated. :func:`reads_language`
says whether a language has a table; the lint warns about each declared
language that has none (``IDENTIFIER_LANGUAGE_UNREAD``), so it is reviewed by
hand. ``docs/identifier-check.md`` lists the sources and the limits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from yaml.nodes import MappingNode, Node, ScalarNode

from instruments._identifier_phrases import compile_phrasing, normalise
from instruments._identifier_tables_europe import EUROPE
from instruments._identifier_tables_world import WORLD
from instruments._validate_reader import child

IDENTIFIER_IDS: Mapping[str, str] = {
    **dict.fromkeys(
        ("name", "full_name", "first_name", "last_name", "surname", "family_name",
         "given_name", "forename", "your_name", "respondent_name"),
        "a name",
    ),
    **dict.fromkeys(
        ("phone", "phone_number", "telephone", "telephone_number", "mobile",
         "mobile_number", "contact_number", "whatsapp", "whatsapp_number"),
        "a phone number",
    ),
    **dict.fromkeys(("email", "email_address", "e_mail"), "an email address"),
    **dict.fromkeys(
        ("address", "home_address", "postal_address", "street_address", "postcode",
         "post_code", "zip_code", "zipcode"),
        "an address",
    ),
    **dict.fromkeys(("date_of_birth", "dob", "birth_date", "birthdate"), "a date of birth"),
    **dict.fromkeys(("passport", "passport_number", "passport_no"), "a passport number"),
    **dict.fromkeys(("visa_number", "visa_no"), "a visa number"),
    **dict.fromkeys(
        ("brp", "brp_number", "residence_permit_number", "permit_number"),
        "a residence permit number",
    ),
    **dict.fromkeys(
        ("ni_number", "nino", "national_insurance_number"), "a National Insurance number"
    ),
}  # fmt: skip
"""Item ids that name a direct identifier, and what each one is."""

_NOUNS = {
    "a name": r"(?:full |first |last |family |given |middle )?name|surname|forename",
    "a phone number": (
        r"(?:mobile |cell |telephone |contact |whatsapp )(?:phone )?number"
        r"|(?:mobile |tele)?phone(?: number)?|mobile|whatsapp"
    ),
    "an email address": r"e-?mail(?: address)?",
    "an address": r"(?:home |postal |street |current )?address|post ?code|zip ?code",
    "a date of birth": r"date of birth|birth ?date",
    "a passport number": r"passport (?:number|no\.?)",
    "a visa number": r"visa (?:reference )?(?:number|no\.?)",
    "a residence permit number": (
        r"(?:biometric )?residence permit(?: card)? (?:number|no\.?)|brp(?: number)?"
    ),
    "a National Insurance number": (
        r"national insurance (?:number|no\.?)|ni (?:number|no\.?)|nino"
    ),
}

_ASK = (
    # a question for the identifier, anywhere in the label
    r"\b(?:what(?:'s| is| was)|(?:can|could|would|will) you (?:give|tell|share|send)(?: us| me)?"
    r"|(?:can|may) we (?:have|take|get)) your (?:{noun})\b"
    # an instruction to give it, at the start of a sentence
    r"|(?:^|[.,!?:;]\s*)(?:please\s+)?(?:enter|give|tell us|tell me|write(?: down)?|type"
    r"|provide|share|state|fill in|add)(?: us| me)? your (?:{noun})\b"
    # a label that is nothing but the identifier: "Your full name", "Date of birth:"
    r"|^(?:your )?(?:{noun})\s*(?:\([^)]*\))?\s*[:?.*]*$"
)
_PATTERNS = {
    what: re.compile(_ASK.format(noun=noun), re.IGNORECASE) for what, noun in _NOUNS.items()
}

_UNNAMED = {
    "an address": r"\bwhere (?:do|did) you (?:live|stay|sleep)\b",
    "a date of birth": r"\bwhen were you born\b|\bwhen is your birthday\b",
    "a phone number or email address": (
        r"\bhow (?:can|could|may|should|do) (?:we|they|someone|the researchers?) "
        r"(?:contact|reach|call|phone|email|e-mail|text|message|find) you\b"
    ),
}
_UNNAMED_PATTERNS = {what: re.compile(pattern, re.IGNORECASE) for what, pattern in _UNNAMED.items()}

_SPECIFIC_IDS = frozenset(
    {key for key in IDENTIFIER_IDS if "_" in key}
    | {"email", "dob", "postcode", "passport", "nino", "brp", "surname", "forename",
       "telephone", "whatsapp", "zipcode", "birthdate"}
)  # fmt: skip
"""Identifier ids specific enough to name one at the end of a longer id."""


def identifier_in_id(item_id: str) -> str | None:
    """Return what identifier the item id `item_id` names, or None."""
    return IDENTIFIER_IDS.get(item_id)


_TABLES = {**EUROPE, **WORLD}
_LANGUAGE_PATTERNS = {language: compile_phrasing(table) for language, table in _TABLES.items()}
_STRIPS_MARKS = {language: table.strip_marks for language, table in _TABLES.items()}

COVERED_LANGUAGES = frozenset({"en", *_TABLES})
"""Primary language subtags whose own phrasings the identifier check reads."""


def _primary(language: str) -> str:
    return language.split("-")[0].lower()


def reads_language(language: str) -> bool:
    """Return True when the check reads the BCP 47 language `language` (``pt-BR`` as ``pt``)."""
    return _primary(language) in COVERED_LANGUAGES


def identifier_in_label(label: str, language: str = "en") -> str | None:
    """Return what identifier `label`, written in `language`, asks the respondent for, or None.

    Every label is read with the English rule; a label in a covered language
    (:data:`COVERED_LANGUAGES`) is read with that language's phrase table too.
    """
    what = _first_match(_PATTERNS, label)
    patterns = _LANGUAGE_PATTERNS.get(_primary(language))
    if what is None and patterns is not None:
        text = normalise(label, strip_marks=_STRIPS_MARKS[_primary(language)])
        what = next((what for what, pattern in patterns.items() if pattern.search(text)), None)
    return what


def translation_place(node: Node, path: str, language: str) -> tuple[str, Node]:
    """Return the key path and node of the `language` text of the text at `node`.

    A text written as a mapping of languages points at its one translation
    (``sections[0].items[2].label.fr`` and that line); a plain string at itself.
    """
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == language:
                return child(path, language), value
    return path, node


def identifier_at_end_of_id(item_id: str) -> str | None:
    """Return the identifier an item id names or ends in (``contact_phone_number``), or None.

    Only ids that end in a specific identifier count, so ``phone_taken`` and
    ``police_name`` do not; the lint asks this of free-entry items only.
    """
    parts = item_id.split("_")
    for size in range(len(parts), 0, -1):
        tail = "_".join(parts[-size:])
        if tail in IDENTIFIER_IDS and (size == len(parts) or tail in _SPECIFIC_IDS):
            return IDENTIFIER_IDS[tail]
    return None


def identifier_in_open_question(label: str) -> str | None:
    """Return the identifier an English question asks for without naming it, or None.

    "Where do you live?" asks for an address, and "When were you born?" for a
    date of birth, when the answer is typed in; with choices (regions, age
    bands) they are fine, so the caller checks the item's type.
    """
    return _first_match(_UNNAMED_PATTERNS, label)


def _first_match(patterns: Mapping[str, re.Pattern[str]], text: str) -> str | None:
    text = normalise(text)
    for what, pattern in patterns.items():
        if pattern.search(text):
            return what
    return None
