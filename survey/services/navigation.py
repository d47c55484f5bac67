"""The respondent's path through an instrument, decided on the server.

A path is a sequence of steps: the opening of a skippable section (its content
note and "Skip this section"), and question pages. Whether a step is shown
depends on the answers so far, through each section's and item's `show_if`.

A step is stored by its key (``page/arrested``) but named in respondent URLs
only by its position (``/p/3``): browser history keeps every address, and a
key or an item id there would tell whoever holds the phone what was asked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from instruments.schema import Instrument, Item, Page, Section

SECTION = "section"
PAGE = "page"
# A step's number as a URL may give it: ASCII digits, no leading zero, a sane length.
NUMBER = re.compile(r"[1-9][0-9]{0,5}")


@dataclass(frozen=True)
class Step:
    """One stop on the respondent's path: a section opening or a question page."""

    kind: str
    key: str
    section: Section
    page: Page | None = None
    number: int = 0  # 1-based position in `all_steps`: the only name respondent URLs use

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
            steps.append(Step(SECTION, page.section.id, page.section, number=len(steps) + 1))
        steps.append(Step(PAGE, page.key, page.section, page, number=len(steps) + 1))
    return tuple(steps)


def find_step(instrument: Instrument, kind: str, key: str) -> Step | None:
    """Return the step of that kind and key, or None if there is none."""
    for step in all_steps(instrument):
        if step.kind == kind and step.key == key:
            return step
    return None


def step_of_token(instrument: Instrument, token: str | None) -> Step | None:
    """Return the step a stored token (``page/KEY``, ``section/KEY``) names, or None."""
    kind, _, key = (token or "").partition("/")
    return find_step(instrument, kind, key)


def step_at(instrument: Instrument, kind: str, number: str | int) -> Step | None:
    """Return the step of that kind at 1-based position `number` (as a URL gives it), or None."""
    if not NUMBER.fullmatch(str(number)):
        return None
    steps = all_steps(instrument)
    index = int(number) - 1
    if index >= len(steps) or steps[index].kind != kind:
        return None
    return steps[index]


def item_anchor(page: Page, item_id: str) -> str | None:
    """Return the neutral fragment of an item on its page (``Q1``, ``Q2``...), or None.

    It is the item's element id on the respondent's page (``field_id`` in
    respond/_macros.html); upper case, so never the same as an id made from
    an item id (lower case).
    """
    for index, item in enumerate(page.items, start=1):
        if item.id == item_id:
            return f"Q{index}"
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
