"""The plain-language "what we store" receipt, built from the real configuration."""

from __future__ import annotations

from dataclasses import dataclass

from instruments.schema import Instrument
from survey.models import Study
from survey.services.messages import N_, NP_, Message

FREE_TEXT = ("short_text", "long_text")


@dataclass(frozen=True)
class Receipt:
    """What is stored and what is never stored, as sentences."""

    stored: tuple[Message, ...]
    never: tuple[Message, ...]


def _answers_line(questions: int, own_words: int) -> Message:
    if own_words:
        return NP_(
            "Your answers to the questions you choose to answer (up to %(num)s question, "
            "%(own_words)s of them in your own words).",
            "Your answers to the questions you choose to answer (up to %(num)s questions, "
            "%(own_words)s of them in your own words).",
            questions,
            own_words=own_words,
        )
    return NP_(
        "Your answers to the questions you choose to answer (up to %(num)s question).",
        "Your answers to the questions you choose to answer (up to %(num)s questions).",
        questions,
    )


def _unfinished_line(study: Study) -> Message:
    """Say what happens to answers saved for later, or to unfinished ones."""
    draft_days = -(-study.draft_lifetime_hours // 24) + 1
    if study.resume_enabled:
        return NP_(
            "If you save and come back later, we keep your answers so far, locked with a "
            "phrase only you are shown. If you do not save, unfinished answers are deleted "
            "within %(num)s day.",
            "If you save and come back later, we keep your answers so far, locked with a "
            "phrase only you are shown. If you do not save, unfinished answers are deleted "
            "within %(num)s days.",
            draft_days,
        )
    return NP_(
        "If you stop before the end, your answers are deleted within %(num)s day.",
        "If you stop before the end, your answers are deleted within %(num)s days.",
        draft_days,
    )


def receipt_for(study: Study, instrument: Instrument, *, session_idle_days: int) -> Receipt:
    """Return the receipt for `study` as it is configured now."""
    items = list(instrument.answerable_items())
    own_words = sum(1 for item in items if item.type in FREE_TEXT)
    stored = [
        _answers_line(len(items), own_words),
        N_("When you choose “Prefer not to say” or skip a question, we store that choice."),
        N_("The language you chose."),
        N_("The day you started and the day you finished. Not the time of day."),
        NP_(
            "A cookie that keeps your place while you answer. It holds a random number, "
            "not your answers. It is deleted when you leave, or after %(num)s day without use.",
            "A cookie that keeps your place while you answer. It holds a random number, "
            "not your answers. It is deleted when you leave, or after %(num)s days without use.",
            session_idle_days,
        ),
    ]
    if instrument.quote_consent:
        stored.append(
            N_(
                "Whether we may quote your words in reports. We ask you before you send your "
                "answers. Unless you say yes, we never quote them."
            )
        )
    stored.append(_unfinished_line(study))
    never = (
        N_("Your name or contact details. We do not ask for them."),
        N_("Your internet (IP) address."),
        N_("Your phone, computer or web browser."),
        N_("Where you are."),
        N_("How long you spend on each question."),
        N_("The website you came from."),
    )
    return Receipt(tuple(stored), never)
