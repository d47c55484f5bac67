"""What an analyst chose for a findings report: themes, their words and quotes, closed questions.

The builder pages store these (services/reports/store.py) and hand a
`Choices` to `gather.gather`. `check_choices` refuses what no report can
hold (an empty title, a narrative longer than a page or two, a theme twice)
with a message for the analyst; ids that do not exist on the study are
checked against the database by `gather.check_known`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from survey.services.reports.errors import ChoicesInvalid

__all__ = [
    "MAX_BREAKDOWNS",
    "MAX_ITEMS",
    "MAX_NARRATIVE",
    "MAX_QUOTES",
    "MAX_THEMES",
    "MAX_TITLE",
    "Choices",
    "check_choices",
]

MAX_TITLE = 200
MAX_NARRATIVE = 5_000  # characters: about a page; longer text belongs in the full write-up
MAX_THEMES = 30
MAX_QUOTES = 10  # per theme
MAX_ITEMS = 30
MAX_BREAKDOWNS = 3


@dataclass(frozen=True)
class Choices:
    """The analyst's choices: report order is the order of `theme_ids` and `item_ids`."""

    title: str
    introduction: str = ""
    theme_ids: tuple[str, ...] = ()
    narratives: Mapping[str, str] = field(default_factory=dict)  # theme id -> text as typed
    quotes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # theme id -> segment ids
    item_ids: tuple[str, ...] = ()  # closed questions charted, in order
    breakdown_item_ids: tuple[str, ...] = ()  # single-answer questions each theme is split by


def _repeated(values: tuple[str, ...]) -> str | None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None


def check_choices(choices: Choices) -> None:
    """Raise ChoicesInvalid, saying what to change, unless the choices can make a report."""
    if not choices.title.strip():
        raise ChoicesInvalid("Give the report a title.")
    if len(choices.title) > MAX_TITLE:
        raise ChoicesInvalid(f"Keep the title under {MAX_TITLE} characters.")
    if len(choices.introduction) > MAX_NARRATIVE:
        raise ChoicesInvalid(f"Keep the introduction under {MAX_NARRATIVE:,} characters.")
    limits = (
        (choices.theme_ids, MAX_THEMES, "themes"),
        (choices.item_ids, MAX_ITEMS, "closed questions"),
        (choices.breakdown_item_ids, MAX_BREAKDOWNS, "questions to break themes down by"),
    )
    for values, most, what in limits:
        if len(values) > most:
            raise ChoicesInvalid(f"Choose at most {most} {what}.")
        if _repeated(values) is not None:
            raise ChoicesInvalid(f"Each of the {what} can be chosen once.")
    chosen = set(choices.theme_ids)
    for theme, text in choices.narratives.items():
        if theme not in chosen:
            raise ChoicesInvalid("A narrative belongs to a theme that is not chosen.")
        if len(text) > MAX_NARRATIVE:
            raise ChoicesInvalid(f"Keep each theme's text under {MAX_NARRATIVE:,} characters.")
    for theme, segments in choices.quotes.items():
        if theme not in chosen:
            raise ChoicesInvalid("Quotes were chosen for a theme that is not chosen.")
        if len(segments) > MAX_QUOTES:
            raise ChoicesInvalid(f"Choose at most {MAX_QUOTES} quotes for each theme.")
        if _repeated(tuple(segments)) is not None:
            raise ChoicesInvalid("Each quote can be chosen once.")
