"""Rules on voice and choice: nothing forced, nothing sensitive without warning, reasons given."""

from __future__ import annotations

from collections.abc import Iterator

from instruments.lint._registry import ERROR, WARNING, Hit, rule
from instruments.lint._walk import items, sections
from instruments.schema import Instrument, Section


@rule(
    "REQUIRED_SENSITIVE",
    ERROR,
    title="A required question is sensitive, or sits in a sensitive section",
    explanation=(
        "A person who does not want to answer a sensitive question must be able to leave it. "
        "Requiring it forces them to disclose something they did not choose to, or to give "
        "up the survey (WHO 2003: the right not to answer; SAFETY.md: nothing is required "
        "by default)."
    ),
    fix="Remove `required: true`: every question already offers “Prefer not to say”.",
)
def required_sensitive(instrument: Instrument) -> Iterator[Hit]:
    """Find required items that are sensitive or lie in a sensitive section."""
    for place, section, item in items(instrument):
        if item.required and (item.sensitive or section.sensitive):
            which = "is marked sensitive" if item.sensitive else "is in a sensitive section"
            yield Hit(
                place.at("required"),
                f"This question is required and {which}: a person who does not want to "
                "answer it has to answer anyway or stop the survey.",
                "Remove `required: true`.",
            )


@rule(
    "REQUIRED_WITHOUT_NON_ANSWER",
    ERROR,
    title="A required question offers no “Prefer not to say”",
    explanation=(
        "A required question without a non-answer can only be passed by answering it, so "
        "the person loses the right to decline. The YAML loader refuses this "
        "(PREFER_NOT_TO_SAY_REQUIRED); the lint also catches instruments built another way."
    ),
    fix="Remove `required: true`, or add prefer_not_to_say to `non_answers`.",
)
def required_without_non_answer(instrument: Instrument) -> Iterator[Hit]:
    """Find required answerable items whose non-answers leave out prefer_not_to_say."""
    for place, _, item in items(instrument):
        if item.answerable and item.required and "prefer_not_to_say" not in item.non_answers:
            yield Hit(
                place.at("required"),
                "This question is required and offers no “Prefer not to say”: "
                "the only way to decline it is to stop the survey.",
                "Remove `required: true`, or add prefer_not_to_say to `non_answers`.",
            )


def _missing_protection(section: Section) -> str | None:
    """Return what a section lacks to hold sensitive questions (a content note, a skip)."""
    lacks = []
    if section.content_note is None:
        lacks.append("has no content note")
    if not section.skippable:
        lacks.append("cannot be skipped")
    return " and ".join(lacks) or None


@rule(
    "SENSITIVE_UNPROTECTED",
    WARNING,
    title="A sensitive question or section comes without a content note or a way past it",
    explanation=(
        "Sensitive sections open with a factual content note (what they ask and why) and "
        "offer “Skip this section” (SAFETY.md). A sensitive question in a section without "
        "both reaches the person with no warning and no way past it but to decline it."
    ),
    fix=(
        "Move the question into a section with `sensitive: true` (which needs a "
        "`content_note` and is skippable), or give its section a `content_note` and "
        "`skippable: true`."
    ),
)
def sensitive_unprotected(instrument: Instrument) -> Iterator[Hit]:
    """Find sensitive sections and items whose section lacks a content note or a skip."""
    for place, section in sections(instrument):
        lacks = _missing_protection(section)
        if section.sensitive and lacks:
            yield Hit(
                place.at("skippable" if section.content_note else "content_note"),
                f"This section is sensitive but {lacks}.",
                "Give it a `content_note` that says what it asks and why, and `skippable: true`.",
            )
    for place, section, item in items(instrument):
        lacks = _missing_protection(section)
        if item.sensitive and not section.sensitive and lacks:
            yield Hit(
                place.at("sensitive"),
                f"This question is marked sensitive, but its section “{section.id}” {lacks}: "
                "the person meets it without warning.",
                f"Move it to a sensitive section, or give “{section.id}” a `content_note` "
                "and `skippable: true`.",
            )


@rule(
    "WHY_WE_ASK_MISSING",
    WARNING,
    title="A question does not say why it is asked",
    explanation=(
        "Saying why each question is asked is part of transparency and trust (SAMHSA's "
        "trauma-informed principles): people who know why can judge whether to answer, "
        "and a question with no visible purpose can feel like an interrogation."
    ),
    fix="Add `why_we_ask`: one or two plain sentences on what the answer is used for.",
)
def why_we_ask_missing(instrument: Instrument) -> Iterator[Hit]:
    """Find answerable items without `why_we_ask`."""
    for place, _, item in items(instrument):
        if item.answerable and item.why_we_ask is None:
            yield Hit(
                place.at("why_we_ask"),
                "This question does not say why it is asked.",
                "Add `why_we_ask`, for example “We want to know how often this happens, "
                "so that ... can change it.”",
            )
