"""Quoted passages: a memo loses what it quotes from withdrawn words and keeps the rest."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coding.passages import STRUCK, PassageFinder, fold

ANSWER = (
    "They took my passport at the airport and said I owed them four thousand pounds "
    "for the flight, the room and the food."
)


def test_six_consecutive_words_are_struck_and_the_rest_of_the_memo_kept() -> None:
    memo = "Debt bondage: 'said I owed them four thousand' is the key line."

    assert PassageFinder([ANSWER]).strike(memo) == f"Debt bondage: '{STRUCK}' is the key line."


def test_a_quote_with_other_case_and_line_breaks_is_still_found() -> None:
    memo = "See\nTHEY TOOK MY\n  passport   at the airport. Classic."

    assert PassageFinder([ANSWER]).strike(memo) == f"See\n{STRUCK}. Classic."


def test_five_words_shorter_than_forty_characters_are_not_a_quote() -> None:
    memo = "They said I owed them money."  # "said i owed them" only: four words

    assert PassageFinder([ANSWER]).strike(memo) == memo


def test_forty_characters_of_fewer_words_are_a_quote() -> None:
    source = "Unbelievably, extraordinarily, incomprehensibly cruel supervisors."
    memo = "Note: extraordinarily, incomprehensibly cruel! Follow up."

    struck = PassageFinder([source]).strike(memo)

    assert struck == f"Note: {STRUCK}! Follow up."


def test_a_short_answer_quoted_whole_is_struck_but_a_common_short_phrase_is_not() -> None:
    finder = PassageFinder(["The boss kept our phones.", "I don't know"])

    assert finder.strike("Key: the boss kept our phones!") == f"Key: {STRUCK}!"
    assert finder.strike("Many said I don't know.") == "Many said I don't know."


def test_only_whole_words_are_struck_never_part_of_the_memos_own_word() -> None:
    source = "Unbelievably extraordinarily incomprehensibly cruel supervisors."
    memo = "Note: superextraordinarily incomprehensibly cruel supervisors! Follow up."

    struck = PassageFinder([source]).strike(memo)

    assert struck == f"Note: superextraordinarily {STRUCK}! Follow up."


def test_typographic_quotes_and_case_folding_compare_equal() -> None:
    assert fold("It’s STRASSE").text == fold("it's straße").text


def test_striking_twice_changes_nothing_more() -> None:
    finder = PassageFinder([ANSWER])
    once = finder.strike(f"A: {ANSWER} B: they took my passport at the airport")

    assert once == f"A: {STRUCK} B: {STRUCK}"
    assert finder.strike(once) == once


def test_no_sources_find_nothing() -> None:
    finder = PassageFinder([])

    assert not finder
    assert finder.strike(ANSWER) == ANSWER


@pytest.mark.parametrize("bad", [{"min_words": 0}, {"min_chars": 0}])
def test_sizes_below_one_are_refused(bad: dict) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        PassageFinder([ANSWER], **bad)


VOCABULARY = ["ab", "cd", "ef", "gh", "ij", "kl", "mn", "op", "qr", "st", "uv", "wx"]
WORDS = st.lists(st.sampled_from(VOCABULARY), min_size=8)
OTHER = st.lists(st.sampled_from(["zz", "yy", "xx", "ww"]), max_size=6)


def _six_grams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + 6]) for i in range(len(words) - 5)}


@settings(max_examples=50)
@given(source=WORDS, before=OTHER, after=OTHER, data=st.data())
def test_no_run_of_six_source_words_survives_and_the_memos_own_words_stay(
    source: list[str], before: list[str], after: list[str], data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(source) - 6))
    end = data.draw(st.integers(start + 6, len(source)))
    memo = " ".join([*before, *source[start:end], *after])

    struck = PassageFinder([" ".join(source)]).strike(memo)

    # Brute force: compare every 6-word window of the result with every one of the source.
    assert not _six_grams(struck) & _six_grams(" ".join(source))
    assert struck.startswith(" ".join(before)) and struck.endswith(" ".join(after))
    assert STRUCK in struck
