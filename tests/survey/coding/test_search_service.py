"""Literal, case-insensitive matching that maps back to code points of the stored text."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.services.coding.errors import Refused
from survey.services.coding.search import MAX_QUERY, check_query, find, fold_query


def hits(text: str, query: str, whole_words: bool = False) -> list[str]:
    """Return the stored text of every hit (so a wrong offset shows as wrong words)."""
    return [text[start:end] for start, end in find(text, query, whole_words)]


def test_sharp_s_and_double_s_find_each_other_with_offsets_in_the_original():
    text = "Die Straße, die STRASSE und die strasse."
    assert hits(text, "strasse") == ["Straße", "STRASSE", "strasse"]
    assert hits(text, "STRAßE") == ["Straße", "STRASSE", "strasse"]
    # After the "ß" (one code point folding to two), offsets stay right.
    assert hits(text, "und die") == ["und die"]
    assert list(find(text, "und")) == [(24, 27)]


def test_a_hit_never_takes_half_of_a_character_that_folds_to_two():
    assert hits("Maß", "s") == []
    assert hits("Maß", "ss") == ["ß"]


def test_dotted_and_dotless_i_find_each_other_in_any_case():
    text = "KIZ, kız, kiz. İstanbul'a ISTANBUL"
    assert hits(text, "kız") == ["KIZ", "kız", "kiz"]
    assert hits(text, "istanbul") == ["İstanbul", "ISTANBUL"]
    assert hits(text, "İSTANBUL") == ["İstanbul", "ISTANBUL"]
    assert hits("İİİ then ok", "ok") == ["ok"]


def test_combining_accents_match_whether_typed_composed_or_not():
    text = unicodedata.normalize("NFC", "Le cafe\u0301 et le CAFÉ, pas le cafe.")
    assert hits(text, "cafe\u0301") == ["café", "CAFÉ"]
    assert hits(text, "café") == ["café", "CAFÉ"]
    assert hits(text, "cafe") == ["cafe"]  # accents count


def test_a_hit_never_cuts_a_letter_from_its_combining_marks():
    text = "a q\u0303 q and ą\u0301 here"  # no precomposed forms: the marks stay separate
    assert hits(text, "q") == ["q"]
    assert list(find(text, "q")) == [(5, 6)]
    assert hits(text, "q\u0303") == ["q\u0303"]
    assert hits(text, "ą\u0301 h") == ["ą\u0301 h"]


def test_emoji_are_one_character_and_skin_tones_stay_with_their_emoji():
    text = "I was 😢 scared 😢, 👍🏽 but 👍"
    assert hits(text, "scared") == ["scared"]
    assert list(find(text, "scared")) == [(8, 14)]
    assert hits(text, "😢") == ["😢", "😢"]
    assert list(find(text, "👍")) == [(len(text) - 1, len(text))]


def test_right_to_left_text():
    text = "قالوا لي إنني مجرمة. لم يسألوا عن الخوف"
    found = list(find(text, "الخوف"))
    assert [text[s:e] for s, e in found] == ["الخوف"]
    assert found == [(len(text) - 5, len(text))]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("(c+d)*", ["(c+d)*"]),
        (".", [".", "."]),
        (".*", []),
        ("[x]", ["[x]"]),
        ("^$", ["^$"]),
        ("\\d", ["\\d"]),
        ("a|b", []),
    ],
)
def test_regular_expression_characters_are_literal(query, expected):
    assert hits("a.b (c+d)* [x] ^$ \\d. ab", query) == expected


def test_whole_words_only():
    text = "cat concat cats cat. Cat_x café"
    assert hits(text, "cat", whole_words=True) == ["cat", "cat"]
    assert hits(text, "cat") == ["cat", "cat", "cat", "cat", "Cat"]
    assert hits(text, "caf", whole_words=True) == []


def test_hits_do_not_overlap():
    assert list(find("aaaa", "aa")) == [(0, 2), (2, 4)]


def test_queries_are_trimmed_and_limited():
    assert check_query("  fear \n") == "fear"
    with pytest.raises(Refused) as refused:
        check_query("x" * (MAX_QUERY + 1))
    assert "limit is 200" in refused.value.message


ASCII = st.text(alphabet="abAB .(*", max_size=30)


@given(ASCII, st.text(alphabet="abAB .(*", min_size=1, max_size=3))
def test_on_ascii_it_finds_what_a_case_insensitive_literal_regex_finds(text, query):
    expected = [m.span() for m in re.finditer(re.escape(query), text, re.IGNORECASE)]
    assert list(find(text, query)) == expected


@given(
    st.text(max_size=40).map(lambda t: unicodedata.normalize("NFC", t)),
    st.text(min_size=1, max_size=4),
)
def test_every_hit_is_the_query_folded_and_hits_are_in_order(text, query):
    needle = fold_query(query)
    last = 0
    for start, end in find(text, query):
        assert last <= start < end <= len(text)
        assert fold_query(text[start:end]) == needle
        last = end
