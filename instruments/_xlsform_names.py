"""Turn XLSForm names into Heard ids, choice values and instrument slugs, deterministically.

XLSForm names may hold capitals, hyphens, dots and ``__``, which Heard ids do
not allow (docs/instrument-format.md). Each rule below gives the same result
for the same input, so importing a form twice gives the same ids.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from instruments.schema import NON_ANSWER_CODES

MAX_ID_LENGTH = 63
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _ascii_words(name: str) -> list[str]:
    """Return the lower-case ASCII words of `name` (accents dropped, CamelCase split)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)
    return [word for word in _NOT_WORD.split(text.lower()) if word]


def item_id(name: str) -> str:
    """Return `name` as a section or item id: ``[a-z][a-z0-9_]{0,62}`` without ``__``.

    Examples
    --------
    >>> item_id("Age-in.Years"), item_id("_1"), item_id("q__text")
    ('age_in_years', 'q_1', 'q_text')
    """
    words = _ascii_words(name) or ["q"]
    text = "_".join(words)
    if not text[0].isalpha():
        text = f"q_{text}"
    return text[:MAX_ID_LENGTH].rstrip("_")


def choice_value(name: str) -> str:
    """Return `name` as a choice value: ``[a-z0-9][a-z0-9_]{0,62}``, never a non-answer code.

    Examples
    --------
    >>> choice_value("N1-c"), choice_value("skipped"), choice_value("")
    ('n1_c', 'skipped_choice', 'choice')
    """
    text = "_".join(_ascii_words(name)) or "choice"
    text = text[:MAX_ID_LENGTH].rstrip("_")
    return f"{text}_choice"[:MAX_ID_LENGTH] if text in NON_ANSWER_CODES else text


def slug(name: str) -> str:
    """Return `name` as an instrument id: ``[a-z][a-z0-9-]{1,62}``.

    Examples
    --------
    >>> slug("Spec test"), slug("cascading_selects1"), slug("7")
    ('spec-test', 'cascading-selects1', 'form-7')
    """
    text = "-".join(_ascii_words(name))
    if not text or not text[0].isalpha():
        text = f"form-{text}" if text else "imported-form"
    if len(text) < 2:
        text = f"{text}-form"
    return text[:MAX_ID_LENGTH].rstrip("-")


@dataclass
class Namer:
    """Gives each name a unique id of its kind, remembering what it gave.

    A name that is already valid is kept; every name and its id are kept in
    `given`, so the importer can warn about it. Two names that would give
    the same id are told apart by a suffix (``age``, ``age_2``).
    """

    make: Callable[[str], str] = item_id
    taken: set[str] = field(default_factory=set)
    given: dict[str, str] = field(default_factory=dict)

    def reserve(self, names: Iterable[str]) -> None:
        """Let every name in `names` that is already valid keep itself, whatever comes first."""
        for name in names:
            if self.make(name) == name:
                self.taken.add(name)
                self.given[name] = name

    def name(self, name: str) -> str:
        """Return the id for `name`, a new one if `name` was not seen before."""
        if name in self.given:
            return self.given[name]
        base = self.make(name)
        candidate, number = base, 1
        while candidate in self.taken:
            number += 1
            suffix = f"_{number}"
            candidate = base[: MAX_ID_LENGTH - len(suffix)] + suffix
        self.taken.add(candidate)
        self.given[name] = candidate
        return candidate
