"""Topic quality: NPMI, diversity and matched Jaccard agree with hand sums and brute force."""

from __future__ import annotations

import doctest
import math
from itertools import combinations, permutations

import numpy as np
import pytest
from scipy import sparse

from analysis import coherence
from analysis.coherence import matched_jaccard, npmi_coherence, pairwise_npmi, topic_diversity

#: Four documents, three terms: term 0 in docs 0-1, term 1 in docs 0, 1, 3, term 2 in docs 2-3.
PRESENT = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1]])


def direct_npmi(present: np.ndarray, i: int, j: int) -> float:
    """Compute NPMI of two columns from raw probabilities, the textbook way."""
    a, b = present[:, i] > 0, present[:, j] > 0
    p_i, p_j, p_ij = a.mean(), b.mean(), (a & b).mean()
    if p_ij == 0:
        return -1.0
    if p_ij == 1:
        return 1.0
    return math.log(p_ij / (p_i * p_j)) / -math.log(p_ij)


def test_the_examples_in_the_docstrings_run() -> None:
    assert doctest.testmod(coherence).failed == 0


def test_npmi_of_a_hand_worked_pair_matches_the_formula() -> None:
    # p(0) = 2/4, p(1) = 3/4, p(0,1) = 2/4: log((1/2) / (3/8)) / -log(1/2) = log(4/3) / log(2)
    assert npmi_coherence(PRESENT, [[0, 1]])[0] == pytest.approx(math.log(4 / 3) / math.log(2))


@pytest.mark.parametrize(
    ("matrix", "expected"),
    [
        (np.array([[1, 0], [0, 1], [1, 0]]), -1.0),  # never together
        (np.array([[1, 1], [1, 1]]), 1.0),  # together in every document
        (np.array([[1, 1], [0, 0], [0, 0]]), 1.0),  # always together, never apart
    ],
)
def test_npmi_takes_its_limits_at_the_edges(matrix: np.ndarray, expected: float) -> None:
    assert npmi_coherence(matrix, [[0, 1]])[0] == pytest.approx(expected)


def test_npmi_matches_a_direct_computation_on_random_data() -> None:
    rng = np.random.default_rng(7)
    present = (rng.random((300, 12)) < rng.uniform(0.05, 0.6, 12)).astype(int)
    topics = [[0, 3, 5, 7], [1, 2, 4, 6, 8, 11], [9, 10, 0]]
    expected = [
        np.mean([direct_npmi(present, i, j) for i, j in combinations(t, 2)]) for t in topics
    ]
    assert npmi_coherence(sparse.csr_matrix(present), topics) == pytest.approx(expected)


def test_npmi_uses_presence_not_counts() -> None:
    counts = PRESENT * np.array([3, 1, 5])
    assert np.allclose(pairwise_npmi(counts, [0, 1, 2]), pairwise_npmi(PRESENT, [0, 1, 2]))


def test_npmi_refuses_a_topic_of_one_word() -> None:
    with pytest.raises(ValueError, match="two terms"):
        npmi_coherence(PRESENT, [[0]])


@pytest.mark.parametrize(
    ("topics", "n", "expected"),
    [
        ([["a", "b"], ["c", "d"]], 25, 1.0),
        ([["a", "b"], ["a", "b"]], 25, 0.5),
        ([["a", "b", "c"], ["a", "d", "e"]], 3, 5 / 6),
        ([["a", "b", "x"], ["a", "c", "x"]], 2, 3 / 4),  # only the first two words count
    ],
)
def test_diversity_is_the_unique_share_of_top_words(topics, n: int, expected: float) -> None:
    assert topic_diversity(topics, n=n) == pytest.approx(expected)


def brute_force_matching(first: list[set], second: list[set]) -> float:
    """Try every one-to-one pairing of equal-sized topic sets and keep the best mean Jaccard."""
    return max(
        np.mean(
            [len(first[i] & second[p[i]]) / len(first[i] | second[p[i]]) for i in range(len(first))]
        )
        for p in permutations(range(len(second)))
    )


def test_matched_jaccard_finds_the_best_pairing_of_a_brute_force_search() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        first = [set(rng.choice(12, 4, replace=False).tolist()) for _ in range(5)]
        second = [set(rng.choice(12, 4, replace=False).tolist()) for _ in range(5)]
        assert matched_jaccard(first, second) == pytest.approx(brute_force_matching(first, second))


def test_matched_jaccard_ignores_topic_order_and_counts_unmatched_topics_as_zero() -> None:
    topics = [["a", "b"], ["c", "d"], ["e", "f"]]
    assert matched_jaccard(topics, topics[::-1]) == 1.0
    assert matched_jaccard(topics, topics[:2]) == pytest.approx(2 / 3)
