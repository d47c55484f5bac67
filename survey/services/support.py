"""Where a respondent can get help, and what Heard stores: the words both pages use."""

from __future__ import annotations

from instruments.schema import Instrument, SupportResource

DEFAULT_SUPPORT = (
    SupportResource(
        name="Modern Slavery & Exploitation Helpline",
        phone="08000 121 700",
        url="https://www.modernslaveryhelpline.org",
        description="Free and confidential, 24 hours a day, 7 days a week.",
    ),
    SupportResource(
        name="Emergency services",
        phone="999",
        description="If you are in danger now, call 999.",
    ),
)


def support_for(instrument: Instrument | None, language: str) -> tuple[SupportResource, ...]:
    """Return the instrument's support resources in `language`, else the UK defaults."""
    if instrument is not None:
        resources = instrument.support.get(language) or instrument.support.get(
            instrument.default_language
        )
        if resources:
            return tuple(resources)
    return DEFAULT_SUPPORT
