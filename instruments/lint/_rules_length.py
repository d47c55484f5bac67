"""Rule on burden: the time an instrument takes, against the time it says it takes."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator

from instruments.lint._registry import WARNING, Hit, Place, rule
from instruments.readability import words
from instruments.schema import Consent, Instrument, Item, Section, Text

READING_WORDS_PER_MINUTE = 130
"""A cautious reading speed.

Brysbaert (2019, Journal of Memory and Language 109, 104047; 190 studies)
puts adults' silent reading of English non-fiction at 238 words a minute
(most adults 175 to 300), and lower for readers in a second language and
older readers. Heard's respondents may read English as a second language,
on a phone, under stress, so we take 130.
"""

ANSWER_SECONDS = {
    "note": 0,
    "yes_no": 4,
    "single_choice": 5,
    "scale": 5,
    "multiple_choice": 8,
    "number": 8,
    "month_year": 8,
    "short_text": 30,
    "long_text": 75,
}
"""Seconds to decide and answer once the question is read (reading is counted apart).

Pew Research Center (2022, "How we keep our online surveys from running too
long") budgets about 10 seconds for a plain closed question, reading
included, in a 15-minute survey of 85 "points", and several times that for
an open question. We count reading at 130 words a minute separately, add a
few seconds to choose, and 60 to 90 seconds (75) to write an open answer.
"""

TOLERANCE = 0.20
"""Warn when the estimate exceeds `estimated_minutes` by more than this share."""


SAMPLED_PATHS = 1000
"""Sets of answers tried when looking for the longest path through the conditions."""


def _text(text: Text | None, language: str) -> str:
    return text.get(language) if text is not None else ""


def _reading_seconds(texts: Iterable[str]) -> float:
    return sum(len(words(text)) for text in texts) * 60 / READING_WORDS_PER_MINUTE


def _item_seconds(item: Item, language: str) -> float:
    """Return the seconds to read `item` (label, hint, choices) and answer it.

    `why_we_ask` is not counted: it is folded away until the person opens it.
    """
    texts = [_text(item.label, language), _text(item.hint, language)]
    texts += [_text(choice.label, language) for choice in item.choices]
    return _reading_seconds(texts) + ANSWER_SECONDS.get(item.type, 10)


def _section_seconds(section: Section, language: str) -> float:
    keys = ("title", "intro", "content_note")
    return _reading_seconds(_text(getattr(section, key), language) for key in keys)


def _answer(item: Item, rng: random.Random) -> object:
    """Return a random answer to `item`, as the conditions read answers."""
    offered = list(item.non_answers)
    if item.type == "multiple_choice":
        chosen = [value for value in item.choice_values() if rng.random() < 0.5]
        return chosen if rng.random() < 0.9 else rng.choice(offered)
    if item.type in ("yes_no", "single_choice", "scale"):
        return rng.choice([*item.choice_values(), *offered])
    if item.type == "number":
        return rng.randint(int(item.min if item.min is not None else 0), int(item.max or 100))
    return "2020-01" if item.type == "month_year" else "some text"


def _path_seconds(
    instrument: Instrument, seconds_of: dict[str, float], rng: random.Random | None
) -> float:
    """Return the seconds of one path: every item when `rng` is None, else random answers."""
    answers: dict[str, object] = {}
    seconds = 0.0
    for section in instrument.sections:
        if rng and section.show_if and not section.show_if.evaluate(answers):
            continue
        seconds += seconds_of[section.id]
        for item in section.items:
            if rng and item.show_if and not item.show_if.evaluate(answers):
                continue
            seconds += seconds_of[item.id]
            if item.answerable and rng:
                answers[item.id] = _answer(item, rng)
    return seconds


def estimate_seconds(instrument: Instrument, *, every_item: bool = False) -> float:
    """Return the seconds that the longest path through `instrument` takes, consent included.

    Parameters
    ----------
    instrument
        A loaded instrument; its default language is read.
    every_item
        Count every item, as if no condition ever hid one (an upper bound).

    Returns
    -------
    float
        Reading time at :data:`READING_WORDS_PER_MINUTE` for the purpose,
        consent, section titles, intros and content notes, and each item's
        label, hint and choices, plus :data:`ANSWER_SECONDS` for each item
        shown. The path is the longest of :data:`SAMPLED_PATHS` sets of random
        answers (a fixed seed, so the estimate never changes): the stated time
        should hold for the person who is shown the most questions.

    Examples
    --------
    >>> from instruments import load_library
    >>> police = load_library("police-response")
    >>> estimate_seconds(police) <= estimate_seconds(police, every_item=True)
    True
    """
    language = instrument.default_language
    consent = [_text(getattr(instrument.consent, part), language) for part in Consent.PARTS]
    seconds = _reading_seconds([_text(instrument.purpose, language), *consent])
    branches = any(s.show_if for s in instrument.sections) or any(
        item.show_if for item in instrument.items()
    )
    seconds_of = {
        section.id: _section_seconds(section, language) for section in instrument.sections
    }
    seconds_of.update((item.id, _item_seconds(item, language)) for item in instrument.items())
    if every_item or not branches:
        return seconds + _path_seconds(instrument, seconds_of, None)
    rng = random.Random(0)  # a fixed seed: the same instrument always gets the same estimate
    longest = max(_path_seconds(instrument, seconds_of, rng) for _ in range(SAMPLED_PATHS))
    return seconds + longest


@rule(
    "BURDEN_OVER_ESTIMATE",
    WARNING,
    title="The instrument takes longer than it says",
    explanation=(
        "Predictability is part of safety (Helen Bamber Foundation): a person who agreed "
        "to 10 minutes and is still answering at 20 may be interrupted, overheard or run "
        "out of prepaid data. The estimate counts reading at 130 words a minute (a cautious "
        "speed for second-language readers on a phone), consent included, and seconds per "
        "question type, along the longest path the conditions allow: the people shown the "
        "most questions are often those with the most at stake. It warns when that exceeds "
        "`estimated_minutes` by more than 20 %."
    ),
    fix="Cut questions, or raise `estimated_minutes` to the honest figure.",
)
def burden_over_estimate(instrument: Instrument) -> Iterator[Hit]:
    """Warn when the estimated time exceeds `estimated_minutes` by more than 20 %."""
    minutes = estimate_seconds(instrument) / 60
    if minutes > instrument.estimated_minutes * (1 + TOLERANCE):
        yield Hit(
            Place("estimated_minutes"),
            f"It says {instrument.estimated_minutes} minutes, but a person shown the most "
            f"questions needs about {minutes:.0f} minutes (reading at "
            f"{READING_WORDS_PER_MINUTE} words a minute, plus time to answer).",
            f"Cut questions, or set `estimated_minutes: {round(minutes)}`.",
        )
