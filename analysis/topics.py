"""Topic models of free text with the scikit-learn estimator API: NMF or LDA, fixed or automatic k.

:class:`TopicModel` tokenises with :class:`analysis.text.Analyzer`, counts
terms with document-frequency bounds, and fits either non-negative matrix
factorisation on TF-IDF weights (sublinear tf, l2 rows; the default, which
gives the most coherent topics on short and medium texts) or latent Dirichlet
allocation on raw counts. Fitted models carry their own quality figures:
NPMI coherence per topic and topic diversity (see :mod:`analysis.coherence`),
and, when ``n_topics="auto"``, the whole sweep that chose the number of topics.

Topic models need text in bulk. Below :data:`MIN_DOCUMENTS` documents that
still hold words after stop words are removed, :meth:`TopicModel.fit` refuses
with a :class:`TopicModelError` that says so; docs/topics.md explains why.

Examples
--------
>>> texts = ["wages unpaid boss kept wages", "passport taken boss kept passport"] * 15
>>> model = TopicModel(2, random_state=0, min_df=1, max_df=1.0).fit(texts)
>>> sorted(topic[0] for topic in model.top_terms(1))
['passport', 'wages']
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from importlib.metadata import version

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from analysis._topic_selection import select_k
from analysis._topic_validation import (
    MAX_DOCUMENT_WORDS,
    MIN_DOCUMENTS,
    TopicModelError,
    check_corpus_size,
    check_languages,
    check_parameters,
    check_texts,
)
from analysis.coherence import npmi_coherence, topic_diversity
from analysis.text import Analyzer, TextError, document_term_matrix

__all__ = ["MAX_DOCUMENT_WORDS", "MIN_DOCUMENTS", "TopicModel", "TopicModelError"]

#: The sweep for ``n_topics="auto"`` fits on the most widespread terms only, with fewer iterations.
SWEEP_MAX_TERMS = 5000
SWEEP_MAX_ITER = 100
Progress = Callable[[float, str], None]


def _no_progress(fraction: float, stage: str) -> None:
    """Ignore a progress report."""


class TopicModel(TransformerMixin, BaseEstimator):
    """Find topics in a corpus of texts (a scikit-learn estimator).

    Parameters
    ----------
    n_topics : int or "auto", default 10
        With ``"auto"`` the number is chosen from ``k_range`` by a sweep
        (``selection_`` records it; the rule is in docs/topics.md).
    method : {"nmf", "lda"}, default "nmf"
    random_state : int, RandomState or None
        The same int gives the same topics and weights.
    language, stem, extra_stop_words
        Passed to :class:`analysis.text.Analyzer`.
    min_df, max_df, max_features
        Document-frequency bounds of the vocabulary (as in scikit-learn).
    k_range : (int, int), default (5, 30)
        The smallest and largest k the automatic choice tries.
    n_seeds : int, default 3
        Fits per k in the sweep (stability compares them).
    top_n : int, default 10
        Terms per topic returned by :meth:`top_terms` by default.
    max_iter : int, optional
        Iterations of the final fit (scikit-learn's default when None).

    Attributes
    ----------
    n_topics_ : int
    terms_ : numpy.ndarray of str
    components_ : numpy.ndarray, shape (n_topics_, n_terms)
        Topic-term weights; topics are ordered by prevalence, largest first.
    coherence_ : numpy.ndarray, shape (n_topics_,)
        NPMI of each topic's top 10 terms over the fitted documents.
    diversity_ : float
        Unique share of the top 25 terms of all topics.
    prevalence_ : numpy.ndarray, shape (n_topics_,)
        Mean share of each topic over the fitted documents that hold words.
    selection_ : dict or None
        The sweep when ``n_topics="auto"``: lists ``k``, ``coherence``,
        ``diversity``, ``stability``, ``good``, and ``chosen``, ``rule``, ``seeds``.
    converged_ : bool
    versions_ : dict
        Versions of the libraries that produced the fit.
    """

    def __init__(
        self,
        n_topics: int | str = 10,
        *,
        method: str = "nmf",
        random_state: int | np.random.RandomState | None = None,
        language: str = "en",
        stem: bool = False,
        extra_stop_words: tuple[str, ...] = (),
        min_df: int | float = 2,
        max_df: int | float = 0.5,
        max_features: int | None = None,
        k_range: tuple[int, int] = (5, 30),
        n_seeds: int = 3,
        top_n: int = 10,
        max_iter: int | None = None,
    ) -> None:
        self.n_topics = n_topics
        self.method = method
        self.random_state = random_state
        self.language = language
        self.stem = stem
        self.extra_stop_words = extra_stop_words
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.k_range = k_range
        self.n_seeds = n_seeds
        self.top_n = top_n
        self.max_iter = max_iter

    def analyzer(self) -> Analyzer:
        """Return the analyzer that turns one text into the counted terms."""
        try:
            return Analyzer(
                language=self.language,
                stem=self.stem,
                extra_stop_words=tuple(self.extra_stop_words),
            )
        except TextError as error:
            raise TopicModelError("topics.bad_parameter", str(error)) from None

    def fit(self, texts: Sequence[str], y: object = None, *, progress: Progress | None = None):
        """Tokenise and count the texts, then fit the topics; return self."""
        check_parameters(self)
        report = progress or _no_progress
        texts = check_texts(texts)
        check_languages(texts, self.language)
        report(0.0, "Counting words")
        try:
            counts, terms = document_term_matrix(
                texts, self.analyzer(), min_df=self.min_df, max_df=self.max_df,
                max_features=self.max_features,
            )  # fmt: skip
        except TextError:
            raise TopicModelError(
                "topics.no_words",
                "No words are left to model: the texts are empty or hold only stop words, "
                "or the word-frequency bounds (min_df, max_df) leave out every word.",
            ) from None
        return self.fit_counts(counts, terms, progress=progress)

    def fit_counts(
        self, counts: sparse.spmatrix, terms: Sequence[str], *, progress: Progress | None = None
    ):
        """Fit the topics on a count matrix made with this model's analyzer; return self.

        Use this to fit several models on the same tokens (as the benchmark
        does); :meth:`transform` still takes texts.
        """
        check_parameters(self)
        report = progress or _no_progress
        counts = sparse.csr_matrix(counts, dtype=np.float64)
        self.terms_ = np.asarray(terms, dtype=object)
        if self.terms_.shape != (counts.shape[1],):
            raise TopicModelError(
                "topics.bad_parameter", "The counts need one column per term, in the same order."
            )
        n_documents = int((counts.getnnz(axis=1) > 0).sum())
        check_corpus_size(n_documents, counts.shape[1], self.n_topics, self.k_range)
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        if self.method == "nmf":
            self._tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
        binary = (counts > 0).astype(np.float64)
        self.selection_ = None
        k = self.n_topics
        if k == "auto":
            self.selection_ = self._select(counts, binary, n_documents, seed, report)
            k = self.selection_["chosen"]
        report(0.8, f"Fitting {k} topics")
        self._fit_final(counts, k, seed)
        report(0.95, "Measuring coherence")
        self.coherence_ = npmi_coherence(binary, self._top_indices(10))
        self.diversity_ = topic_diversity(self._top_indices(25))
        self.versions_ = {
            name: version(name) for name in ("scikit-learn", "numpy", "scipy", "nltk", "stop-words")
        }
        report(1.0, "Done")
        return self

    def _weighted(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """Return what the estimator factorises: TF-IDF for NMF, counts for LDA."""
        return self._tfidf.transform(counts) if self.method == "nmf" else counts

    def _estimator(
        self, k: int, seed: int, *, sweep: bool = False
    ) -> NMF | LatentDirichletAllocation:
        """Return an unfitted scikit-learn estimator for k topics."""
        if self.method == "lda":
            iterations = 5 if sweep else (self.max_iter or 10)
            return LatentDirichletAllocation(
                n_components=k, learning_method="batch", max_iter=iterations, random_state=seed
            )
        if sweep:  # random starts differ by seed; NNDSVDA would start every seed alike
            return NMF(k, init="random", max_iter=SWEEP_MAX_ITER, tol=1e-3, random_state=seed)
        return NMF(k, init="nndsvda", max_iter=self.max_iter or 200, random_state=seed)

    def _select(self, counts, binary, n_documents: int, seed: int, report: Progress) -> dict:
        """Run the k sweep on the most widespread terms and return the selection record."""
        frequency = np.asarray(binary.sum(axis=0)).ravel()
        keep = np.sort(np.argsort(-frequency, kind="stable")[:SWEEP_MAX_TERMS])
        weighted = self._weighted(counts)[:, keep]
        low, high = self.k_range
        high = min(high, n_documents - 1, counts.shape[1] - 1)

        def fit(k: int, start: int) -> np.ndarray:
            components = np.zeros((k, counts.shape[1]))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                components[:, keep] = (
                    self._estimator(k, start, sweep=True).fit(weighted).components_
                )
            return components

        def scaled(fraction: float, stage: str) -> None:
            report(0.05 + 0.75 * fraction, stage)

        return select_k(fit, binary, (low, high), n_seeds=self.n_seeds, seed=seed, progress=scaled)

    def _fit_final(self, counts: sparse.csr_matrix, k: int, seed: int) -> None:
        """Fit k topics on all the counts and order them by prevalence."""
        estimator = self._estimator(k, seed)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            raw = estimator.fit_transform(self._weighted(counts))
        self.converged_ = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
        self._estimator_ = estimator
        shares = self._shares(raw, counts)
        held = shares.sum(axis=1) > 0
        self._order = np.argsort(-shares[held].mean(axis=0), kind="stable")
        self.prevalence_ = shares[held].mean(axis=0)[self._order]
        self.components_ = estimator.components_[self._order]
        self.n_topics_ = int(k)

    @staticmethod
    def _shares(raw: np.ndarray, counts: sparse.csr_matrix) -> np.ndarray:
        """Return rows scaled to sum to 1, and all-zero rows for documents without counted terms."""
        raw = np.where(counts.getnnz(axis=1)[:, None] > 0, raw, 0.0)
        totals = raw.sum(axis=1, keepdims=True)
        return np.divide(raw, totals, out=np.zeros_like(raw), where=totals > 0)

    def _counts(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Count the fitted vocabulary's terms in new texts."""
        check_is_fitted(self, "components_")
        vectorizer = CountVectorizer(analyzer=self.analyzer(), vocabulary=list(self.terms_))
        return vectorizer.transform(check_texts(texts, allow_empty=True)).astype(np.float64).tocsr()

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Return each text's share of each topic (rows sum to 1, or 0 when no counted term)."""
        return self.transform_counts(self._counts(texts))

    def transform_counts(self, counts: sparse.spmatrix) -> np.ndarray:
        """Return topic shares for a count matrix over ``terms_`` (as :meth:`transform`)."""
        check_is_fitted(self, "components_")
        counts = sparse.csr_matrix(counts, dtype=np.float64)
        if counts.shape[0] == 0:
            return np.zeros((0, self.n_topics_))
        raw = self._estimator_.transform(self._weighted(counts))
        return self._shares(raw, counts)[:, self._order]

    def _top_indices(self, n: int) -> np.ndarray:
        """Return the column indices of each topic's n heaviest terms."""
        return np.argsort(-self.components_, axis=1, kind="stable")[:, :n]

    def top_terms(self, n: int | None = None) -> list[list[str]]:
        """Return each topic's n heaviest terms, heaviest first (``top_n`` when n is None).

        A term with no weight in a topic is never one of its terms, so a topic
        of a tiny or repetitive corpus can have fewer than n.
        """
        check_is_fitted(self, "components_")
        return [
            [str(self.terms_[i]) for i in row if self.components_[topic, i] > 0]
            for topic, row in enumerate(self._top_indices(n or self.top_n))
        ]

    def representative_documents(self, texts: Sequence[str], n: int = 5) -> list[list[int]]:
        """Return, per topic, the indices of the n texts where it has the largest share, best first.

        Ties in share (common among short texts given wholly to one topic) go
        to the text with the larger unnormalised weight. Texts with no share
        of a topic are never listed for it.
        """
        counts = self._counts(texts)
        raw = self._estimator_.transform(self._weighted(counts))[:, self._order]
        shares = self._shares(raw, counts)
        chosen = []
        for topic in range(self.n_topics_):
            order = np.lexsort((-raw[:, topic], -shares[:, topic]))
            chosen.append([int(i) for i in order[:n] if shares[i, topic] > 0])
        return chosen
