"""Topic model checks: languages judged from clear evidence only, no weightless terms."""

from __future__ import annotations

import pytest

from analysis._topic_validation import check_languages, guess_language
from analysis.topics import TopicModelError

SPANISH = "los trabajadores dijeron que no les pagaron por el trabajo y el jefe se quedó con {}"


@pytest.mark.parametrize(
    "text",
    [
        # Titles without stop words, where one word is a stop word of another language.
        "learning die casting process control neural network model data",
        "den network analysis distributed systems protocol verification model",
        "short text",
    ],
)
def test_a_text_with_one_chance_stop_word_gets_no_guess(text: str) -> None:
    assert guess_language(text) is None


def test_a_text_full_of_one_languages_stop_words_is_guessed_as_that_language() -> None:
    assert guess_language(SPANISH.format("nada")) == "spanish"


def test_titles_that_each_hold_one_foreign_looking_word_are_not_a_mixed_corpus() -> None:
    titles = [
        f"die {i} casting process control neural network model data learning" for i in range(60)
    ]
    check_languages(titles, "en")  # no error


def test_a_fifth_of_the_documents_in_another_language_is_refused_as_mixed() -> None:
    english = "the workers said that they were not paid for the work and the boss kept {}"
    texts = [english.format(i) for i in range(40)] + [SPANISH.format(i) for i in range(10)]
    with pytest.raises(TopicModelError) as caught:
        check_languages(texts, "en")
    assert caught.value.code == "topics.mixed_languages"
    assert "Spanish" in str(caught.value)


def test_a_term_without_weight_in_a_topic_is_never_listed_as_one_of_its_terms() -> None:
    from analysis.topics import TopicModel

    texts = (
        ["The police did not believe me and kept my passport."] * 15
        + ["They found me a place to stay with support."] * 15
        + ["I was paid nothing for months of work on the farm."] * 10
    )
    model = TopicModel(3, random_state=0).fit(texts)
    for topic, terms in enumerate(model.top_terms(10)):
        weights = dict(zip(model.terms_, model.components_[topic], strict=True))
        assert terms and all(weights[term] > 0 for term in terms)
