"""Lint rules on reading: plain English in each text, and an honest stated time."""

from __future__ import annotations

import math

import pytest

from instruments.lint import estimate_seconds
from instruments.lint._rules_length import READING_WORDS_PER_MINUTE
from tests.instruments.builders import in_languages, section
from tests.instruments.lint_builders import clean_instrument, clean_item, codes, found, loaded

DENSE = (
    "Participation in this research is entirely voluntary, and you may withdraw your "
    "consent at any time without providing any justification."
)
LONG_PLAIN_SENTENCE = " ".join(["you can stop when you want and go on when you like"] * 4) + "."
"""44 one-syllable words in one sentence: easy words, but a grade-12 sentence."""


# --- Reading ease -------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["label", "hint", "why_we_ask"])
def test_dense_official_prose_in_a_question_is_flagged_where_it_is(key: str) -> None:
    (finding,) = found(clean_instrument(clean_item("q", **{key: DENSE})), "READING_EASE")

    assert (finding.path, finding.item_id, finding.language, finding.severity) == (
        f"sections[0].items[0].{key}",
        "q",
        "en",
        "warning",
    )


def test_the_message_gives_both_scores_and_the_fix_names_the_long_words() -> None:
    (finding,) = found(clean_instrument(clean_item("q", hint=DENSE)), "READING_EASE")

    assert "Flesch reading ease" in finding.message
    assert "Flesch-Kincaid grade" in finding.message
    assert "“justification”" in finding.fix


def test_a_long_sentence_of_short_words_is_flagged_by_its_grade() -> None:
    (finding,) = found(clean_instrument(clean_item("q", hint=LONG_PLAIN_SENTENCE)), "READING_EASE")

    assert "split the sentences" in finding.fix.lower()


def test_dense_consent_is_flagged_at_its_part() -> None:
    document = clean_instrument()
    document["consent"]["right_to_stop"] = DENSE + " You can stop."

    assert [f.path for f in found(document, "READING_EASE")] == ["consent.right_to_stop"]


def test_a_text_under_eight_words_is_not_scored() -> None:
    # Flesch 27 on its own: one long word decides the score of a short text.
    document = clean_instrument(clean_item("q", label="Did immigration officers interview you?"))

    assert codes(document) == []


def test_only_english_text_is_scored() -> None:
    document = in_languages(clean_instrument(clean_item("q")), "en", "fr")
    document["support"] = {lang: [{"name": "Helpline", "phone": "999"}] for lang in ("en", "fr")}
    document["sections"][0]["items"][0]["hint"] = {"en": "Think of your last job.", "fr": DENSE}

    assert codes(document) == []


# --- Burden ---------------------------------------------------------------------------------


def open_questions(count: int, minutes: int) -> dict:
    """Return an instrument of `count` open questions that says it takes `minutes`."""
    items = [clean_item(f"q{n}", "long_text", "What happened?") for n in range(count)]
    return clean_instrument(*items, estimated_minutes=minutes)


def test_an_instrument_that_takes_longer_than_it_says_is_flagged_at_its_minutes() -> None:
    minutes = estimate_seconds(loaded(open_questions(12, 5))) / 60

    (finding,) = found(open_questions(12, 5), "BURDEN_OVER_ESTIMATE")

    assert (finding.path, finding.severity) == ("estimated_minutes", "warning")
    assert f"set `estimated_minutes: {round(minutes)}`" in finding.fix


def test_up_to_twenty_percent_over_the_stated_time_is_tolerated() -> None:
    minutes = estimate_seconds(loaded(open_questions(12, 5))) / 60
    enough = math.ceil(minutes / 1.2)

    assert codes(open_questions(12, enough)) == []
    assert codes(open_questions(12, enough - 1)) == ["BURDEN_OVER_ESTIMATE"]


def test_reading_is_counted_at_130_words_a_minute() -> None:
    short, long = (
        loaded(clean_instrument(clean_item("q", hint=hint))) for hint in ("Go.", "Go. " * 131)
    )

    assert estimate_seconds(long) - estimate_seconds(short) == pytest.approx(60)
    assert READING_WORDS_PER_MINUTE == 130


def test_two_branches_nobody_sees_together_count_once() -> None:
    follow_up = "What happened next? Please tell us in your own words."
    items = [
        clean_item("arrested"),
        clean_item("if_yes", "long_text", follow_up, show_if="arrested == 'yes'"),
        clean_item("if_no", "long_text", follow_up, show_if="arrested == 'no'"),
    ]
    instrument = loaded(clean_instrument(*items))

    both, longest = estimate_seconds(instrument, every_item=True), estimate_seconds(instrument)

    assert both - longest == pytest.approx(75 + 10 * 60 / READING_WORDS_PER_MINUTE)


def test_a_skippable_sensitive_section_still_counts_towards_the_longest_path() -> None:
    note = "The next questions ask about pay. You can skip them."
    pay = section("pay", clean_item("owed"), sensitive=True, content_note=note)
    instrument = loaded(clean_instrument(sections=[section("main", clean_item("q")), pay]))

    assert estimate_seconds(instrument) == estimate_seconds(instrument, every_item=True)


def test_the_estimate_is_the_same_every_time() -> None:
    instrument = loaded(open_questions(3, 5))

    assert len({estimate_seconds(instrument) for _ in range(3)}) == 1
