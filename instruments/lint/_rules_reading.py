"""Rule on plain language: Flesch reading ease and Flesch-Kincaid grade of each English text."""

from __future__ import annotations

from collections.abc import Iterator

from instruments.lint._registry import WARNING, Hit, Place, rule
from instruments.lint._walk import consent_texts, question_texts
from instruments.readability import (
    FKGL_TARGET,
    FRE_TARGET,
    count_sentences,
    count_syllables,
    measure,
    words,
)
from instruments.schema import Instrument

MIN_WORDS = 8
"""Texts shorter than this are not scored.

The formulas average over sentences and words; on a few words one long word
swings the score by 20 points or more ("Did the police ask about your
immigration status?" is 8 words, and "immigration" alone costs 25 points), and
a one-word label such as "Money" scores 37. Flesch validated the formula on
100-word samples. Below 8 words the score says more about one word than about
the text, and such short texts are plain when their words are.
"""

LONG_WORD_SYLLABLES = 3


def _english_texts(instrument: Instrument) -> Iterator[tuple[Place, str, str]]:
    yield from consent_texts(instrument)
    yield from question_texts(instrument)


def _advice(text: str) -> str:
    """Return a concrete fix for `text`: its longest sentence and its longest words."""
    found = words(text)
    long_words = sorted(
        {word for word in found if count_syllables(word) >= LONG_WORD_SYLLABLES},
        key=lambda word: (-count_syllables(word), word.lower()),
    )[:3]
    per_sentence = len(found) / max(count_sentences(text), 1)
    advice = []
    if per_sentence > 12:
        advice.append(f"split the sentences (about {per_sentence:.0f} words each; aim for 12)")
    if long_words:
        advice.append(
            "use shorter everyday words for " + ", ".join(f"“{word}”" for word in long_words)
        )
    advice = advice or ["use shorter sentences and shorter everyday words"]
    sentence = "; ".join(advice)
    return (
        sentence[0].upper()
        + sentence[1:]
        + "."
        + (
            " If a long word is needed (a name such as “National Referral Mechanism”), explain it "
            "in a short sentence of its own."
        )
    )


@rule(
    "READING_EASE",
    WARNING,
    title="An English text is harder to read than plain English",
    explanation=(
        "Respondents may read English as a second language, be tired, or be frightened; "
        "SAFETY.md sets plain language as a rule (Flesch reading ease 60 or above). A text "
        "scoring under 60, or over Flesch-Kincaid grade 8, is flagged. Scores are computed "
        "offline (instruments.readability: the published formulas, syllables from Pyphen's "
        "bundled dictionaries); texts under 8 words are not scored, because one long word "
        "decides their score."
    ),
    fix="Use shorter sentences (about 12 words) and everyday words; explain necessary terms.",
)
def reading_ease(instrument: Instrument) -> Iterator[Hit]:
    """Find English texts of 8 words or more below the reading-ease or grade target."""
    for place, language, text in _english_texts(instrument):
        scores = measure(text)
        if scores.words < MIN_WORDS:
            continue
        ease, grade = scores.flesch_reading_ease, scores.flesch_kincaid_grade
        if ease < FRE_TARGET or grade > FKGL_TARGET:
            yield Hit(
                place,
                f"Flesch reading ease {ease:.0f} (aim for {FRE_TARGET:.0f} or more) and "
                f"Flesch-Kincaid grade {grade:.1f} (aim for {FKGL_TARGET:.0f} or less): "
                "harder than plain English.",
                _advice(text),
                language,
            )
