"""Suggest codes for uncoded answers from the answers an analyst has coded.

A :class:`CodeSuggester` learns one binary classifier per code (TF-IDF over
words and word pairs, then a class-balanced logistic regression), so an answer
can receive several codes. Each code's cross-validated precision, recall and
F1 are kept in ``scores_`` so the analyst sees how far to trust a suggestion
before accepting it. A code with too few coded examples on either side is not
modelled; ``skipped_`` says why. Suggestions are proposals only: nothing here
applies a code.

Examples
--------
>>> texts = ["they kept my wage", "no pay for months", "wage never paid",
...          "pay was withheld", "my wage was cut", "they took my passport",
...          "passport kept by the boss", "no passport to leave",
...          "boss held my passport", "passport locked away"]
>>> labels = [{"Wages"}] * 5 + [{"Documents"}] * 5
>>> model = CodeSuggester(min_examples=3, cv=3, random_state=0).fit(texts, labels)
>>> model.codes_
['Documents', 'Wages']
>>> [s.code for s in model.suggest(["the boss kept my passport"])]
['Documents']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import version

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from analysis.text import Analyzer, TextError

__all__ = ["CodeSuggester", "SuggestError", "Suggestion", "make_pipeline"]


class SuggestError(ValueError):
    """Input the suggester cannot learn from, with a stable code and a message for a person.

    Parameters
    ----------
    code : str
        Stable identifier such as ``"suggest.too_few_coded"``.
    message : str
        What went wrong and what to do, in plain words.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Suggestion:
    """One proposed code for one text (index into the texts given to ``suggest``)."""

    index: int
    code: str
    probability: float


def make_pipeline(*, language: str = "en", C: float = 1.0, random_state=None) -> Pipeline:
    """Return the unfitted TF-IDF and logistic-regression pipeline used for one code.

    Parameters
    ----------
    language : str, default "en"
        Language of the texts (tokeniser and stop words).
    C : float, default 1.0
        Inverse regularisation strength of the logistic regression.
    random_state : int, RandomState or None
        Passed to the logistic regression.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``tfidf`` (words and word pairs, sublinear term frequency) and ``model``.
    """
    return Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(
                    analyzer=Analyzer(language=language, ngram_range=(1, 2)), sublinear_tf=True
                ),
            ),
            (
                "model",
                LogisticRegression(
                    C=C, class_weight="balanced", solver="liblinear", random_state=random_state
                ),
            ),
        ]
    )


class _Memo:
    """Wrap an analyzer so each distinct text is tokenised once during cross-validation."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.seen: dict[str, list[str]] = {}

    def __deepcopy__(self, _memo: dict) -> _Memo:
        # scikit-learn's clone deep-copies parameters: share the cache across folds instead.
        return self

    def __call__(self, text: str) -> list[str]:
        if text not in self.seen:
            self.seen[text] = self.analyzer(text)
        return self.seen[text]


class CodeSuggester(BaseEstimator):
    """Propose codes for texts, learned from coded texts; one classifier per code.

    Parameters
    ----------
    language : str, default "en"
        Language of the texts.
    min_examples : int, default 5
        A code is modelled only with at least this many texts that have it and
        this many coded texts that do not.
    cv : int, default 5
        Most folds for the cross-validated scores (fewer when a code has fewer examples).
    threshold : float, default 0.5
        Probability from which a code is suggested (and counted as predicted in ``scores_``).
    C : float, default 1.0
        Inverse regularisation strength of each logistic regression.
    random_state : int, RandomState or None
        Seeds the fold shuffling and the solver.

    Attributes
    ----------
    codes_ : list of str
        The modelled codes, sorted; the columns of ``predict_proba``.
    skipped_ : dict of str to str
        Codes not modelled, with the reason.
    scores_ : pandas.DataFrame
        Index code; columns ``precision``, ``recall``, ``f1`` (cross-validated at
        ``threshold``) and ``support`` (coded texts that have the code).
    versions_ : dict of str to str
        Versions of the libraries that made the model.
    """

    def __init__(
        self,
        *,
        language: str = "en",
        min_examples: int = 5,
        cv: int = 5,
        threshold: float = 0.5,
        C: float = 1.0,
        random_state=None,
    ) -> None:
        self.language = language
        self.min_examples = min_examples
        self.cv = cv
        self.threshold = threshold
        self.C = C
        self.random_state = random_state

    def fit(self, texts: Sequence[str], labels: Sequence[Iterable[str]]) -> CodeSuggester:
        """Learn one classifier per code with enough examples, and score it by cross-validation.

        Parameters
        ----------
        texts : sequence of str
            The coded texts.
        labels : sequence of sets of str
            ``labels[i]`` holds the codes applied to ``texts[i]``; an empty set
            means the text was coded and given no code.

        Returns
        -------
        CodeSuggester
            ``self``.

        Raises
        ------
        SuggestError
            Mismatched lengths, too few coded texts, no words, or no code with enough examples.
        """
        texts, sets = self._validated(texts, labels)
        matrix = self._indicators(sets)
        ready, self.skipped_ = self._split_ready(matrix)
        if not ready:
            raise SuggestError(
                "suggest.no_code_ready",
                f"No code has {self.min_examples} coded answers with it and {self.min_examples} "
                "without it yet: code more answers, then ask for suggestions again.",
            )
        self.codes_ = ready
        memo = self._analysed(texts)
        self.scores_ = pd.DataFrame(
            [self._score(texts, matrix[code].to_numpy(), memo) for code in ready],
            index=pd.Index(ready, name="code"),
            columns=["precision", "recall", "f1", "support"],
        )
        self.pipelines_ = {code: self._final(texts, matrix[code], memo) for code in ready}
        self.versions_ = {lib: version(lib) for lib in ("scikit-learn", "nltk", "numpy")}
        return self

    def predict_proba(self, texts: Sequence[str]) -> pd.DataFrame:
        """Return the probability of each modelled code for each text.

        Parameters
        ----------
        texts : sequence of str

        Returns
        -------
        pandas.DataFrame
            One row per text (index 0..n-1), one column per code in ``codes_``.
        """
        check_is_fitted(self, "pipelines_")
        texts = self._texts(texts)
        columns = {
            code: self.pipelines_[code].predict_proba(texts)[:, 1] if texts else np.empty(0)
            for code in self.codes_
        }
        return pd.DataFrame(columns, index=pd.RangeIndex(len(texts)), columns=self.codes_)

    def suggest(self, texts: Sequence[str], *, threshold: float | None = None) -> list[Suggestion]:
        """Return the codes proposed for texts, most probable first.

        Parameters
        ----------
        texts : sequence of str
        threshold : float, optional
            Defaults to ``self.threshold``; only probabilities at or above it are kept.

        Returns
        -------
        list of Suggestion
            Sorted by probability (highest first), then text index and code.
        """
        cut = self.threshold if threshold is None else threshold
        table = self.predict_proba(texts)
        found = [
            Suggestion(int(index), str(code), float(p))
            for (index, code), p in table.stack().items()
            if p >= cut
        ]
        return sorted(found, key=lambda s: (-s.probability, s.index, s.code))

    def _pipeline(self, analyzer=None) -> Pipeline:
        """Return a fresh pipeline with this estimator's settings."""
        pipeline = make_pipeline(language=self.language, C=self.C, random_state=self.random_state)
        if analyzer is not None:
            pipeline.set_params(tfidf__analyzer=analyzer)
        return pipeline

    def _final(self, texts: list[str], y: pd.Series, memo: _Memo) -> Pipeline:
        """Fit one code's pipeline on every coded text; keep the plain analyzer, not the cache."""
        pipeline = self._pipeline(memo).fit(texts, y)
        pipeline.named_steps["tfidf"].analyzer = memo.analyzer
        return pipeline

    def _score(self, texts: list[str], y: np.ndarray, memo: _Memo) -> list[float]:
        """Return cross-validated precision, recall, F1 and support of one code."""
        positives = int(y.sum())
        folds = StratifiedKFold(
            n_splits=min(self.cv, positives, len(y) - positives),
            shuffle=True,
            random_state=self.random_state,
        )
        proba = cross_val_predict(self._pipeline(memo), texts, y, cv=folds, method="predict_proba")[
            :, 1
        ]
        predicted = (proba >= self.threshold).astype(int)
        return [
            precision_score(y, predicted, zero_division=0.0),
            recall_score(y, predicted, zero_division=0.0),
            f1_score(y, predicted, zero_division=0.0),
            positives,
        ]

    def _validated(self, texts, labels) -> tuple[list[str], list[frozenset[str]]]:
        """Check the settings and the training data; return them as lists."""
        if int(self.min_examples) < 2 or int(self.cv) < 2:
            raise SuggestError(
                "suggest.bad_setting", "min_examples and cv must each be at least 2."
            )
        if not 0.0 <= float(self.threshold) <= 1.0:
            raise SuggestError("suggest.bad_setting", "threshold must be between 0 and 1.")
        texts = self._texts(texts)
        labels = list(labels)
        if len(texts) != len(labels):
            raise SuggestError(
                "suggest.length_mismatch",
                f"There are {len(texts)} texts but {len(labels)} sets of codes: "
                "give one set per text.",
            )
        if len(texts) < 2 * self.min_examples:
            raise SuggestError(
                "suggest.too_few_coded",
                f"Only {len(texts)} coded answers: at least {2 * self.min_examples} are needed "
                "before codes can be suggested.",
            )
        sets = []
        for codes in labels:
            if isinstance(codes, str) or not isinstance(codes, Iterable):
                raise SuggestError(
                    "suggest.bad_labels", "Give each text a set of code names (empty for none)."
                )
            sets.append(frozenset(str(code) for code in codes))
        return texts, sets

    @staticmethod
    def _texts(texts) -> list[str]:
        """Return texts as a list of str, or refuse anything else."""
        if isinstance(texts, str):
            raise SuggestError("suggest.bad_texts", "Give a list of texts, not one string.")
        texts = list(texts)
        if not all(isinstance(text, str) for text in texts):
            raise SuggestError("suggest.bad_texts", "Every text must be a string.")
        return texts

    def _indicators(self, sets: list[frozenset[str]]) -> pd.DataFrame:
        """Return a 0/1 table: one row per text, one column per code, sorted by name."""
        codes = sorted(set().union(*sets))
        return pd.DataFrame(
            {code: [int(code in s) for s in sets] for code in codes}, columns=codes, dtype=int
        )

    def _split_ready(self, matrix: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
        """Return the codes with enough examples either side, and why the others are skipped."""
        ready, skipped = [], {}
        n, need = len(matrix), int(self.min_examples)
        for code in matrix.columns:
            positives = int(matrix[code].sum())
            if positives < need:
                skipped[code] = f"only {positives} coded example{_s(positives)}; {need} are needed"
            elif n - positives < need:
                skipped[code] = (
                    f"only {n - positives} coded answer{_s(n - positives)} without it; "
                    f"{need} are needed"
                )
            else:
                ready.append(code)
        return ready, skipped

    def _analysed(self, texts: list[str]) -> _Memo:
        """Tokenise every text once; refuse a corpus in which no text has a word to count."""
        try:
            memo = _Memo(Analyzer(language=self.language, ngram_range=(1, 2)))
            counted = sum(bool(memo(text)) for text in texts)
        except TextError as error:
            raise SuggestError("suggest.bad_language", str(error)) from None
        if not counted:
            raise SuggestError(
                "suggest.no_words",
                "The coded answers hold no words to learn from (they are empty or only "
                "common words such as 'the').",
            )
        return memo


def _s(count: int) -> str:
    return "" if count == 1 else "s"
