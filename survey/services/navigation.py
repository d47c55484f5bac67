"""The respondent's path through an instrument, decided on the server.

A path is a sequence of steps: the opening of a skippable section (its content
note and "Skip this section"), and question pages. Whether a step is shown
depends on the answers so far, through each section's and item's `show_if`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from instruments.schema import Instrument, Item, Page, Section

SECTION = "section"
PAGE = "page"


@dataclass(frozen=True)
class Step:
    """One stop on the respondent's path: a section opening or a question page."""

    kind: str
    key: str
    section: Section
    page: Page | None = None

    @property
    def token(self) -> str:
        """Return the step as stored in a response's `last_page` (``page/KEY``)."""
        return f"{self.kind}/{self.key}"


@cache
def all_steps(instrument: Instrument) -> tuple[Step, ...]:
    """Return every step of `instrument`, whatever the answers."""
    steps: list[Step] = []
    for page in instrument.pages():
        if page.first_of_section and page.section.skippable:
            steps.append(Step(SECTION, page.section.id, page.section))
        steps.append(Step(PAGE, page.key, page.section, page))
    return tuple(steps)


def find_step(instrument: Instrument, kind: str, key: str) -> Step | None:
    """Return the step of that kind and key, or None if there is none."""
    for step in all_steps(instrument):
        if step.kind == kind and step.key == key:
            return step
    return None


def shown(condition_owner: Item | Section, answers: Mapping[str, object]) -> bool:
    """Return True when the owner's `show_if` holds for `answers` (or it has none)."""
    condition = condition_owner.show_if
    return condition is None or condition.evaluate(answers)


def visible_items(page: Page, answers: Mapping[str, object]) -> tuple[Item, ...]:
    """Return the items of `page` that `answers` let the respondent see."""
    if not shown(page.section, answers):
        return ()
    return tuple(item for item in page.items if shown(item, answers))


def is_visible(instrument: Instrument, step: Step, answers: Mapping[str, object]) -> bool:
    """Return True when `step` is on the respondent's path for `answers`."""
    if not shown(step.section, answers):
        return False
    if step.kind == SECTION:
        return any(
            visible_items(s.page, answers)
            for s in all_steps(instrument)
            if s.kind == PAGE and s.section.id == step.section.id
        )
    return bool(visible_items(step.page, answers))


def path(instrument: Instrument, answers: Mapping[str, object]) -> list[Step]:
    """Return the steps `answers` put on the respondent's path, in order."""
    return [step for step in all_steps(instrument) if is_visible(instrument, step, answers)]


def next_step(
    instrument: Instrument, current: Step | None, answers: Mapping[str, object]
) -> Step | None:
    """Return the step after `current` (the first if None); None means "check answers"."""
    steps = all_steps(instrument)
    start = 0 if current is None else steps.index(current) + 1
    for step in steps[start:]:
        if is_visible(instrument, step, answers):
            return step
    return None


def previous_step(
    instrument: Instrument, current: Step, answers: Mapping[str, object]
) -> Step | None:
    """Return the step before `current` on the path; None means "the start"."""
    steps = all_steps(instrument)
    for step in reversed(steps[: steps.index(current)]):
        if is_visible(instrument, step, answers):
            return step
    return None


def section_after(
    instrument: Instrument, section: Section, answers: Mapping[str, object]
) -> Step | None:
    """Return the first visible step after every step of `section`."""
    steps = all_steps(instrument)
    last = max(i for i, s in enumerate(steps) if s.section.id == section.id)
    return next_step(instrument, steps[last], answers)
