"""Code suggestions: learned codes are found again, noise is not, and the scores are sklearn's."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_score, recall_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline

from analysis import suggest
from analysis.suggest import CodeSuggester, SuggestError
from analysis.text import Analyzer

FILLER = (
    "farm", "house", "work", "boss", "days", "week", "night", "room", "food", "bus", "town",
    "field", "kitchen", "shift", "cousin", "friend", "hotel", "car", "phone", "job", "money",
    "debt", "visa", "river", "bread", "shop", "water",
)  # fmt: skip


def synthetic(n: int = 120, seed: int = 0) -> tuple[list[str], list[set[str]]]:
    """Return answers where code A follows "wage"/"pay" and code B follows "passport"."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        words = list(rng.choice(FILLER, size=8))
        codes = set()
        if rng.random() < 0.4:
            words.insert(int(rng.integers(0, 8)), str(rng.choice(["wage", "pay"])))
            codes.add("A")
        if rng.random() < 0.3:
            words.insert(int(rng.integers(0, 8)), "passport")
            codes.add("B")
        texts.append(" ".join(words))
        labels.append(codes)
    return texts, labels


@pytest.fixture(scope="module")
def fitted() -> tuple[CodeSuggester, list[str], list[set[str]]]:
    texts, labels = synthetic(n=300)
    return CodeSuggester(random_state=0).fit(texts, labels), texts, labels


def test_the_examples_in_the_docstrings_run() -> None:
    assert doctest.testmod(suggest).failed == 0


def test_parameters_survive_sklearn_clone() -> None:
    model = CodeSuggester(language="fr", min_examples=3, cv=4, threshold=0.7, C=2.0, random_state=5)
    assert clone(model).get_params() == model.get_params()
    assert clone(model).set_params(C=0.5).C == 0.5


def test_codes_following_their_words_are_learned_with_high_precision_and_recall(fitted) -> None:
    model, _, _ = fitted
    assert model.codes_ == ["A", "B"]
    assert (model.scores_[["precision", "recall"]] > 0.9).all().all()


def test_scores_are_what_sklearn_metrics_give_on_the_same_folds(fitted) -> None:
    model, texts, labels = fitted
    for code in model.codes_:
        y = np.array([int(code in s) for s in labels])
        pipeline = Pipeline(
            [
                (
                    "tfidf",
                    TfidfVectorizer(analyzer=Analyzer(ngram_range=(1, 2)), sublinear_tf=True),
                ),
                (
                    "model",
                    LogisticRegression(class_weight="balanced", solver="liblinear", random_state=0),
                ),
            ]
        )
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
        proba = cross_val_predict(pipeline, texts, y, cv=folds, method="predict_proba")[:, 1]
        predicted = (proba >= 0.5).astype(int)
        assert model.scores_.loc[code, "precision"] == pytest.approx(precision_score(y, predicted))
        assert model.scores_.loc[code, "recall"] == pytest.approx(recall_score(y, predicted))
        assert model.scores_.loc[code, "support"] == y.sum()


def test_random_codes_score_near_chance() -> None:
    texts, _ = synthetic(n=300, seed=1)
    rng = np.random.default_rng(2)
    labels = [{"C"} if rng.random() < 0.5 else set() for _ in texts]
    model = CodeSuggester(random_state=0).fit(texts, labels)
    share = sum(bool(s) for s in labels) / len(labels)
    # Guessing gives precision = the share of texts with the code; learning noise does no better.
    assert abs(model.scores_.loc["C", "precision"] - share) < 0.1
    assert model.scores_.loc["C", "f1"] < 0.65


def test_an_answer_with_both_cues_is_offered_both_codes(fitted) -> None:
    model, _, _ = fitted
    found = model.suggest(["they kept my wage and took my passport at the farm"])
    assert {s.code for s in found} == {"A", "B"}


def test_suggestions_come_most_probable_first_and_respect_the_threshold(fitted) -> None:
    model, _, _ = fitted
    texts = ["no pay at the farm", "passport gone", "bread and water", "wage passport"]
    found = model.suggest(texts, threshold=0.3)
    probabilities = [s.probability for s in found]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(p >= 0.3 for p in probabilities)
    table = model.predict_proba(texts)
    assert len(found) == int((table >= 0.3).sum().sum())


def test_predict_proba_has_one_row_per_text_and_one_column_per_code(fitted) -> None:
    model, _, _ = fitted
    table = model.predict_proba(["wage", "", "passport", "the and of"])
    assert list(table.columns) == ["A", "B"]
    assert table.shape == (4, 2)
    assert ((table >= 0) & (table <= 1)).all().all()
    assert table.loc[0, "A"] > table.loc[2, "A"]


def test_codes_with_too_few_examples_either_side_are_skipped_with_a_reason() -> None:
    texts, labels = synthetic()
    labels = [s | {"Everyone"} for s in labels]
    labels[0] = labels[0] | {"Rare"}
    labels[1] = labels[1] | {"Rare"}
    model = CodeSuggester(random_state=0).fit(texts, labels)
    assert model.codes_ == ["A", "B"]
    assert model.skipped_["Rare"] == "only 2 coded examples; 5 are needed"
    assert "0 coded answers without it" in model.skipped_["Everyone"]
    assert list(model.predict_proba(["pay"]).columns) == ["A", "B"]


def test_the_same_seed_gives_the_same_scores() -> None:
    texts, labels = synthetic(n=60, seed=3)
    first = CodeSuggester(random_state=7).fit(texts, labels).scores_
    second = CodeSuggester(random_state=7).fit(texts, labels).scores_
    assert first.equals(second)


def test_folds_shrink_to_the_examples_available() -> None:
    texts, labels = synthetic(n=40, seed=4)
    labels = [{"X"} if i < 3 else set() for i in range(len(texts))]
    model = CodeSuggester(min_examples=3, cv=5, random_state=0).fit(texts, labels)
    assert model.scores_.loc["X", "support"] == 3


def test_an_unfitted_suggester_refuses_to_predict() -> None:
    with pytest.raises(NotFittedError):
        CodeSuggester().predict_proba(["pay"])


TEXTS, LABELS = synthetic(n=30, seed=5)


@pytest.mark.parametrize(
    ("texts", "labels", "settings", "code"),
    [
        (TEXTS, LABELS[:-1], {}, "suggest.length_mismatch"),
        (TEXTS[:9], LABELS[:9], {}, "suggest.too_few_coded"),
        ([], [], {}, "suggest.too_few_coded"),
        (TEXTS, [set()] * 30, {}, "suggest.no_code_ready"),
        (TEXTS, [{"A"}] * 3 + [set()] * 27, {}, "suggest.no_code_ready"),
        (["", "  ", "the", "and of"] * 5, [{"A"}, set()] * 10, {}, "suggest.no_words"),
        (TEXTS, ["A"] * 30, {}, "suggest.bad_labels"),
        ("one long string", LABELS, {}, "suggest.bad_texts"),
        ([1, 2] * 15, LABELS, {}, "suggest.bad_texts"),
        (TEXTS, LABELS, {"language": "not-a-language"}, "suggest.bad_language"),
        (TEXTS, LABELS, {"min_examples": 1}, "suggest.bad_setting"),
        (TEXTS, LABELS, {"threshold": 1.5}, "suggest.bad_setting"),
    ],
)
def test_bad_input_is_refused_with_a_stable_code_and_a_message(
    texts, labels, settings, code
) -> None:
    with pytest.raises(SuggestError) as caught:
        CodeSuggester(**settings).fit(texts, labels)
    assert caught.value.code == code
    assert len(str(caught.value)) > 20


def test_the_message_for_too_few_coded_answers_says_how_many_are_needed() -> None:
    with pytest.raises(SuggestError, match="at least 10 are needed"):
        CodeSuggester().fit(TEXTS[:4], LABELS[:4])
