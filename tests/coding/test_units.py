"""Unitising: sentences partition a text, and each unit says whether a coder applied the code."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coding.errors import CodingError
from coding.model import Coder, Coding, Document
from coding.units import reliability_matrices, reliability_matrix, split_sentences

CODERS = ("ann", "bo", "cy")
CODES = ("wage", "debt")
# Letters, spaces, sentence marks of several scripts, closing quotes and line breaks.
ALPHABET = st.sampled_from([*'ab .!?\n\t"”)…。？！؟।مح我 ', "e.g.", "3.5"])


def sentences(text: str) -> list[str]:
    """Return the sentences of `text` as strings."""
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "They took my passport. I worked every day! Was I paid? No.",
            ["They took my passport. ", "I worked every day! ", "Was I paid? ", "No."],
            id="english",
        ),
        pytest.param(
            "He said “leave now.” I stayed (for years.) Then…  I ran.",
            ["He said “leave now.” ", "I stayed (for years.) ", "Then…  ", "I ran."],
            id="closing-quotes-and-brackets",
        ),
        pytest.param(
            "I earned 3.5 pounds a day.No break.",
            ["I earned 3.5 pounds a day.No break."],
            id="no-space-no-break",
        ),
        pytest.param(
            "First line\nsecond line\n\n  third",
            ["First line\n", "second line\n\n  ", "third"],
            id="line-breaks",
        ),
        pytest.param("  \n Hello. ", ["  \n Hello. "], id="leading-and-trailing-space"),
        pytest.param("   ", ["   "], id="whitespace-only"),
        pytest.param("", [], id="empty"),
        pytest.param(
            "أخذوا جواز سفري. هل دفعوا لي؟ لا.",
            ["أخذوا جواز سفري. ", "هل دفعوا لي؟ ", "لا."],
            id="arabic",
        ),
        pytest.param(
            "उन्होंने मेरा पासपोर्ट ले लिया। मुझे पैसे नहीं मिले।",
            ["उन्होंने मेरा पासपोर्ट ले लिया। ", "मुझे पैसे नहीं मिले।"],
            id="hindi",
        ),
        pytest.param(
            "他们拿走了我的护照。我每天工作！有工资吗？没有。",
            ["他们拿走了我的护照。", "我每天工作！", "有工资吗？", "没有。"],
            id="chinese-without-spaces",
        ),
        pytest.param(
            "我说：“走吧。”他走了。",
            ["我说：“走吧。”", "他走了。"],
            id="chinese-closing-quote-stays-with-its-sentence",
        ),
    ],
)
def test_sentences_end_at_final_punctuation_followed_by_whitespace_and_at_line_breaks(
    text, expected
):
    assert sentences(text) == expected


@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_sentences_partition_the_text_into_pieces_that_each_hold_a_visible_character(text):
    spans = split_sentences(text)
    assert "".join(text[start:end] for start, end in spans) == text
    assert all(start < end for start, end in spans)
    assert all(end == start for (_, end), (start, _) in itertools.pairwise(spans))
    if text.strip():
        assert all(text[start:end].strip() for start, end in spans)


@st.composite
def coded_documents(draw: st.DrawFn) -> tuple[list[Document], list[Coding]]:
    """Draw a few documents (some empty) and codings of two codes by three coders."""
    texts = draw(st.lists(st.lists(ALPHABET, max_size=30).map("".join), min_size=1, max_size=4))
    documents = [Document(f"doc-{i}", f"Answer {i}", text) for i, text in enumerate(texts)]
    codable = [document for document in documents if document.text]
    codings = []
    for number in range(draw(st.integers(0, 15)) if codable else 0):
        document = draw(st.sampled_from(codable))
        start = draw(st.integers(0, len(document.text) - 1))
        end = draw(st.integers(start + 1, len(document.text)))
        coder, code = draw(st.sampled_from(CODERS)), draw(st.sampled_from(CODES))
        codings.append(Coding(f"c{number}", document.guid, code, coder, start, end))
    return documents, codings


def spans_of(codings: list[Coding], document: Document, coder: str, code: str) -> list[Coding]:
    """Return the codings of `code` by `coder` in `document`."""
    return [c for c in codings if (c.document, c.coder, c.code) == (document.guid, coder, code)]


@settings(max_examples=150)
@given(coded_documents(), st.sampled_from(CODES))
def test_an_answer_is_coded_when_the_coder_applied_the_code_anywhere_in_it(drawn, code):
    documents, codings = drawn
    matrix = reliability_matrix(codings, documents, CODERS, code, "answer", seen="all")
    for row, coder in enumerate(CODERS):
        for column, document in enumerate(documents):
            expected = 1.0 if spans_of(codings, document, coder, code) else 0.0
            assert matrix.iloc[row, column] == expected


@settings(max_examples=150)
@given(coded_documents(), st.sampled_from(CODES))
def test_a_sentence_is_coded_when_one_of_the_coders_segments_shares_a_character_with_it(
    drawn, code
):
    documents, codings = drawn
    matrix = reliability_matrix(codings, documents, CODERS, code, "sentence", seen="all")
    for row, coder in enumerate(CODERS):
        expected = [
            float(any(c.start < end and c.end > start for c in spans_of(codings, doc, coder, code)))
            for doc in documents
            for start, end in split_sentences(doc.text)
        ]
        assert matrix.iloc[row].tolist() == expected


@settings(max_examples=150)
@given(coded_documents(), st.sampled_from(CODES))
def test_the_coded_characters_are_the_union_of_the_coders_segments(drawn, code):
    documents, codings = drawn
    matrix = reliability_matrix(codings, documents, CODERS, code, "character", seen="all")
    assert matrix.shape == (len(CODERS), sum(len(doc.text) for doc in documents))
    for coder in CODERS:
        for document in documents:
            union = {
                offset
                for c in spans_of(codings, document, coder, code)
                for offset in range(c.start, c.end)
            }
            if document.text:
                row = matrix.loc[coder, document.guid]
                assert row.sum() == len(union)
                assert set(np.flatnonzero(row.to_numpy())) == union


@settings(max_examples=100)
@given(coded_documents(), st.sampled_from(("answer", "sentence", "character")))
def test_a_coder_counts_as_missing_in_the_documents_they_applied_no_code_to(drawn, unit):
    documents, codings = drawn
    matrix = reliability_matrix(codings, documents, CODERS, "wage", unit)
    unit_documents = matrix.columns.get_level_values("document")
    for coder in CODERS:
        for document in documents:
            coded_any = any(c.coder == coder and c.document == document.guid for c in codings)
            values = matrix.loc[coder].to_numpy()[unit_documents == document.guid]
            assert np.isnan(values).tolist() == [not coded_any] * values.size


def passport() -> Document:
    """An answer of three sentences (0-23, 23-43, 43-50)."""
    return Document("d1", "Answer 1", "They took my passport. I worked every day! No pay.")


def test_units_are_labelled_by_document_and_sentence_index_or_character_offset():
    documents = [passport(), Document("d2", "Answer 2", "Yes.")]
    codings = [Coding("c1", "d1", "wage", "ann", 43, 49)]
    by_sentence = reliability_matrix(codings, documents, ["ann", "bo"], "wage", "sentence")
    by_character = reliability_matrix(codings, documents, ["ann", "bo"], "wage", "character")
    assert by_sentence.columns.names == ["document", "unit"]
    assert list(by_sentence.columns) == [("d1", 0), ("d1", 1), ("d1", 2), ("d2", 0)]
    assert list(by_character.columns[-5:]) == [
        ("d1", 49),
        ("d2", 0),
        ("d2", 1),
        ("d2", 2),
        ("d2", 3),
    ]
    assert list(by_sentence.index) == ["ann", "bo"]
    assert by_sentence.loc["ann"].tolist()[:3] == [0.0, 0.0, 1.0]


def test_seen_as_a_mapping_marks_documents_a_coder_read_but_did_not_code_as_absent():
    documents = [passport(), Document("d2", "Answer 2", "Yes.")]
    codings = [Coding("c1", "d1", "wage", "ann", 0, 4), Coding("c2", "d2", "wage", "bo", 0, 3)]
    seen = {"ann": ["d1", "d2"], "bo": []}
    matrix = reliability_matrix(codings, documents, ["ann", "bo"], "wage", seen=seen)
    # bo coded d2, so bo read it even though the mapping says otherwise.
    np.testing.assert_array_equal(matrix.to_numpy(), [[1.0, 0.0], [np.nan, 1.0]])


def test_seen_all_marks_every_uncoded_document_as_absent():
    codings = [Coding("c1", "d1", "wage", "ann", 0, 4)]
    matrix = reliability_matrix(codings, [passport()], ["ann", "bo"], "wage", seen="all")
    assert matrix.to_numpy().tolist() == [[1.0], [0.0]]


def test_codings_of_other_documents_coders_and_codes_are_ignored():
    codings = [
        Coding("c1", "elsewhere", "wage", "ann", 0, 400),
        Coding("c2", "d1", "wage", "someone-else", 0, 4),
        Coding("c3", "d1", "debt", "ann", 0, 4),
    ]
    matrix = reliability_matrix(codings, [passport()], ["ann", "bo"], "wage", seen="all")
    assert matrix.to_numpy().tolist() == [[0.0], [0.0]]


def test_coders_and_codes_may_be_given_as_objects_and_codings_as_a_generator():
    codings = (c for c in [Coding("c1", "d1", "wage", "ann", 0, 4)])
    coders = [Coder("ann", "Ann"), Coder("bo", "Bo")]
    matrices = reliability_matrices(codings, [passport()], coders, ["wage", "debt"], seen="all")
    assert matrices["wage"].to_numpy().tolist() == [[1.0], [0.0]]
    assert matrices["debt"].to_numpy().tolist() == [[0.0], [0.0]]


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        pytest.param(40, 60, "SPAN_OUT_OF_RANGE", id="past-the-end"),
        pytest.param(-1, 3, "SPAN_OUT_OF_RANGE", id="negative"),
        pytest.param(9, 4, "SPAN_REVERSED", id="reversed"),
        pytest.param(4, 4, "SPAN_EMPTY", id="empty"),
        pytest.param(1.5, 4, "OFFSET_NOT_INTEGER", id="not-whole"),
    ],
)
def test_a_coding_with_a_bad_span_raises_a_coding_error(start, end, code):
    codings = [Coding("c1", "d1", "wage", "ann", start, end)]
    with pytest.raises(CodingError) as raised:
        reliability_matrix(codings, [Document("d1", "x", "Short answer.")], ["ann"], "wage")
    assert raised.value.code == code
    assert "coding c1" in str(raised.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"unit": "paragraph"}, "unknown unit", id="unit"),
        pytest.param({"documents": []}, "no document", id="no-documents"),
        pytest.param({"coders": []}, "no coder", id="no-coders"),
        pytest.param({"coders": ["ann", "ann"]}, "repeated: ann", id="repeated-coder"),
        pytest.param({"documents": [passport(), passport()]}, "repeated: d1", id="repeated-doc"),
        pytest.param({"seen": "some"}, "unknown seen rule", id="seen-rule"),
        pytest.param({"seen": {"ann": ["d1"]}}, "no entry for coder 'bo'", id="seen-missing"),
        pytest.param({"seen": {"ann": "d1", "bo": []}}, "not a string", id="seen-string"),
    ],
)
def test_bad_arguments_raise_a_clear_value_error(kwargs, message):
    arguments = {"codings": [], "documents": [passport()], "coders": ["ann", "bo"], "code": "wage"}
    with pytest.raises(ValueError, match=message):
        reliability_matrix(**{**arguments, **kwargs})
