"""Measure topics: NPMI coherence, topic diversity and agreement between two fits.

These are the yardsticks for every topic model in Heard and in the benchmark
(``bench/topics.py`` scores every model with these same functions, on the
same tokens), so that numbers are comparable inside one run.

Coherence is *internal*: word co-occurrence is counted in the documents the
model was fitted on (document co-occurrence over a binary document-term
matrix), not in an outside reference corpus such as Wikipedia. That is what
an analyst can check and it needs no download, but its values are not
comparable with figures computed on another reference corpus.

Examples
--------
>>> import numpy as np
>>> from scipy import sparse
>>> present = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1]]))
>>> npmi_coherence(present, [[0, 1]]).round(3).tolist()
[0.415]
>>> topic_diversity([["pay", "wage"], ["debt", "pay"]])
0.75
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment

__all__ = ["matched_jaccard", "npmi_coherence", "pairwise_npmi", "topic_diversity"]


def pairwise_npmi(binary_matrix: sparse.spmatrix | np.ndarray, terms: Sequence[int]) -> np.ndarray:
    """Return the NPMI of every pair of the given columns, by document co-occurrence.

    Parameters
    ----------
    binary_matrix : sparse matrix or ndarray, shape (n_documents, n_terms)
        Non-zero where a term occurs in a document (counts are fine: only
        presence is used).
    terms : sequence of int
        Column indices of the terms to pair.

    Returns
    -------
    numpy.ndarray, shape (len(terms), len(terms))
        ``npmi(i, j) = log(p_ij / (p_i p_j)) / -log(p_ij)``, where ``p`` is the
        share of documents holding the term(s). Limits stand in for the
        undefined cases: ``-1`` when the two never co-occur (``p_ij = 0``) and
        ``1`` when they occur together in every document (``p_ij = 1``). No
        smoothing epsilon is added, so the values stay in ``[-1, 1]``. The
        diagonal holds each term with itself (``1`` for a term that occurs).

    Examples
    --------
    >>> import numpy as np
    >>> pairwise_npmi(np.array([[1, 0], [0, 1]]), [0, 1])[0, 1]
    np.float64(-1.0)
    """
    columns = np.asarray(terms, dtype=int)
    matrix = sparse.csc_matrix(binary_matrix)[:, columns]
    present = (matrix != 0).astype(np.float64)
    n_documents = present.shape[0]
    if n_documents == 0:
        raise ValueError("NPMI needs at least one document.")
    joint = np.asarray((present.T @ present).todense()) / n_documents
    single = np.diag(joint)
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.log(joint / np.outer(single, single)) / -np.log(joint)
    npmi[joint == 0] = -1.0
    npmi[joint >= 1.0] = 1.0
    return npmi


def npmi_coherence(
    binary_matrix: sparse.spmatrix | np.ndarray, top_term_indices: Sequence[Sequence[int]]
) -> np.ndarray:
    """Return the mean pairwise NPMI of each topic's top terms.

    Parameters
    ----------
    binary_matrix : sparse matrix or ndarray, shape (n_documents, n_terms)
        Presence of each term in each document of the reference corpus
        (usually the corpus the model was fitted on).
    top_term_indices : sequence of sequences of int
        For each topic, the column indices of its top terms (usually 10).

    Returns
    -------
    numpy.ndarray, shape (n_topics,)
        The mean of :func:`pairwise_npmi` over the ``n (n - 1) / 2`` distinct
        pairs of each topic's terms, in ``[-1, 1]``; higher is more coherent.

    Raises
    ------
    ValueError
        When a topic has fewer than two terms.

    Examples
    --------
    >>> import numpy as np
    >>> present = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1]])
    >>> npmi_coherence(present, [[0, 1], [0, 2]]).round(3).tolist()
    [0.415, -1.0]
    """
    scores = []
    for topic in top_term_indices:
        if len(topic) < 2:
            raise ValueError("NPMI coherence needs at least two terms per topic.")
        npmi = pairwise_npmi(binary_matrix, topic)
        upper = np.triu_indices(len(topic), k=1)
        scores.append(float(npmi[upper].mean()))
    return np.array(scores, dtype=float)


def topic_diversity(top_terms: Sequence[Sequence[str]], n: int = 25) -> float:
    """Return the share of unique words among the top ``n`` words of all topics.

    Parameters
    ----------
    top_terms : sequence of sequences of str (or int)
        For each topic, its words best first.
    n : int, default 25
        How many words of each topic to look at (Dieng et al., 2020, use 25).

    Returns
    -------
    float
        1 when no word is shared between topics; close to ``1 / n_topics``
        when every topic repeats the same words.

    Examples
    --------
    >>> topic_diversity([["pay", "wage", "boss"], ["debt", "pay", "loan"]], n=3)
    0.8333333333333334
    """
    words = [word for topic in top_terms for word in list(topic)[:n]]
    if not words:
        raise ValueError("Topic diversity needs at least one word.")
    return len(set(words)) / len(words)


def matched_jaccard(first: Sequence[Sequence[object]], second: Sequence[Sequence[object]]) -> float:
    """Return the mean Jaccard similarity of two topic sets' top words, best-matched one to one.

    Topics of two fits come in arbitrary order, so they are paired by the
    Hungarian algorithm (``scipy.optimize.linear_sum_assignment``) to maximise
    the total Jaccard similarity; unpaired topics (when the sets differ in
    size) count as 0. This is the agreement score of Greene, O'Callaghan and
    Cunningham (2014), with Jaccard on the top words.

    Parameters
    ----------
    first, second : sequences of sequences
        Each topic's top words (or term indices), same length per topic.

    Returns
    -------
    float
        In ``[0, 1]``: 1 when both fits found the same topics.

    Examples
    --------
    >>> matched_jaccard([["a", "b"], ["c", "d"]], [["c", "d"], ["a", "e"]])
    0.6666666666666666
    """
    sets_a = [set(topic) for topic in first]
    sets_b = [set(topic) for topic in second]
    if not sets_a or not sets_b:
        raise ValueError("Matching needs at least one topic on each side.")
    similarity = np.array(
        [[len(a & b) / len(a | b) if a | b else 1.0 for b in sets_b] for a in sets_a]
    )
    rows, cols = linear_sum_assignment(similarity, maximize=True)
    return float(similarity[rows, cols].sum() / max(len(sets_a), len(sets_b)))
