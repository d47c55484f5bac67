"""Topic models: a scikit-learn estimator that finds planted topics and refuses bad input."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import normalized_mutual_info_score
from sklearn.utils.estimator_checks import (
    check_estimator_cloneable,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from analysis import topics
from analysis._topic_selection import SweepPoint, bend_distances, choose_k
from analysis.text import document_term_matrix
from analysis.topics import MAX_DOCUMENT_WORDS, MIN_DOCUMENTS, TopicModel, TopicModelError

THEMES = {
    "wages": ["wages", "salary", "paid", "payslip", "overtime", "hours", "cash", "employer"],
    "housing": ["house", "room", "bed", "landlord", "rent", "kitchen", "mattress", "shared"],
    "papers": [
        "passport",
        "visa",
        "documents",
        "papers",
        "embassy",
        "border",
        "permit",
        "identity",
    ],
}


def planted_corpus(per_theme: int = 30, seed: int = 0) -> tuple[list[str], list[str]]:
    """Return English documents each drawn from one theme's words, and their themes."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(per_theme):
        for theme, words in THEMES.items():
            chosen = rng.choice(words, 6, replace=False)
            texts.append("the " + " and the ".join(chosen) + " were all we had")
            labels.append(theme)
    return texts, labels


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], list[str]]:
    return planted_corpus()


@pytest.fixture(scope="module")
def fitted(corpus) -> TopicModel:
    return TopicModel(3, random_state=0).fit(corpus[0])


def test_the_examples_in_the_docstrings_run() -> None:
    assert doctest.testmod(topics).failed == 0


def test_the_estimator_clones_and_round_trips_its_parameters() -> None:
    model = TopicModel("auto", method="lda", random_state=4, k_range=(3, 8), min_df=1)
    copy = clone(model)
    assert copy is not model and copy.get_params() == model.get_params()
    copy.set_params(n_topics=7, method="nmf")
    assert copy.get_params()["n_topics"] == 7 and model.get_params()["n_topics"] == "auto"
    check_get_params_invariance("TopicModel", model)
    check_set_params("TopicModel", model)


@pytest.mark.parametrize(
    "check",
    [
        check_estimator_cloneable,
        check_no_attributes_set_in_init,
        check_parameters_default_constructible,
    ],
)
def test_the_estimator_passes_scikit_learn_construction_checks(check) -> None:
    check("TopicModel", TopicModel())


def test_each_planted_theme_becomes_one_topic(fitted: TopicModel) -> None:
    found = [
        {theme for theme, words in THEMES.items() if term in words}
        for terms in fitted.top_terms(5)
        for term in terms
    ]
    by_topic = [set().union(*found[i * 5 : (i + 1) * 5]) for i in range(3)]
    assert sorted(len(themes) for themes in by_topic) == [1, 1, 1]
    assert set().union(*by_topic) == set(THEMES)


def test_top_topics_agree_with_the_planted_themes(fitted: TopicModel, corpus) -> None:
    top = fitted.transform(corpus[0]).argmax(axis=1)
    assert normalized_mutual_info_score(corpus[1], top) == pytest.approx(1.0)


def test_weights_sum_to_one_and_are_zero_without_counted_words(fitted: TopicModel) -> None:
    weights = fitted.transform(["the rent and the landlord", "the and of it", "zebra quantum"])
    assert weights.shape == (3, 3)
    assert weights[0].sum() == pytest.approx(1.0)
    assert (weights[1:] == 0).all()


def test_representative_documents_come_from_the_topic_theme(fitted: TopicModel, corpus) -> None:
    texts, labels = corpus
    for topic, indices in enumerate(fitted.representative_documents(texts, n=4)):
        theme = next(t for t, words in THEMES.items() if fitted.top_terms(1)[topic][0] in words)
        assert len(indices) == 4 and {labels[i] for i in indices} == {theme}


def test_quality_figures_are_in_range(fitted: TopicModel) -> None:
    assert fitted.coherence_.shape == (3,) and (np.abs(fitted.coherence_) <= 1).all()
    # The vocabulary has only 24 words, so each topic's top 25 is all of them: 24 / (3 x 24).
    assert fitted.diversity_ == pytest.approx(1 / 3)
    assert fitted.prevalence_.sum() == pytest.approx(1.0)
    assert (np.diff(fitted.prevalence_) <= 0).all()


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_the_same_seed_gives_the_same_topics_and_weights(method: str, corpus) -> None:
    first = TopicModel(3, method=method, random_state=11).fit(corpus[0])
    second = TopicModel(3, method=method, random_state=11).fit(corpus[0])
    assert first.top_terms() == second.top_terms()
    assert np.array_equal(first.transform(corpus[0]), second.transform(corpus[0]))


@pytest.mark.parametrize("seed", [0, 1])
def test_auto_picks_the_number_of_planted_themes_and_records_the_sweep(corpus, seed) -> None:
    model = TopicModel("auto", random_state=seed, k_range=(2, 7)).fit(corpus[0])
    sweep = model.selection_
    assert sweep["chosen"] == model.n_topics_ == 3
    assert sweep["k"] == sorted(sweep["k"]) and 3 in sweep["k"]
    for key in ("coherence", "diversity", "stability", "good"):
        assert len(sweep[key]) == len(sweep["k"])
    assert "bend" in sweep["rule"]


@pytest.mark.parametrize(
    ("values", "bend"),
    [
        ([1.0, 0.5, 0.4, 0.3, 0.2], 1),  # a fast fall then a slow one: the knee
        ([0.2, 1.0, 0.9, 0.6, 0.0], 1),  # a rise to a peak: the peak
        ([0.0, 0.1, 0.2, 0.3, 0.4], 0),  # a straight line has no bend: the first point
    ],
)
def test_the_bend_is_the_point_farthest_from_the_chord(values, bend) -> None:
    distances = bend_distances(range(len(values)), values)
    assert int(np.argmax(distances.round(9))) == bend


def test_the_bend_distance_matches_the_hand_computed_one() -> None:
    # points (0, 1), (1, 0.5), (2, 0) scaled to 0-1: (0, 1), (0.5, 0.5), (1, 0) all on the chord
    # y = 1 - x; moving the middle to 0.25 puts it 0.25 / sqrt(2) below the chord
    assert np.allclose(bend_distances([0, 1, 2], [1.0, 0.25, 0.0]), [0, 0.25 / np.sqrt(2), 0])


def test_choose_k_skips_sweeps_where_most_topics_are_not_good() -> None:
    points = [
        SweepPoint(k, coherence=c, diversity=1.0, stability=1.0, good=g)
        for k, c, g in [(2, 1.0, 2), (3, 0.3, 1), (4, 0.25, 2), (5, 0.2, 5)]
    ]  # the bend is at k = 3, but only one of its three topics is good
    assert choose_k(points) == 4
    assert choose_k([SweepPoint(p.k, p.coherence, 1.0, 1.0, good=0) for p in points]) == 3


def test_progress_reports_climb_to_one_without_any_respondent_text(corpus) -> None:
    reports: list[tuple[float, str]] = []
    TopicModel("auto", random_state=0, k_range=(2, 4)).fit(
        corpus[0], progress=lambda f, s: reports.append((f, s))
    )
    fractions = [f for f, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and fractions[0] >= 0
    words = {w for text in corpus[0] for w in text.split()}
    assert not any(
        word in stage.lower().split() for _, stage in reports for word in words - {"topics"}
    )


def test_small_studies_are_refused_with_the_threshold_in_the_message() -> None:
    with pytest.raises(TopicModelError) as caught:
        TopicModel(2).fit(planted_corpus(per_theme=2)[0])
    assert caught.value.code == "topics.too_few_documents"
    assert str(MIN_DOCUMENTS) in str(caught.value) and "6" in str(caught.value)


ENGLISH = "the workers said that they were not paid for the work and the boss kept {}"
SPANISH = "los trabajadores dijeron que no les pagaron por el trabajo y el jefe se quedó con {}"


@pytest.mark.parametrize(
    ("texts", "settings", "code"),
    [
        ([], {}, "topics.no_documents"),
        ("one long text", {}, "topics.not_text"),
        ([1, 2, 3], {}, "topics.not_text"),
        (["the and of it is"] * 40, {}, "topics.no_words"),
        (planted_corpus()[0][:30], {"n_topics": 30}, "topics.too_many_topics"),
        (planted_corpus()[0][:30], {"n_topics": 40, "min_df": 1}, "topics.too_many_topics"),
        (planted_corpus()[0], {"n_topics": "auto", "k_range": (40, 50)}, "topics.too_many_topics"),
        (
            [ENGLISH.format(i) for i in range(30)] + [SPANISH.format(i) for i in range(10)],
            {},
            "topics.mixed_languages",
        ),
        ([SPANISH.format(i) for i in range(30)], {}, "topics.wrong_language"),
        (
            planted_corpus()[0] + ["word " * (MAX_DOCUMENT_WORDS + 1)],
            {},
            "topics.document_too_long",
        ),
        (planted_corpus()[0], {"method": "pca"}, "topics.bad_parameter"),
        (planted_corpus()[0], {"n_topics": 1}, "topics.bad_parameter"),
        (planted_corpus()[0], {"language": "zz"}, "topics.bad_parameter"),
    ],
)
def test_bad_input_gets_a_stable_code_and_a_sentence(texts, settings: dict, code: str) -> None:
    with pytest.raises(TopicModelError) as caught:
        TopicModel(**{"n_topics": 3, **settings}).fit(texts)
    assert caught.value.code == code
    assert str(caught.value)[0].isupper() and str(caught.value).endswith(".")


def test_spanish_texts_model_fine_when_the_language_is_spanish() -> None:
    texts = [SPANISH.format(w) for w in ("casa", "pasaporte", "dinero", "comida") for _ in range(8)]
    assert TopicModel(2, language="es", random_state=0, max_df=0.9).fit(texts).n_topics_ == 2


def test_a_sample_of_paper_titles_gives_topics_that_match_their_fields(shared: Path) -> None:
    lines = (
        (shared / "data" / "corpora" / "m10-titles" / "corpus.tsv").read_text("utf-8").splitlines()
    )
    rows = [line.split("\t") for line in lines if line.strip()]
    sample = [rows[i] for i in np.random.default_rng(0).choice(len(rows), 2000, replace=False)]
    texts, labels = [r[0] for r in sample], np.array([r[2] for r in sample])
    weights = TopicModel(10, random_state=0).fit(texts).transform(texts)
    held = weights.sum(axis=1) > 0
    nmi = normalized_mutual_info_score(labels[held], weights[held].argmax(axis=1))
    shuffled = normalized_mutual_info_score(
        np.random.default_rng(1).permutation(labels[held]), weights[held].argmax(axis=1)
    )
    assert nmi > 0.15 and nmi > 5 * shuffled


def test_fitting_on_counts_made_with_the_analyzer_matches_fitting_on_texts(corpus) -> None:
    model = TopicModel(3, random_state=2)
    counts, terms = document_term_matrix(corpus[0], model.analyzer(), min_df=2, max_df=0.5)
    on_counts = clone(model).fit_counts(counts, terms)
    on_texts = clone(model).fit(corpus[0])
    assert on_counts.top_terms() == on_texts.top_terms()
    assert np.allclose(on_counts.transform_counts(counts), on_texts.transform(corpus[0]))
