"""Phrases: at least 64 bits from the EFF long list, stored only as a keyed slow hash."""

from __future__ import annotations

import math

from survey.services import phrases


def test_the_bundled_word_list_is_the_eff_long_list():
    words = phrases.word_list()
    # The EFF long list has 6^5 = 7,776 distinct words (five dice).
    assert len(words) == len(set(words)) == 6**5
    assert words[0] == "abacus" and words[-1] == "zoom"


def test_a_phrase_carries_at_least_64_bits():
    assert phrases.phrase_bits() >= 64
    assert math.isclose(phrases.phrase_bits(), 5 * math.log2(7776))
    assert len(phrases.new_phrase().split()) == phrases.WORDS_PER_PHRASE


def test_phrases_differ_each_time():
    assert len({phrases.new_phrase() for _ in range(50)}) == 50


def test_typing_variations_give_the_same_hash():
    a = phrases.hash_phrase("apple river candle", secret_key="k", purpose="resume")
    b = phrases.hash_phrase("  Apple,  RIVER\ncandle. ", secret_key="k", purpose="resume")
    assert a == b


def test_the_hash_depends_on_the_key_and_the_purpose():
    base = phrases.hash_phrase("apple river candle", secret_key="k", purpose="resume")
    assert base != phrases.hash_phrase("apple river candle", secret_key="other", purpose="resume")
    assert base != phrases.hash_phrase("apple river candle", secret_key="k", purpose="withdraw")
    assert "apple" not in base
