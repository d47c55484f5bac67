"""Draft codes from topics: named by top terms, defined by them, illustrated by typical answers."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import themes
from analysis.themes import DraftCode, UnknownTopicError, draft_code, quote, topics_to_codes

THEMES = {
    "wages": "wage pay money salary paid month cash",
    "documents": "passport visa papers document identity card permit",
    "housing": "room bed sleep house floor crowded mattress",
}


def corpus(n_per_theme: int = 40, seed: int = 0) -> tuple[list[str], list[str]]:
    """Return short answers drawn from three word pools, with the pool of each."""
    rng = np.random.default_rng(seed)
    texts, truth = [], []
    for name, pool in THEMES.items():
        words = pool.split()
        for _ in range(n_per_theme):
            texts.append(" ".join(rng.choice(words, size=6)))
            truth.append(name)
    return texts, truth


@pytest.fixture(scope="module")
def fitted():
    from analysis.topics import TopicModel

    texts, truth = corpus()
    return TopicModel(n_topics=3, random_state=0).fit(texts), texts, truth


def test_the_examples_in_the_docstrings_run() -> None:
    assert doctest.testmod(themes).failed == 0


@pytest.mark.parametrize(
    ("n_name_terms", "name"),
    [(1, "Wage"), (2, "Wage / pay"), (3, "Wage / pay / money"), (9, "Wage / pay / money / cash")],
)
def test_the_name_joins_the_top_terms_and_is_capitalised(n_name_terms, name) -> None:
    draft = draft_code(0, ["wage", "pay", "money", "cash"], [], n_name_terms=n_name_terms)
    assert draft.name == name


def test_the_definition_lists_every_term_and_says_it_is_a_draft() -> None:
    draft = draft_code(4, ["debt", "loan", "interest rate"], [])
    assert draft.definition == (
        "Answers about: debt, loan, interest rate (draft from topic 4; review before use)"
    )
    assert draft.terms == ("debt", "loan", "interest rate")


def test_blank_and_repeated_examples_are_left_out_and_line_breaks_flattened() -> None:
    draft = draft_code(0, ["pay"], ["No pay.", "   ", "No\npay.", "Paid late"])
    assert draft.examples == ("No pay.", "Paid late")


def test_a_long_example_is_cut_at_a_word_boundary_with_an_ellipsis() -> None:
    text = "They kept every passport in a locked drawer of the manager's office."
    draft = draft_code(0, ["passport"], [text], max_example_chars=30)
    assert draft.examples == ("They kept every passport in a…",)


@given(st.text(alphabet="ab \n", max_size=80), st.integers(min_value=2, max_value=40))
def test_a_quote_fits_its_limit_and_is_a_prefix_ending_between_words(text, limit) -> None:
    flat = " ".join(text.split())
    cut = quote(text, limit)
    assert len(cut) <= limit
    if len(flat) <= limit:
        assert cut == flat
    else:
        kept = cut.removesuffix("…")
        assert cut.endswith("…") and flat.startswith(kept)
        assert " " not in kept or flat[len(kept)] == " "


def test_a_topic_without_terms_is_refused() -> None:
    with pytest.raises(UnknownTopicError, match="no terms"):
        draft_code(3, ["", "  "], ["text"])


def test_each_chosen_topic_becomes_a_draft_named_after_its_own_words(fitted) -> None:
    model, texts, _ = fitted
    drafts = topics_to_codes(model, None, texts)
    assert [d.topic for d in drafts] == [0, 1, 2]
    for draft in drafts:
        pools = [name for name, pool in THEMES.items() if set(draft.terms[:3]) <= set(pool.split())]
        assert len(pools) == 1, draft.name


def test_drafts_quote_the_models_representative_answers_in_order(fitted) -> None:
    model, texts, _ = fitted
    chosen = topics_to_codes(model, [2, 0], texts, n_examples=2)
    best = model.representative_documents(texts, n=2)
    assert [d.topic for d in chosen] == [2, 0]
    for draft in chosen:
        assert draft.examples == tuple(texts[i] for i in best[draft.topic])
        assert draft.terms == tuple(model.top_terms(n=10)[draft.topic])


def test_drafts_can_be_rebuilt_from_stored_terms_and_quotes(fitted) -> None:
    model, texts, _ = fitted
    made = topics_to_codes(model, [1], texts)[0]
    again = draft_code(1, list(made.terms), list(made.examples))
    assert again == made


@pytest.mark.parametrize("topic", [-1, 3, 99, "1", 1.0, True, None])
def test_an_unknown_topic_is_refused_with_the_range_or_a_clear_message(fitted, topic) -> None:
    model, texts, _ = fitted
    with pytest.raises(UnknownTopicError) as caught:
        topics_to_codes(model, [0, topic], texts)
    assert "topic" in str(caught.value)
    assert caught.value.code == "themes.unknown_topic"


class SameTerms:
    """A fitted-model stand-in whose two topics have the same top terms."""

    n_topics_ = 2

    def top_terms(self, n: int = 10) -> list[list[str]]:
        return [["pay", "wage"], ["pay", "wage"]]

    def representative_documents(self, texts, n: int = 5) -> list[list[int]]:
        return [[0], [1]]


def test_two_topics_with_the_same_name_are_told_apart_by_number() -> None:
    drafts = topics_to_codes(SameTerms(), None, ["no pay", "low wage"])
    assert [d.name for d in drafts] == ["Pay / wage (topic 0)", "Pay / wage (topic 1)"]
    assert all(isinstance(d, DraftCode) for d in drafts)
