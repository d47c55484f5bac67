"""Offsets: normalisation with an offset map, and UTF-16 <-> code points (coding.text)."""

from __future__ import annotations

import doctest
import itertools
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coding.text
from coding.errors import CodingError
from coding.text import (
    codepoints_to_utf16,
    codepoints_to_utf16_many,
    normalise,
    normalise_with_map,
    utf16_length,
    utf16_to_codepoints,
    utf16_to_codepoints_many,
)

# Pieces that make offsets hard: astral emoji (two UTF-16 units), a ZWJ family,
# a flag, CJK (BMP and astral), combining marks (precomposable or not), Hangul
# jamo that compose, Hebrew and Arabic (RTL) with their marks, and line breaks.
HARD_PIECES = [
    "a",
    "Z",
    " ",
    "🙂",
    "👩‍👩‍👧",
    "🇬🇧",
    "漢",
    "𠀋",
    "e\u0301",
    "\u0301",
    "\u0323\u0302",
    "q\u0307\u0323",
    "\u212b",
    "\u1100\u1161\u11a8",
    "가\u11a8",
    "שָׁלוֹם",
    "مرحبا",
    "\u0627\u0653",
    "\u0b47\u0b3e",
    "\r\n",
    "\r",
    "\n",
    "\t",
]
hard_text = st.lists(st.sampled_from(HARD_PIECES), max_size=30).map("".join)
any_text = st.one_of(hard_text, st.text(max_size=40))
valid_text = st.one_of(hard_text, st.text(st.characters(exclude_categories=("Cs",)), max_size=40))


def utf16_prefix(text: str, i: int) -> int:
    return len(text[:i].encode("utf-16-le")) // 2


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(coding.text).failed == 0


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("one\r\ntwo\rthree\n", "one\ntwo\nthree\n"),
        ("cafe\u0301", "café"),
        ("\u212b", "\u00c5"),
        ("\u1100\u1161\u11a8", "각"),
        ("", ""),
    ],
)
def test_normalise_gives_nfc_with_lf_line_endings(original: str, expected: str) -> None:
    assert normalise(original) == expected


def test_an_nvivo_selection_after_two_crlf_lines_moves_back_two_places() -> None:
    # "Day one\r\n" is 9 code points, "Day two\r\n" 9 more: NVivo puts "fear"
    # at 18 + len("I felt ") = 25 .. 29. In the LF text each line is one shorter.
    original = "Day one\r\nDay two\r\nI felt fear"
    text, offsets = normalise_with_map(original)
    assert original[25:29] == "fear"
    assert offsets.map_span(25, 29) == (23, 27)
    assert text[23:27] == "fear"


def test_an_offset_inside_a_crlf_rounds_down_for_a_start_and_up_for_an_end() -> None:
    _, offsets = normalise_with_map("ab\r\ncd")
    assert offsets.map(3, side="start") == 2
    assert offsets.map(3, side="end") == 3


def test_an_offset_inside_a_composed_character_widens_to_the_whole_character() -> None:
    text, offsets = normalise_with_map("cafe\u0301 noir")
    start, end = offsets.map_span(4, 5)  # only the combining accent was selected
    assert text[start:end] == "é"
    assert offsets.map(6) == 5  # after the space, one code point earlier


def test_a_normalised_text_maps_every_offset_to_itself() -> None:
    text, offsets = normalise_with_map("already fine 🙂")
    assert offsets.is_identity
    assert offsets.map_many(range(len(text) + 1)).tolist() == list(range(len(text) + 1))


@settings(deadline=None)
@given(any_text)
def test_the_mapped_text_is_the_normalised_text(original: str) -> None:
    text, offsets = normalise_with_map(original)
    assert text == normalise(original)
    assert (offsets.original_length, offsets.normalised_length) == (len(original), len(text))


@settings(deadline=None)
@given(any_text)
def test_the_map_is_monotonic_and_keeps_the_ends(original: str) -> None:
    text, offsets = normalise_with_map(original)
    all_offsets = np.arange(len(original) + 1)
    starts = offsets.map_many(all_offsets, side="start")
    ends = offsets.map_many(all_offsets, side="end")
    assert starts[0] == 0 and ends[-1] == len(text)
    assert (np.diff(starts) >= 0).all() and (np.diff(ends) >= 0).all()
    assert (starts <= ends).all()


@settings(deadline=None)
@given(any_text, st.data())
def test_a_selection_never_becomes_empty(original: str, data: st.DataObject) -> None:
    if len(original) < 1:
        return
    start = data.draw(st.integers(0, len(original) - 1))
    end = data.draw(st.integers(start + 1, len(original)))
    mapped_start, mapped_end = normalise_with_map(original)[1].map_span(start, end)
    assert mapped_start < mapped_end


@settings(deadline=None)
@given(st.lists(hard_text, min_size=1, max_size=6))
def test_offsets_between_pieces_map_exactly_onto_the_normalised_pieces(parts: list[str]) -> None:
    # "|" starts a cluster of its own, so offsets just before it are exact.
    original = "|".join(parts)
    text, offsets = normalise_with_map(original)
    anchors = [i for i, char in enumerate(original) if char == "|"]
    mapped = offsets.map_many(anchors).tolist()
    assert [text[m] for m in mapped] == ["|"] * len(anchors)
    bounds = [-1, *mapped, len(text)]
    assert [text[a + 1 : b] for a, b in itertools.pairwise(bounds)] == [normalise(p) for p in parts]


@given(valid_text)
def test_utf16_offsets_agree_with_python_utf16_encoding(text: str) -> None:
    expected = [utf16_prefix(text, i) for i in range(len(text) + 1)]
    assert [codepoints_to_utf16(text, i) for i in range(len(text) + 1)] == expected
    assert codepoints_to_utf16_many(text, range(len(text) + 1)).tolist() == expected
    assert utf16_length(text) == expected[-1]


@given(any_text)
def test_code_points_round_trip_through_utf16(text: str) -> None:
    offsets = np.arange(len(text) + 1)
    units = codepoints_to_utf16_many(text, offsets)
    assert (utf16_to_codepoints_many(text, units) == offsets).all()
    assert all(utf16_to_codepoints(text, int(u)) == i for i, u in enumerate(units))


@given(valid_text)
def test_every_offset_that_splits_a_surrogate_pair_is_refused(text: str) -> None:
    splitting = {utf16_prefix(text, i) + 1 for i, char in enumerate(text) if ord(char) > 0xFFFF}
    for unit in range(utf16_length(text) + 1):
        if unit in splitting:
            with pytest.raises(CodingError) as caught:
                utf16_to_codepoints(text, unit)
            assert caught.value.code == "OFFSET_SPLITS_SURROGATE"
        else:
            assert codepoints_to_utf16(text, utf16_to_codepoints(text, unit)) == unit


def test_the_vectorised_conversion_refuses_a_split_among_good_offsets() -> None:
    with pytest.raises(CodingError, match="position 1 falls inside a character"):
        utf16_to_codepoints_many("🙂x", [0, 2, 1])


CONVERSIONS = [
    lambda text, offset: utf16_to_codepoints(text, offset),
    lambda text, offset: codepoints_to_utf16(text, offset),
    lambda text, offset: utf16_to_codepoints_many(text, [0, offset]),
    lambda text, offset: codepoints_to_utf16_many(text, np.array([offset], dtype=object)),
    lambda text, offset: normalise_with_map(text)[1].map(offset),
    lambda text, offset: normalise_with_map(text + "\r\n")[1].map_many([offset]),
]


@pytest.mark.parametrize("convert", CONVERSIONS)
@pytest.mark.parametrize("offset", [True, False, np.bool_(True), 1.0, "1", None, 1.5])
def test_an_offset_that_is_not_a_whole_number_is_refused(convert: object, offset: object) -> None:
    with pytest.raises(CodingError) as caught:
        convert("a🙂b", offset)  # type: ignore[operator]
    assert caught.value.code == "OFFSET_NOT_INTEGER"
    assert repr(offset) in str(caught.value)


@pytest.mark.parametrize("convert", CONVERSIONS)
@pytest.mark.parametrize("offset", [-1, 99, 2**70])
def test_an_offset_outside_the_text_is_refused(convert: object, offset: int) -> None:
    with pytest.raises(CodingError) as caught:
        convert("a🙂b", offset)  # type: ignore[operator]
    assert caught.value.code == "OFFSET_OUT_OF_RANGE"
    assert str(offset) in str(caught.value)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, np.uint64])
def test_numpy_integer_offsets_are_accepted(dtype: type) -> None:
    offsets = np.array([0, 1, 3], dtype=dtype)
    assert codepoints_to_utf16_many("a🙂b", offsets).tolist() == [0, 1, 4]
    assert codepoints_to_utf16("a🙂b", dtype(2)) == 3


def test_a_numpy_array_of_offsets_outside_the_text_is_refused() -> None:
    with pytest.raises(CodingError, match="position -2 lies outside"):
        codepoints_to_utf16_many("abc", np.array([1, -2]))
    with pytest.raises(CodingError, match="position 9 lies outside"):
        codepoints_to_utf16_many("abc", np.array([1, 9], dtype=np.uint64))


def test_a_map_rejects_an_unknown_side() -> None:
    with pytest.raises(ValueError, match="side"):
        normalise_with_map("a\r\nb")[1].map(1, side="middle")  # type: ignore[arg-type]


def test_decomposed_text_from_a_mac_maps_to_composed_offsets() -> None:
    original = unicodedata.normalize("NFD", "Señora Müller")
    text, offsets = normalise_with_map(original)
    start = original.index("M")
    start_mapped, end_mapped = offsets.map_span(start, len(original))
    assert text[start_mapped:end_mapped] == "Müller"
