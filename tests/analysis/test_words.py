"""Words: keyword in context points at exact text; counts and collocation scores are right."""

from __future__ import annotations

import doctest
import itertools
import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import chi2_contingency
from sklearn.feature_extraction.text import CountVectorizer

from analysis import words
from analysis.text import Analyzer
from analysis.words import (
    WordsError,
    bigram_frequencies,
    collocations,
    kwic,
    word_frequencies,
)

TEXTS = [
    "They took our passports. Passports were locked in the office.",
    "No pay, no food. The boss kept our pay for the debt.",
    "Forced labour on the farm; forced labour in the kitchen.",
]


def test_the_module_examples_run() -> None:
    assert doctest.testmod(words).failed == 0


def test_every_hit_points_at_the_matched_words_in_the_document() -> None:
    hits = kwic(TEXTS, "passports")
    assert [(h.document, TEXTS[h.document][h.start : h.end]) for h in hits] == [
        (0, "passports"),
        (0, "Passports"),
    ]
    assert all(h.match == TEXTS[h.document][h.start : h.end] for h in hits)


def test_a_phrase_matches_consecutive_words_across_punctuation_and_case() -> None:
    hits = kwic(TEXTS, "PAY NO")
    assert [h.match for h in hits] == ["pay, no"]


def test_a_phrase_does_not_match_words_that_are_apart() -> None:
    assert kwic(TEXTS, "forced kitchen") == []


def test_context_is_cut_at_whole_words_within_the_width() -> None:
    text = "alpha beta gamma delta KEY epsilon zeta eta theta"
    (hit,) = kwic([text], "key", width=13)
    assert hit.left == "gamma delta "  # "beta gamma delta " is 17 characters
    assert hit.right == " epsilon zeta"
    assert len(hit.left) <= 13 and len(hit.right) <= 13


def test_left_match_and_right_are_one_stretch_of_the_document() -> None:
    for hit in kwic(TEXTS, "our", width=20):
        assert hit.left + hit.match + hit.right in TEXTS[hit.document]


@pytest.mark.parametrize(
    ("text", "query", "language", "match"),
    [
        ("لقد أخذوا جوازات السفر منا، جوازات السفر!", "جوازات السفر", "ar", "جوازات السفر"),
        ("مَرْحَبًا بِكُمْ في المزرعة", "مَرْحَبًا", "ar", "مَرْحَبًا"),
        ("Trabajé sin café ni descanso en Málaga", "MÁLAGA", "es", "Málaga"),
        ("We got no pay😀 at all 🙂pay🙂", "pay", "en", "pay"),
        ("Die Straße war lang", "STRASSE", "de", "Straße"),
        ("Я работал на ферме без оплаты", "ферме", "ru", "ферме"),
    ],
)
def test_unicode_text_is_searched_with_exact_offsets(text, query, language, match) -> None:
    hits = kwic([text], query, language=language)
    assert all(text[h.start : h.end] == h.match for h in hits)
    assert hits and all(h.match.casefold() == match.casefold() for h in hits)


def test_casefolding_finds_sharp_s_written_either_way() -> None:
    hits = kwic(["STRASSE und Straße"], "straße", language="de")
    assert [h.match for h in hits] == ["STRASSE", "Straße"]


def test_a_possessive_is_found_by_its_word() -> None:
    assert [h.match for h in kwic(["God's will, said the mother-in-law."], "god")] == ["God"]
    assert [h.match for h in kwic(["the mother-in-law."], "mother-in-law")] == ["mother-in-law"]


def test_an_english_contraction_is_found_as_written_but_not_by_its_stem() -> None:
    (hit,) = kwic(["We couldn't leave the farm; we could not."], "couldn't")
    assert hit.match == "couldn't"
    text = "We couldn't leave; we could not."
    assert [h.start for h in kwic([text], "could")] == [text.index("could not")]


def test_limit_caps_the_number_of_hits() -> None:
    assert len(kwic(["pay pay pay", "pay"], "pay", limit=2)) == 2
    assert len(kwic(["pay pay pay", "pay"], "pay")) == 4


@pytest.mark.parametrize("query", ["", "   ", "?!", "...", "😀"])
def test_a_query_without_words_is_refused_with_a_clear_message(query: str) -> None:
    with pytest.raises(WordsError, match="word or phrase") as caught:
        kwic(TEXTS, query)
    assert caught.value.code == "words.empty_query"


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: kwic(TEXTS, "pay", language="xx"), "words.unknown_language"),
        (lambda: kwic(TEXTS, "pay", width=-1), "words.bad_size"),
        (lambda: kwic([None], "pay"), "words.not_text"),
        (lambda: collocations(TEXTS, measure="chi"), "words.unknown_measure"),
        (lambda: word_frequencies(["ok", 3]), "words.not_text"),
    ],
)
def test_bad_settings_are_refused_with_a_stable_code(call, code: str) -> None:
    with pytest.raises(WordsError) as caught:
        call()
    assert caught.value.code == code


@given(st.lists(st.text(max_size=80), max_size=4), st.sampled_from(["pay", "a b", "ñ", "ok"]))
def test_kwic_never_crashes_and_every_hit_is_exact(texts: list[str], query: str) -> None:
    for hit in kwic(texts, query, width=10, language="en"):
        text = texts[hit.document]
        assert text[hit.start : hit.end] == hit.match
        assert hit.left + hit.match + hit.right in text


def test_word_frequencies_count_occurrences_and_documents_like_a_counter() -> None:
    texts = ["pay pay debt", "debt farm", "pay"]
    table = word_frequencies(texts, analyzer=Analyzer(remove_stop_words=False), n=None)
    occurrences = Counter(w for t in texts for w in t.split())
    spread = Counter(w for t in texts for w in set(t.split()))
    assert dict(zip(table["term"], table["count"])) == occurrences
    assert dict(zip(table["term"], table["documents"])) == spread
    assert list(table["term"]) == ["pay", "debt", "farm"]  # 3, 2 (2 documents), 1


def _sklearn_counts(texts: list[str], analyzer: Analyzer) -> dict[str, tuple[int, int]]:
    """Return term -> (count, documents) from scikit-learn's CountVectorizer."""
    vectorizer = CountVectorizer(tokenizer=analyzer, lowercase=False, token_pattern=None)
    matrix = vectorizer.fit_transform(texts)
    counts = np.asarray(matrix.sum(axis=0)).ravel()
    spread = np.asarray((matrix > 0).sum(axis=0)).ravel()
    terms = vectorizer.get_feature_names_out()
    return {t: (int(c), int(d)) for t, c, d in zip(terms, counts, spread)}


@pytest.fixture(scope="module")
def bigger_corpus() -> list[str]:
    """Return 200 texts drawn from a small vocabulary with a fixed seed."""
    rng = np.random.default_rng(7)
    vocabulary = ["pay", "debt", "farm", "boss", "passport", "wages", "kitchen", "agency"]
    vocabulary += ["travel", "house", "the", "and", "our", "no"]
    return [" ".join(rng.choice(vocabulary, size=rng.integers(1, 30))) for _ in range(200)]


@pytest.mark.parametrize("ngram", [1, 2])
def test_frequencies_agree_with_count_vectorizer(bigger_corpus: list[str], ngram: int) -> None:
    analyzer = Analyzer(ngram_range=(ngram, ngram))
    count = word_frequencies if ngram == 1 else bigram_frequencies
    table = count(bigger_corpus, analyzer=Analyzer(), n=None)
    column = "term" if ngram == 1 else "bigram"
    ours = {t: (c, d) for t, c, d in zip(table[column], table["count"], table["documents"])}
    assert ours == _sklearn_counts(bigger_corpus, analyzer)
    assert list(table["count"]) == sorted(table["count"], reverse=True)


def test_n_keeps_only_the_most_frequent(bigger_corpus: list[str]) -> None:
    everything = word_frequencies(bigger_corpus, n=None)
    assert word_frequencies(bigger_corpus, n=3).equals(everything.head(3))


def test_frequencies_of_nothing_are_an_empty_table() -> None:
    table = word_frequencies(["the and of", ""])
    assert table.empty and list(table.columns) == ["term", "count", "documents"]


def _pair_counts(texts: list[str]) -> tuple[Counter, Counter, int]:
    """Count words and within-document adjacent pairs by hand, after the Analyzer."""
    analyze = Analyzer()
    documents = [analyze(t) for t in texts]
    unigrams = Counter(w for d in documents for w in d)
    pairs = Counter(p for d in documents for p in itertools.pairwise(d))
    return unigrams, pairs, sum(unigrams.values())


def test_pmi_equals_the_hand_computation_from_counts(bigger_corpus: list[str]) -> None:
    table = collocations(bigger_corpus, measure="pmi", min_count=3, n=None)
    unigrams, pairs, total = _pair_counts(bigger_corpus)
    assert len(table) == sum(1 for c in pairs.values() if c >= 3)
    for first, second, count, score in table[["first", "second", "count", "score"]].itertuples(
        index=False
    ):
        assert count == pairs[first, second]
        expected = math.log2(count * total / (unigrams[first] * unigrams[second]))
        assert score == pytest.approx(expected)


def test_likelihood_ratio_equals_dunnings_g2_from_scipy(bigger_corpus: list[str]) -> None:
    table = collocations(bigger_corpus, measure="likelihood_ratio", min_count=3, n=15)
    unigrams, pairs, total = _pair_counts(bigger_corpus)
    for first, second, score in table[["first", "second", "score"]].itertuples(index=False):
        both = pairs[first, second]
        observed = np.array(
            [
                [both, unigrams[first] - both],
                [unigrams[second] - both, total - unigrams[first] - unigrams[second] + both],
            ]
        )
        g2, *_ = chi2_contingency(observed, correction=False, lambda_="log-likelihood")
        assert score == pytest.approx(g2, rel=1e-6)
    assert list(table["score"]) == sorted(table["score"], reverse=True)


def test_collocations_never_pair_words_of_two_documents() -> None:
    table = collocations(["alpha beta", "gamma delta"] * 3, min_count=1, n=None)
    assert set(table["bigram"]) == {"alpha beta", "gamma delta"}


def test_min_count_drops_rare_pairs() -> None:
    table = collocations(["forced labour"] * 3 + ["unpaid wages"] * 2, min_count=3, n=None)
    assert list(table["bigram"]) == ["forced labour"]
