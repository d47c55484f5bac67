"""The plain-language "what we store" receipt, built from the real configuration."""

from __future__ import annotations

from dataclasses import dataclass

from instruments.schema import Instrument
from survey.models import Study

FREE_TEXT = ("short_text", "long_text")


@dataclass(frozen=True)
class Receipt:
    """What is stored and what is never stored, as sentences."""

    stored: tuple[str, ...]
    never: tuple[str, ...]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def receipt_for(study: Study, instrument: Instrument, *, session_idle_days: int) -> Receipt:
    """Return the receipt for `study` as it is configured now."""
    items = list(instrument.answerable_items())
    own_words = sum(1 for item in items if item.type in FREE_TEXT)
    stored = [
        f"Your answers to the questions you choose to answer "
        f"(up to {_plural(len(items), 'question')}"
        + (f", {own_words} of them in your own words)." if own_words else ")."),
        "When you choose “Prefer not to say” or skip a question, we store that choice.",
        "The language you chose.",
        "The day you started and the day you finished. Not the time of day.",
        f"A cookie that keeps your place while you answer. It holds a random number, "
        f"not your answers. It is deleted when you leave, or after "
        f"{_plural(session_idle_days, 'day')} without use.",
    ]
    if study.resume_enabled:
        stored.append(
            "If you save and come back later, we keep your answers so far, locked with a "
            "phrase only you are shown. If you do not save, unfinished answers are deleted "
            f"within {_plural(-(-study.draft_lifetime_hours // 24) + 1, 'day')}."
        )
    else:
        stored.append(
            "If you stop before the end, your answers are deleted within "
            f"{_plural(-(-study.draft_lifetime_hours // 24) + 1, 'day')}."
        )
    never = (
        "Your name or contact details. We do not ask for them.",
        "Your internet (IP) address.",
        "Your phone, computer or web browser.",
        "Where you are.",
        "How long you spend on each question.",
        "The website you came from.",
    )
    return Receipt(tuple(stored), never)
