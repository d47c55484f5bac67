"""Keyword in context: the text around a span, never cut inside a character a reader sees."""

from __future__ import annotations

import doctest
import unicodedata

import pytest
import regex  # an independent UAX #29 implementation (the test extra), the oracle for cuts
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import coding.context as context_module
import coding.segments as segments_module
from coding.context import context, is_boundary
from tests.coding.strategies import document_texts, spans


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(context_module).failed == 0


@pytest.mark.parametrize("name", ["context", "is_boundary"])
def test_code_that_imports_context_from_coding_segments_keeps_working(name: str) -> None:
    assert getattr(segments_module, name) is getattr(context_module, name)


def test_context_is_cut_at_word_boundaries() -> None:
    text = "They took our passports and said we owed them for the flight and the room."
    start = text.index("said")
    before, span, after = context(text, start, start + 4, width=20)
    assert (before, span, after) == ("our passports and ", "said", " we owed them for")


def test_context_reaching_the_ends_of_the_text_is_whole() -> None:
    assert context("Help me.", 0, 4) == ("", "Help", " me.")


def test_context_of_a_long_word_is_cut_inside_it_rather_than_lost() -> None:
    text = "x" * 100 + " fear"
    before, _, _ = context(text, 101, 105, width=10)
    assert before == "x" * 9 + " "


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("e\u0301" * 30 + "FEAR", 60, 64),  # base + mark, cut would fall between them
        ("\U0001f469\u200d\U0001f469\u200d\U0001f467" * 12 + "FEAR", 60, 64),
        ("\U0001f1ec\U0001f1e7" * 30 + "FEAR", 60, 64),
        ("\U0001f44b\U0001f3fd" * 30 + "FEAR", 60, 64),
    ],
    ids=["combining", "zwj", "flags", "skin-tone"],
)
def test_context_never_splits_a_character_a_reader_sees(text: str, start: int, end: int) -> None:
    for width in range(1, 12):
        before, span, _ = context(text, start, end, width)
        assert span == "FEAR"
        assert is_boundary(text, start - len(before))


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("a\ud83d\ude00b", 2),  # a surrogate pair that reached a Python str
        ("\u0e19\u0e49\u0e33", 2),  # Thai "water": SARA AM is a letter that binds
        ("\u0915\u094d\u0937", 2),  # Devanagari conjunct: virama links the consonants
        ("\u1100\u1161", 1),  # Hangul jamo L + V
        ("\u0600\u0661", 1),  # Arabic number sign before its digit
        ("\u0641\u200c\u0627", 1),  # ZERO WIDTH NON-JOINER stays with the letter before
        ("\ufe0f\u2764\ufe0f", 2),  # emoji variation selector
        ("x\U000e0067", 1),  # emoji tag character
    ],
    ids=["surrogates", "thai", "conjunct", "jamo", "prepend", "zwnj", "variation", "tag"],
)
def test_a_character_a_reader_sees_is_never_split(text: str, index: int) -> None:
    assert not is_boundary(text, index)


@pytest.mark.parametrize(
    ("text", "index"), [("ab", 1), ("a b", 2), ("\U0001f600a", 1), ("\u0915\u0937", 1)]
)
def test_ordinary_characters_may_be_cut_between(text: str, index: int) -> None:
    assert is_boundary(text, index)


@settings(max_examples=300)
@given(document_texts().filter(bool), st.data(), st.integers(0, 30))
def test_context_is_the_text_around_the_span_cut_between_characters(
    text: str, data: st.DataObject, width: int
) -> None:
    start, end = data.draw(spans(len(text)))
    before, span, after = context(text, start, end, width)
    assert span == text[start:end]
    assert text[start - len(before) : end + len(after)] == before + span + after
    assert len(before) <= width and len(after) <= width
    assert not before or is_boundary(text, start - len(before))
    assert not after or is_boundary(text, end + len(after))


@settings(max_examples=300)
@given(document_texts().filter(bool), st.data(), st.integers(0, 30))
def test_context_cuts_agree_with_unicode_grapheme_clusters(
    text: str, data: st.DataObject, width: int
) -> None:
    # regex may know a newer Unicode than Python: compare on characters both know.
    text = "".join(char for char in text if unicodedata.category(char) != "Cn")
    assume(text)
    clusters = {0}
    for match in regex.finditer(r"\X", text):
        clusters.add(match.end())
    start, end = data.draw(spans(len(text)))
    before, _, after = context(text, start, end, width)
    cuts = {start - len(before), end + len(after)} - {start, end}
    assert cuts <= clusters


def test_a_negative_width_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="width"):
        context("abc", 0, 1, width=-1)
