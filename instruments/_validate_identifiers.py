"""Find items that ask a respondent for a direct identifier (SAFETY.md, Anonymity).

An item is refused when its id is exactly the name of an identifier
(``phone_number``) or its English label asks for the respondent's *own*
identifier: "What is your name?", "Please write your phone number", or a label
that is only the identifier ("Date of birth:"). Questions *about* identifiers
are allowed: "Did the police ask for your address?", "Did anyone take your
passport?", "Were you told the name of a support organisation?".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

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
    "a National Insurance number": r"national insurance number|ni number",
}

_ASK = (
    # a question for the identifier, anywhere in the label
    r"\b(?:what(?:'s| is)|(?:can|could|would|will) you (?:give|tell|share|send)(?: us| me)?"
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


def identifier_in_id(item_id: str) -> str | None:
    """Return what identifier the item id `item_id` names, or None."""
    return IDENTIFIER_IDS.get(item_id)


def identifier_in_label(label: str) -> str | None:
    """Return what identifier the English `label` asks the respondent for, or None."""
    text = " ".join(label.replace("\u2019", "'").split())
    for what, pattern in _PATTERNS.items():
        if pattern.search(text):
            return what
    return None
