"""Text preprocessing: tokens, stop words, stems and counts behave like the libraries they wrap."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from nltk.stem.snowball import SnowballStemmer
from sklearn.feature_extraction.text import CountVectorizer

from analysis import text
from analysis.text import (
    Analyzer,
    TextError,
    document_term_matrix,
    language_name,
    ngrams,
    stop_words,
    tokenize,
)

CORPUS = [
    "They took our passports and we couldn't leave the farm.",
    "The farm boss kept our wages and our passports.",
    "We worked on the farm every day without pay.",
    "Debt to the agency grew every month; wages never came.",
    "The agency said the debt was for travel and housing.",
    "Nobody paid us. The boss shouted every day.",
]


def test_the_module_examples_run() -> None:
    assert doctest.testmod(text).failed == 0


@pytest.mark.parametrize(
    ("given", "expected"),
    [("en", "english"), ("en-GB", "english"), ("english", "english"), ("English", "english"),
     ("pt_BR", "portuguese"), ("ar", "arabic"), ("ru", "russian")],
)  # fmt: skip
def test_a_language_can_be_named_by_code_or_name(given: str, expected: str) -> None:
    assert language_name(given) == expected


@pytest.mark.parametrize("unknown", ["xx", "not a language", "", "zz-ZZ", "und"])
def test_an_unknown_language_is_refused_with_a_code(unknown: str) -> None:
    with pytest.raises(TextError, match="Unknown language") as caught:
        language_name(unknown)
    assert caught.value.code == "text.unknown_language"


def test_english_contractions_split_as_in_the_treebank() -> None:
    assert tokenize("We couldn't leave, they'd locked it.") == [
        "We", "could", "n't", "leave", "they", "'d", "locked", "it",
    ]  # fmt: skip


def test_arabic_words_keep_their_diacritics_and_lose_arabic_punctuation() -> None:
    assert tokenize("مَرْحَبًا بِكُمْ، كيف حالك؟", language="ar") == ["مَرْحَبًا", "بِكُمْ", "كيف", "حالك"]


def test_mixed_scripts_are_all_kept() -> None:
    assert tokenize("Я работал на ферме, café 工作 عمل", language="ru") == [
        "Я", "работал", "на", "ферме", "café", "工作", "عمل",
    ]  # fmt: skip


@pytest.mark.parametrize("language", ["en", "ar", "es"])
@pytest.mark.parametrize(
    "sample", ["pay 😀 food", "pay😀 😀food", "pay👍🏽 food❤️", "pay 👨‍👩‍👧 food"]
)
def test_emoji_are_dropped_even_when_glued_to_a_word(sample: str, language: str) -> None:
    assert tokenize(sample, language=language) == ["pay", "food"]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_full_stop_inside_a_text_comes_off_its_word_but_abbreviations_keep_theirs(
    language: str,
) -> None:
    tokens = tokenize("They kept our wages. Then the U.S. visa expired.", language=language)
    assert "wages" in tokens and "wages." not in tokens
    assert "U.S." in tokens


def test_text_is_normalised_to_nfc_before_tokenising() -> None:
    assert tokenize("cafe\u0301") == ["caf\u00e9"]


@pytest.mark.parametrize("not_text", [None, 3, b"bytes", ["a list"]])
def test_tokenize_refuses_what_is_not_text(not_text: object) -> None:
    with pytest.raises(TextError, match="Expected text") as caught:
        tokenize(not_text)  # type: ignore[arg-type]
    assert caught.value.code == "text.not_text"


@pytest.mark.parametrize(
    ("language", "word"),
    [
        ("en", "the"),
        ("de", "und"),
        ("es", "el"),
        ("ru", "и"),
        ("fr", "le"),
        ("ar", "في"),
        ("pt", "não"),
    ],
)
def test_well_known_stop_words_are_in_their_list(language: str, word: str) -> None:
    assert word in stop_words(language)


@pytest.mark.parametrize(
    ("code", "name"), [("sq", "albanian"), ("ti", "tigrinya"), ("sw", "swahili")]
)
def test_a_language_without_stop_words_has_an_empty_list_and_still_tokenises(code, name) -> None:
    assert language_name(code) == name
    assert stop_words(code) == frozenset()
    assert Analyzer(language=name)("Punë fermë, pagë.") == ["punë", "fermë", "pagë"]


@pytest.mark.parametrize(
    ("language", "sample"),
    [("en", "Workers were running, hoping and waiting"), ("es", "trabajadores trabajando cansados"),
     ("ru", "работали работающие работу"), ("de", "Arbeiter arbeiteten Arbeitgeber")],
)  # fmt: skip
def test_stemming_equals_the_snowball_stemmer(language: str, sample: str) -> None:
    analyze = Analyzer(language=language, stem=True, remove_stop_words=False, min_length=1)
    stemmer = SnowballStemmer(language_name(language))
    expected = [stemmer.stem(token.lower()) for token in tokenize(sample, language=language)]
    assert analyze(sample) == expected


def test_the_analyzer_drops_stop_words_short_tokens_numbers_and_elisions() -> None:
    words = Analyzer()("We couldn't leave 3 farms in 2019, a hard winter.")
    assert words == ["leave", "farms", "hard", "winter"]


def test_extra_stop_words_are_dropped_whatever_their_case() -> None:
    assert "farm" not in Analyzer(extra_stop_words=("Farm",))("The farm and the FARM")


def test_numbers_are_kept_when_asked() -> None:
    assert "2019" in Analyzer(keep_numbers=True)("It was 2019")


@pytest.mark.parametrize("n", [1, 2, 3])
def test_ngrams_join_each_run_of_n_tokens(n: int) -> None:
    tokens = ["no", "way", "out", "now"]
    expected = [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    assert ngrams(tokens, n) == expected


def test_ngrams_longer_than_the_text_are_none_and_n_zero_is_refused() -> None:
    assert ngrams(["alone"], 2) == []
    with pytest.raises(TextError):
        ngrams(["a"], 0)


def test_the_analyzer_forms_ngrams_after_removing_stop_words() -> None:
    assert Analyzer(ngram_range=(2, 2))("no pay for the harvest") == ["pay harvest"]


@pytest.mark.parametrize("bad", [(0, 1), (2, 1)])
def test_an_impossible_ngram_range_is_refused(bad: tuple[int, int]) -> None:
    with pytest.raises(TextError, match="ngram_range"):
        Analyzer(ngram_range=bad)


def test_an_analyzer_for_an_unknown_language_cannot_be_made() -> None:
    with pytest.raises(TextError, match="Unknown language"):
        Analyzer(language="xx")


@pytest.mark.parametrize(
    ("min_df", "max_df", "max_features"),
    [(1, 1.0, None), (2, 1.0, None), (1, 0.5, None), (2, 0.8, None), (1, 1.0, 5)],
)
def test_the_document_term_matrix_matches_count_vectorizer(min_df, max_df, max_features) -> None:
    analyze = Analyzer()
    matrix, terms = document_term_matrix(
        CORPUS, analyze, min_df=min_df, max_df=max_df, max_features=max_features
    )
    vectorizer = CountVectorizer(
        tokenizer=analyze, lowercase=False, token_pattern=None,
        min_df=min_df, max_df=max_df, max_features=max_features,
    )  # fmt: skip
    expected = vectorizer.fit_transform(CORPUS)
    assert list(terms) == list(vectorizer.get_feature_names_out())
    assert np.array_equal(matrix.toarray(), expected.toarray())


def test_max_df_removes_words_in_too_many_documents_and_min_df_rare_ones() -> None:
    texts = ["farm pay", "farm debt", "farm boss", "wages boss"]
    _, terms = document_term_matrix(texts, min_df=2, max_df=0.5)
    assert list(terms) == ["boss"]  # farm: 3 of 4 documents; pay, debt, wages: 1 each


@pytest.mark.parametrize("texts", [["the and of", "is it the"], [], ["", "   "]])
def test_a_corpus_without_countable_words_is_refused(texts: list[str]) -> None:
    with pytest.raises(TextError) as caught:
        document_term_matrix(texts)
    assert caught.value.code in {"text.no_terms", "text.empty_corpus"}


@given(st.text(max_size=200), st.sampled_from(["en", "ar", "ru", "sw", "zh"]), st.booleans())
def test_the_analyzer_never_crashes_on_any_unicode_text(
    sample: str, language: str, stem: bool
) -> None:
    terms = Analyzer(language=language, stem=stem, ngram_range=(1, 2))(sample)
    assert all(isinstance(term, str) and term for term in terms)
