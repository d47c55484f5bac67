"""Preview a study as a respondent would see it, storing nothing.

A preview walks every step of the instrument in order, whatever the answers
(so each conditional question can be seen), and keeps no answer anywhere:
no response row, no answer rows, no session flags of the respondent's journey.
It shows the draft when there is one, else the published version.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from instruments import InstrumentInvalid, load_instrument
from instruments.schema import Instrument, Section
from survey.models import Study
from survey.services.errors import ServiceError
from survey.services.navigation import Step, all_steps, find_step
from survey.services.studies import instrument_of

SAMPLE_PHRASE = "apple river candle orbit meadow"
"""What a preview shows where a respondent would get their own phrase."""


class DraftNotLoadable(ServiceError):
    """The draft has errors, so there is nothing to preview until they are fixed."""


@dataclass(frozen=True)
class Previewed:
    """The instrument a preview shows, and whether it is the draft."""

    instrument: Instrument
    is_draft: bool


def previewed(study: Study) -> Previewed:
    """Return what a preview of `study` shows: its draft if any, else the published version."""
    if study.draft_source is None:
        return Previewed(instrument_of(study.instrument_version), False)
    try:
        return Previewed(_load(study.draft_source), True)
    except InstrumentInvalid:
        raise DraftNotLoadable(study.slug) from None


@lru_cache(maxsize=8)
def _load(source: str) -> Instrument:
    return load_instrument(source, filename="draft.yaml")


def first_step(instrument: Instrument) -> Step | None:
    """Return the first step of the preview (None: the instrument has no steps)."""
    steps = all_steps(instrument)
    return steps[0] if steps else None


def step(instrument: Instrument, kind: str, key: str) -> Step | None:
    """Return the step of that kind and key, or None."""
    return find_step(instrument, kind, key)


def step_after(instrument: Instrument, current: Step) -> Step | None:
    """Return the step after `current`, whatever the answers; None means "check answers"."""
    steps = all_steps(instrument)
    index = steps.index(current) + 1
    return steps[index] if index < len(steps) else None


def step_before(instrument: Instrument, current: Step) -> Step | None:
    """Return the step before `current`; None means consent."""
    steps = all_steps(instrument)
    index = steps.index(current)
    return steps[index - 1] if index > 0 else None


def last_step(instrument: Instrument) -> Step | None:
    """Return the last step (what "Back" from "Check your answers" shows)."""
    steps = all_steps(instrument)
    return steps[-1] if steps else None


def step_after_section(instrument: Instrument, section: Section) -> Step | None:
    """Return the first step after every step of `section` (where "Skip this section" goes)."""
    steps = all_steps(instrument)
    last = max(i for i, s in enumerate(steps) if s.section.id == section.id)
    return steps[last + 1] if last + 1 < len(steps) else None
