"""Frozen dataclasses that a validated instrument is made of.

Nothing here parses or validates: :mod:`instruments.loader` builds these
objects only from input that passed every check, so code that receives an
:class:`Instrument` may trust it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from instruments.languages import is_rtl
from instruments.languages import language_name as language_name  # the respond pages' import

if TYPE_CHECKING:
    from instruments.conditions import Condition

NON_ANSWER_CODES = (
    "prefer_not_to_say",
    "dont_know",
    "not_applicable",
    "skipped",
    "not_shown",
)
"""Every non-answer code, in the order exports list them."""

OFFERED_NON_ANSWERS = ("prefer_not_to_say", "dont_know", "not_applicable")
"""The non-answers a respondent may choose; `skipped` and `not_shown` are set by Heard."""

SURVEY = "survey"
INTERVIEW_GUIDE = "interview_guide"
KINDS = (SURVEY, INTERVIEW_GUIDE)
"""What an instrument is: a survey (sections of questions) or an interview guide (topics)."""

ITEM_TYPES = (
    "single_choice",
    "multiple_choice",
    "scale",
    "short_text",
    "long_text",
    "number",
    "month_year",
    "yes_no",
    "note",
)


@dataclass(frozen=True)
class Text:
    """A piece of text in one or more languages.

    Examples
    --------
    >>> Text({"en": "Hello", "fr": "Bonjour"}).get("fr")
    'Bonjour'
    """

    translations: Mapping[str, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "translations", MappingProxyType(dict(self.translations)))

    def get(self, language: str, fallback: str | None = None) -> str:
        """Return the text in `language`, else in `fallback`, else any text."""
        if language in self.translations:
            return self.translations[language]
        if fallback is not None and fallback in self.translations:
            return self.translations[fallback]
        return next(iter(self.translations.values()), "")

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.translations.items())))


@dataclass(frozen=True)
class Choice:
    """One option of a choice item or one labelled point of a scale."""

    value: str
    label: Text


@dataclass(frozen=True)
class SupportResource:
    """Where a respondent can get help, in one language."""

    name: str
    phone: str | None = None
    url: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Organisation:
    """Who runs the study."""

    name: Text
    url: str | None = None


@dataclass(frozen=True)
class Contact:
    """Who respondents may contact about the study."""

    name: Text | None = None
    email: str | None = None
    phone: str | None = None
    address: Text | None = None


@dataclass(frozen=True)
class Consent:
    """The structured parts of informed consent; every part is required."""

    purpose: Text
    who_runs_it: Text
    use_and_retention: Text
    anonymity: Text
    right_to_skip: Text
    right_to_stop: Text
    withdrawal: Text
    confidentiality_limits: Text

    PARTS = (
        "purpose",
        "who_runs_it",
        "use_and_retention",
        "anonymity",
        "right_to_skip",
        "right_to_stop",
        "withdrawal",
        "confidentiality_limits",
    )


@dataclass(frozen=True)
class Item:
    """One question (or, for type `note`, a piece of display-only text)."""

    id: str
    type: str
    label: Text
    hint: Text | None = None
    why_we_ask: Text | None = None
    required: bool = False
    sensitive: bool = False
    non_answers: tuple[str, ...] = ("prefer_not_to_say",)
    show_if: Condition | None = None
    choices: tuple[Choice, ...] = ()
    min: float | None = None
    max: float | None = None
    integer: bool = True
    max_length: int | None = None
    self_describe: str | None = None

    @property
    def answerable(self) -> bool:
        """Return True for every type but `note`."""
        return self.type != "note"

    def choice_values(self) -> tuple[str, ...]:
        """Return the values a respondent may choose, non-answers excluded."""
        if self.type == "yes_no":
            return ("yes", "no")
        return tuple(c.value for c in self.choices)

    def choice_label(self, value: str, language: str) -> str | None:
        """Return the label of `value` in `language`, or None if unknown."""
        for choice in self.choices:
            if choice.value == value:
                return choice.label.get(language)
        return None


@dataclass(frozen=True)
class Section:
    """A group of items shown together (or one per page with layout `item`)."""

    id: str
    title: Text
    items: tuple[Item, ...]
    intro: Text | None = None
    content_note: Text | None = None
    sensitive: bool = False
    skippable: bool = False
    show_if: Condition | None = None


@dataclass(frozen=True)
class Topic:
    """One topic of an interview guide: what to ask, and the probes that may follow.

    A guide stores no answers: the interviewer reads the prompts, follows up
    as the conversation allows, and keeps notes.

    Examples
    --------
    >>> topic = Topic("arrival", Text({"en": "Arriving"}), (Text({"en": "How did you arrive?"}),))
    >>> topic.prompts[0].get("en")
    'How did you arrive?'
    """

    id: str
    title: Text
    prompts: tuple[Text, ...]
    follow_ups: tuple[Text, ...] = ()
    content_note: Text | None = None
    sensitive: bool = False


@dataclass(frozen=True)
class Page:
    """One respondent page: a whole section, or one item of it."""

    key: str
    section: Section
    items: tuple[Item, ...]
    first_of_section: bool


@dataclass(frozen=True)
class Instrument:
    """A validated instrument, immutable once loaded."""

    id: str
    version: str
    title: Text
    purpose: Text
    languages: tuple[str, ...]
    default_language: str
    estimated_minutes: int
    organisation: Organisation
    contact: Contact
    consent: Consent
    sections: tuple[Section, ...]
    support: Mapping[str, tuple[SupportResource, ...]] = field(default_factory=dict)
    kind: str = SURVEY
    layout: str = "section"
    topics: tuple[Topic, ...] = ()
    quote_consent: bool = False
    content_hash: str = ""
    source: str = field(default="", repr=False, compare=False)

    def __hash__(self) -> int:
        return hash(self.content_hash)

    def items(self) -> Iterator[Item]:
        """Yield every item in order, notes included."""
        for section in self.sections:
            yield from section.items

    def answerable_items(self) -> Iterator[Item]:
        """Yield every item that takes an answer, in order."""
        return (item for item in self.items() if item.answerable)

    def item(self, item_id: str) -> Item:
        """Return the item called `item_id`; raise KeyError if there is none."""
        for item in self.items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def section_of(self, item_id: str) -> Section:
        """Return the section holding item `item_id`."""
        for section in self.sections:
            if any(item.id == item_id for item in section.items):
                return section
        raise KeyError(item_id)

    def pages(self) -> tuple[Page, ...]:
        """Return the respondent pages in order, as the layout says.

        With layout `section` a section is one page, except that a page ends
        before any item whose `show_if` names an item on the same page: every
        condition is then decided on the server before its item is shown. A
        page is keyed by its section id, or by its first item's id when a
        section is split.
        """
        pages: list[Page] = []
        for section in self.sections:
            chunks = [[item] for item in section.items] if self.layout == "item" else []
            if not chunks:
                for item in section.items:
                    names = item.show_if.references if item.show_if else frozenset()
                    if not chunks or names & {i.id for i in chunks[-1]}:
                        chunks.append([item])
                    else:
                        chunks[-1].append(item)
            for index, chunk in enumerate(chunks):
                key = section.id if index == 0 and self.layout == "section" else chunk[0].id
                pages.append(Page(key, section, tuple(chunk), index == 0))
        return tuple(pages)

    @property
    def is_guide(self) -> bool:
        """Return True for an interview guide (topics to talk about, no answers stored)."""
        return self.kind == INTERVIEW_GUIDE

    def is_rtl(self, language: str) -> bool:
        """Return True when `language` is written right to left."""
        return is_rtl(language)


AnswerValue = Any
"""What an answer holds: str, list[str], int/float, or a non-answer code (str)."""
