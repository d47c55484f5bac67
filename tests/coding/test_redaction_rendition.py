"""The redacted rendition's offset maps: monotone, exact outside placeholders, whole inside."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coding.errors import CodingError, ErrorCode
from coding.redaction import KINDS, Rendition, apply_redactions


@st.composite
def redacted_texts(draw: st.DrawFn) -> tuple[str, Rendition]:
    """Draw a text (astral and RTL characters included) and non-overlapping spans on it."""
    text = draw(st.text(alphabet=st.sampled_from("ab Z\n🙂ש\u200b"), max_size=40))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=10))))
    pairs = [(s, e) for s, e in zip(cuts[::2], cuts[1::2]) if s < e]
    spans = [(s, e, draw(st.sampled_from(KINDS))) for s, e in pairs]
    return text, apply_redactions(text, spans)


def inside_placeholder(rendition: Rendition, offset: int) -> bool:
    return any(p.start < offset < p.end for p in rendition.placeholders)


def inside_original(rendition: Rendition, offset: int) -> bool:
    return any(p.raw_start < offset < p.raw_end for p in rendition.placeholders)


@given(redacted_texts())
def test_both_maps_are_monotone(case: tuple[str, Rendition]) -> None:
    text, rendition = case
    for side in ("start", "end"):
        raws = [rendition.to_raw(i, side) for i in range(len(rendition.text) + 1)]
        assert raws == sorted(raws)
        assert raws[0] == 0 and raws[-1] == len(text)
        reds = [rendition.to_redacted(i, side) for i in range(len(text) + 1)]
        assert reds == sorted(reds)


@given(redacted_texts())
def test_offsets_outside_placeholders_round_trip(case: tuple[str, Rendition]) -> None:
    text, rendition = case
    for offset in range(len(text) + 1):
        if not inside_original(rendition, offset):
            assert rendition.to_raw(rendition.to_redacted(offset)) == offset
    for offset in range(len(rendition.text) + 1):
        if not inside_placeholder(rendition, offset):
            assert rendition.to_redacted(rendition.to_raw(offset)) == offset


@given(redacted_texts())
def test_text_outside_placeholders_is_the_raw_text(case: tuple[str, Rendition]) -> None:
    text, rendition = case
    for offset in range(len(rendition.text)):
        if not any(p.start <= offset < p.end for p in rendition.placeholders):
            raw = rendition.to_raw(offset)
            assert rendition.text[offset] == text[raw]


@given(redacted_texts(), st.data())
def test_a_span_touching_part_of_a_placeholder_covers_the_whole_original(
    case: tuple[str, Rendition], data: st.DataObject
) -> None:
    _text, rendition = case
    for placeholder in rendition.placeholders:
        inner = data.draw(st.integers(placeholder.start, placeholder.end - 1))
        start, end = rendition.span_to_raw(inner, inner + 1)
        assert (start, end) == (placeholder.raw_start, placeholder.raw_end)
        assert rendition.text[placeholder.start : placeholder.end] == placeholder.label
        raw_inner = data.draw(st.integers(placeholder.raw_start, placeholder.raw_end - 1))
        assert rendition.span_to_redacted(raw_inner, raw_inner + 1) == (
            placeholder.start,
            placeholder.end,
        )


def test_a_coding_on_the_redacted_text_maps_back_to_the_raw_words() -> None:
    text = "I met Arben Hoxha in Fier and Arben paid."
    rendition = apply_redactions(text, [(6, 17, "name"), (21, 25, "place"), (30, 35, "name")])
    assert rendition.text == "I met [NAME-1] in [PLACE-1] and [NAME-2] paid."
    start = rendition.text.index("in")
    start, end = rendition.span_to_raw(start, rendition.text.index(" paid"))
    assert text[start:end] == "in Fier and Arben"


def test_a_raw_span_maps_to_the_redacted_words_around_it() -> None:
    text = "call 07700 900123 now"
    rendition = apply_redactions(text, [(5, 17, "phone")])
    assert rendition.span_to_redacted(0, 8) == (0, len("call [PHONE-1]"))


@pytest.mark.parametrize(
    ("offset", "error"),
    [
        (-1, ErrorCode.OFFSET_OUT_OF_RANGE),
        (99, ErrorCode.OFFSET_OUT_OF_RANGE),
        (True, ErrorCode.OFFSET_NOT_INTEGER),
    ],
)
def test_offsets_outside_the_text_are_refused(offset: object, error: ErrorCode) -> None:
    rendition = apply_redactions("Mr Tran", [(3, 7, "name")])
    for convert in (rendition.to_raw, rendition.to_redacted):
        with pytest.raises(CodingError) as raised:
            convert(offset)
        assert raised.value.error is error
