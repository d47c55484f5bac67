"""The rows of "Check your answers": every question shown, its answer, where to change it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from instruments.schema import Instrument, Item
from survey.services.answers import Stored
from survey.services.messages import N_, Message
from survey.services.navigation import PAGE, all_steps, visible_items

NON_ANSWER_WORDS = {
    "prefer_not_to_say": N_("Prefer not to say"),
    "dont_know": N_("Don’t know"),
    "not_applicable": N_("Does not apply to me"),
    "skipped": N_("Not answered"),
    "not_shown": N_("Not asked"),
}
YES_NO = {"yes": N_("Yes"), "no": N_("No")}
MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)


@dataclass(frozen=True)
class ReviewRow:
    """One question and its answer as the respondent will read it."""

    item_id: str
    question: str
    answer: str | Message
    page_key: str


@dataclass(frozen=True)
class ReviewSection:
    """The rows of one section, under its title."""

    title: str
    rows: tuple[ReviewRow, ...]


def answer_words(item: Item, stored: Stored | None, language: str) -> str | Message:
    """Return an answer as words: choice labels, a month name, or the non-answer's name."""
    if stored is None:
        return NON_ANSWER_WORDS["skipped"]
    if stored.code is not None:
        return NON_ANSWER_WORDS.get(stored.code, stored.code)
    value = stored.value
    if item.type == "yes_no":
        return YES_NO.get(str(value), str(value))
    if item.type in ("single_choice", "scale"):
        return item.choice_label(str(value), language) or str(value)
    if item.type == "multiple_choice":
        return ", ".join(item.choice_label(v, language) or v for v in value)
    if item.type == "month_year":
        year, month = str(value).split("-")
        return N_("%(month)s %(year)s", month=MONTHS[int(month) - 1], year=year)
    return str(value)


def review_rows(
    instrument: Instrument, answers: Mapping[str, Stored], language: str
) -> tuple[ReviewSection, ...]:
    """Return the sections and rows to show on "Check your answers"."""
    seen = {item_id: s.as_condition_value() for item_id, s in answers.items()}
    sections: dict[str, list[ReviewRow]] = {}
    titles: dict[str, str] = {}
    for step in all_steps(instrument):
        if step.kind != PAGE:
            continue
        for item in visible_items(step.page, seen):
            if not item.answerable:
                continue
            words = answer_words(item, answers.get(item.id), language)
            described = answers.get(f"{item.id}__text")
            if described is not None and described.value:
                words = N_("%(answer)s: %(description)s", answer=words, description=described.value)
            row = ReviewRow(item.id, item.label.get(language), words, step.key)
            sections.setdefault(step.section.id, []).append(row)
            titles[step.section.id] = step.section.title.get(language)
    return tuple(ReviewSection(titles[key], tuple(rows)) for key, rows in sections.items())
