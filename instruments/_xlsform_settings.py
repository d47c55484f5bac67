"""The top level of an imported instrument: the settings sheet, and placeholders for what it lacks.

An XLSForm has a title, an id, a version and a default language, but none of
what Heard asks of every study: a purpose, who runs it, whom to contact, the
parts of informed consent. Heard keeps them in ``heard_`` columns of the
settings sheet (its export writes them there, so a round trip keeps them).
When a form lacks them, the importer writes a *placeholder*: text that starts
with :data:`PLACEHOLDER_MARK` and says what to write. The instrument loads,
each placeholder is reported as a warning (``XLSFORM_PLACEHOLDER``), and
:func:`placeholder_paths` lists those still left, so the studio can ask for
them and refuse to publish until they are written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from pyxform import aliases

from instruments._xlsform_context import Languages
from instruments._xlsform_sheets import Row
from instruments.schema import Consent, Instrument, Text

PLACEHOLDER_MARK = "[Placeholder]"
"""How every placeholder text starts."""

TEXT_SETTINGS: tuple[tuple[str, str, str | None], ...] = (
    ("heard_purpose", "purpose", "Say why this study is done."),
    ("heard_organisation", "organisation.name", "Name the organisation that runs this study."),
    ("heard_contact_name", "contact.name", None),
    ("heard_contact_address", "contact.address", None),
    ("heard_consent_purpose", "consent.purpose", "Say why the study is done."),
    (
        "heard_consent_who_runs_it",
        "consent.who_runs_it",
        "Say who runs the study and who funds it.",
    ),
    (
        "heard_consent_use_and_retention",
        "consent.use_and_retention",
        "Say how answers are used, and how long they are kept.",
    ),
    ("heard_consent_anonymity", "consent.anonymity", "Say what makes answers anonymous."),
    (
        "heard_consent_right_to_skip",
        "consent.right_to_skip",
        "Say that any question can be left unanswered.",
    ),
    (
        "heard_consent_right_to_stop",
        "consent.right_to_stop",
        "Say that the person can stop at any time.",
    ),
    (
        "heard_consent_withdrawal",
        "consent.withdrawal",
        "Say how, and until when, answers can be withdrawn.",
    ),
    (
        "heard_consent_confidentiality_limits",
        "consent.confidentiality_limits",
        "Say what the limits of confidentiality are.",
    ),
)
"""Texts of the top level: settings column, key path, and what a placeholder asks for."""

VALUE_SETTINGS: tuple[tuple[str, str], ...] = (
    ("heard_organisation_url", "organisation.url"),
    ("heard_contact_email", "contact.email"),
    ("heard_contact_phone", "contact.phone"),
    ("heard_estimated_minutes", "estimated_minutes"),
    ("heard_layout", "layout"),
    ("heard_quote_consent", "quote_consent"),
)
"""Plain values of the top level (one, not one per language)."""

SUPPORT_COLUMN = re.compile(r"heard_support_(?P<number>\d+)_(?P<field>name|phone|url|description)")
SUPPORT_FIELDS = ("name", "phone", "url", "description")
CONTACT_PLACEHOLDER = "Say how respondents can contact the research team."
TITLE_PLACEHOLDER = "Write a title for this survey."
MINUTES_PER_QUESTION = 0.5


def placeholder(languages: list[str], what: str) -> dict[str, str]:
    """Return a placeholder text in every language, saying `what` to write."""
    return dict.fromkeys(languages, f"{PLACEHOLDER_MARK} {what}")


def setting_columns() -> frozenset[str]:
    """Return the ``heard_`` columns of the settings sheet, support columns aside."""
    return frozenset(
        [column for column, _, _ in TEXT_SETTINGS]
        + [column for column, _ in VALUE_SETTINGS]
        + ["heard_title"]
    )


def read_settings(row: Row | None, languages: Languages, sections: list[dict]) -> dict:
    """Return the top level of the document (all but format, id, version and sections)."""
    document: dict = {}
    for column, path, asks in TEXT_SETTINGS:
        text = languages.text(row, column) if row else None
        if text is None and asks is not None:
            text = placeholder(languages.order, asks)
        if text is not None:
            _set(document, path, text)
    for column, path in VALUE_SETTINGS:
        value = row.get(column) if row else None
        if value is not None:
            _set(document, path, _plain_value(column, value))
    contact = document.setdefault("contact", {})
    if not {"email", "phone", "address"} & set(contact):
        contact["address"] = placeholder(languages.order, CONTACT_PLACEHOLDER)
    document.setdefault("estimated_minutes", estimate_minutes(sections))
    support = _read_support(row, languages) if row else {}
    if support:
        document["support"] = support
    return document


def read_title(row: Row | None, languages: Languages) -> dict[str, str]:
    """Return the title: ``heard_title::...`` columns, else ``form_title`` in every language."""
    title = dict(languages.text(row, "heard_title") or {}) if row else {}
    written = row.get("title") if row else None
    if not title and not written:
        return placeholder(languages.order, TITLE_PLACEHOLDER)
    # An XLSForm has one title; it stands for every language not given its own.
    return {code: title.get(code) or written or "" for code in languages.order}


def estimate_minutes(sections: list[dict]) -> int:
    """Return a first guess at the minutes a survey takes: half a minute a question."""
    questions = sum(
        1 for section in sections for item in section["items"] if item.get("type") != "note"
    )
    return max(1, min(240, math.ceil(questions * MINUTES_PER_QUESTION)))


def _plain_value(column: str, text: str) -> int | bool | str:
    """Return a settings value as the YAML document needs it; Heard's checks report the rest."""
    if column.endswith("minutes"):
        return _whole_number(text)
    if column == "heard_quote_consent":
        return aliases.yes_no.get(text.strip(), text)
    return text


def _whole_number(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text  # as written: Heard's own check reports it


def _set(document: dict, path: str, value: object) -> None:
    *parents, key = path.split(".")
    for parent in parents:
        document = document.setdefault(parent, {})
    document[key] = value


def _read_support(row: Row, languages: Languages) -> dict[str, list[dict[str, str]]]:
    """Return the support resources of ``heard_support_N_FIELD::Language (code)`` columns."""
    found: dict[str, dict[int, dict[str, str]]] = {}
    for column in row.cells:
        match = SUPPORT_COLUMN.fullmatch(column)
        if match is None:
            continue
        for code, value in (languages.text(row, column) or {}).items():
            resource = found.setdefault(code, {}).setdefault(int(match["number"]), {})
            resource[match["field"]] = value
    return {
        code: [
            {key: resources[n][key] for key in SUPPORT_FIELDS if key in resources[n]}
            for n in sorted(resources)
        ]
        for code, resources in found.items()
    }


def placeholder_paths(instrument: Instrument) -> tuple[str, ...]:
    """Return the key path of every text of `instrument` that is still a placeholder.

    Parameters
    ----------
    instrument
        An instrument, typically one imported from an XLSForm.

    Returns
    -------
    tuple of str
        Key paths such as ``"consent.withdrawal"`` or ``"sections[0].title"``,
        in document order; empty when nothing is left to write.

    Examples
    --------
    >>> from instruments import load_library
    >>> placeholder_paths(load_library("police-response"))
    ()
    """
    return tuple(path for path, text in _texts(instrument) if _is_placeholder(text))


def _is_placeholder(text: Text | None) -> bool:
    return text is not None and any(
        value.startswith(PLACEHOLDER_MARK) for value in text.translations.values()
    )


def _texts(instrument: Instrument) -> Iterator[tuple[str, Text | None]]:
    yield "title", instrument.title
    yield "purpose", instrument.purpose
    yield "organisation.name", instrument.organisation.name
    yield "contact.name", instrument.contact.name
    yield "contact.address", instrument.contact.address
    for part in Consent.PARTS:
        yield f"consent.{part}", getattr(instrument.consent, part)
    for index, section in enumerate(instrument.sections):
        yield f"sections[{index}].title", section.title
