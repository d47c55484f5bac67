"""Choose the number of topics: a sweep over k scored by coherence, diversity and stability.

Private helper of :mod:`analysis.topics`. Each candidate k is fitted
``n_seeds`` times from different random starts (with fewer iterations and a
smaller vocabulary than the final fit; see ``TopicModel``). Every topic of
every fit is then judged on three counts:

- stable: its top 10 words come back in the other seeds' fits (mean
  Hungarian-matched Jaccard similarity at least ``GOOD_STABILITY``, after
  Greene, O'Callaghan and Cunningham, 2014);
- coherent: its top 10 words co-occur more than chance (NPMI over the fitted
  corpus above ``GOOD_NPMI``);
- distinct: at least ``GOOD_DISTINCT`` of its top 10 words are in no other
  topic's top 10 (the per-topic side of topic diversity).

A topic that passes all three is *good*. A k is *worthwhile* when at least
half its topics are good (:data:`GOOD_SHARE`): reading its topics pays off.
Among the worthwhile k (all k when none is, as on very short texts whose
words rarely share a document) the rule (:data:`RULE`) picks the *bend* of
the mean coherence curve: the k whose mean NPMI lies farthest
from the straight line joining the first and the last k tried (the "knee" or
"elbow" of Satopaa, Albrecht, Irwin and Raghavan, 2011, "Finding a 'Kneedle'
in a haystack"). Coherence falls quickly while broad topics split into real
themes and slowly once topics only split hairs; the bend marks the change.
A curve that rises to a peak and then falls (a few clear themes) bends at
the peak. Ties go to the smaller k. The coherence curve averages over k
topics and every seed, so it is far less noisy than counts of good topics
(the earlier rule, the most good topics net of the others, followed a nearly
flat and noisy curve on 20 Newsgroups and chose anywhere from 12 to 29).
The grid is coarse first (about nine values over the range), then refined at
half the spacing around the coarse bend; the bend is then found again over
every k tried (the line still joins the ends of the range).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from analysis.coherence import npmi_coherence, topic_diversity

GOOD_STABILITY = 0.5
GOOD_NPMI = 0.0
GOOD_DISTINCT = 0.5
GOOD_SHARE = 0.5
COARSE_POINTS = 9
RULE = (
    "the bend (knee) of the mean coherence curve: among the k where at least half the topics are "
    "good (or every k if none is), the k whose mean NPMI of its topics' top 10 words, averaged "
    "over the seeds, lies farthest from the straight line joining the first and last k tried "
    "(Satopaa et al. 2011); ties go to the smaller k. A topic is good when it is "
    f"stable (mean matched Jaccard of its top 10 words with the other seeds' fits >= "
    f"{GOOD_STABILITY}), coherent (NPMI > {GOOD_NPMI}) and distinct (>= {GOOD_DISTINCT:.0%} of "
    "its top 10 words in no other topic's top 10)"
)

#: fit(k, seed) -> components (k x n_terms) of a model fitted from that random start.
FitComponents = Callable[[int, int], np.ndarray]
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class SweepPoint:
    """The scores of one candidate number of topics (means over the seeds' fits)."""

    k: int
    coherence: float
    diversity: float
    stability: float
    good: float


def coarse_grid(low: int, high: int, points: int = COARSE_POINTS) -> list[int]:
    """Return about `points` evenly spaced k from low to high, both included."""
    return sorted({round(float(k)) for k in np.linspace(low, high, min(points, high - low + 1))})


def fine_grid(best: int, tried: Sequence[int], low: int, high: int) -> list[int]:
    """Return untried k at half the coarse spacing around the best coarse k."""
    spacing = max(1, (max(tried) - min(tried)) // max(1, len(tried) - 1))
    step = max(1, spacing // 2)
    near = range(best - spacing + step, best + spacing, step)
    return [k for k in near if low <= k <= high and k not in tried]


def jaccard_matrix(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Return the Jaccard similarity of every pair of topics' top-term sets."""
    sets_b = [set(row) for row in second]
    return np.array([[len(set(a) & b) / len(set(a) | b) for b in sets_b] for a in first])


def topic_stability(tops: Sequence[np.ndarray]) -> np.ndarray:
    """Return, per seed and topic, the mean best-matched Jaccard with the other seeds' topics."""
    stability = np.ones((len(tops), len(tops[0])))
    for i, j in combinations(range(len(tops)), 2):
        similarity = jaccard_matrix(tops[i], tops[j])
        rows, cols = linear_sum_assignment(similarity, maximize=True)
        matched = np.zeros(len(tops[0]))
        matched[rows] = similarity[rows, cols]
        stability[i] += matched
        stability[j][cols] += similarity[rows, cols]
    return (stability - 1) / max(1, len(tops) - 1) if len(tops) > 1 else stability


def distinctness(top: np.ndarray) -> np.ndarray:
    """Return, per topic, the share of its top terms that no other topic has in its top terms."""
    counts = Counter(int(term) for row in top for term in set(row))
    return np.array([np.mean([counts[int(term)] == 1 for term in row]) for row in top])


def score_k(
    k: int, fit: FitComponents, binary: sparse.csr_matrix, n_seeds: int, seed: int
) -> SweepPoint:
    """Fit k topics once per seed and score coherence, diversity, stability and good topics."""
    rng = np.random.default_rng(seed)
    tops10, coherence, diversity, distinct = [], [], [], []
    for _ in range(n_seeds):
        order = np.argsort(-fit(k, int(rng.integers(2**31 - 1))), axis=1, kind="stable")
        tops10.append(order[:, :10])
        coherence.append(npmi_coherence(binary, order[:, :10]))
        diversity.append(topic_diversity(order[:, :25]))
        distinct.append(distinctness(order[:, :10]))
    stability = topic_stability(tops10)
    good = (stability >= GOOD_STABILITY) & (np.array(coherence) > GOOD_NPMI)
    good &= np.array(distinct) >= GOOD_DISTINCT
    return SweepPoint(
        k,
        coherence=float(np.mean(coherence)),
        diversity=float(np.mean(diversity)),
        stability=float(stability.mean()),
        good=float(good.sum(axis=1).mean()),
    )


def bend_distances(ks: Sequence[int], values: Sequence[float]) -> np.ndarray:
    """Return each point's distance from the chord joining the first and last points (scaled 0-1).

    Both axes are scaled to 0-1 first, so the distance does not depend on units.
    """
    x = np.asarray(ks, dtype=float)
    y = np.asarray(values, dtype=float)
    if len(x) < 3 or np.ptp(y) == 0:
        return np.zeros(len(x))
    x = (x - x[0]) / (x[-1] - x[0])
    y = (y - y.min()) / np.ptp(y)
    chord = y[0] + (y[-1] - y[0]) * x
    return np.abs(y - chord) / np.hypot(1.0, y[-1] - y[0])


def choose_k(points: Sequence[SweepPoint]) -> int:
    """Return the k the documented rule picks: the bend of mean coherence among worthwhile k."""
    ordered = sorted(points, key=lambda p: p.k)
    distances = bend_distances([p.k for p in ordered], [p.coherence for p in ordered])
    worthwhile = np.array([p.good >= GOOD_SHARE * p.k for p in ordered])
    if worthwhile.any():
        distances = np.where(worthwhile, distances, -1.0)
    return ordered[int(np.argmax(np.round(distances, 9)))].k


def select_k(
    fit: FitComponents,
    binary: sparse.csr_matrix,
    k_range: tuple[int, int],
    *,
    n_seeds: int,
    seed: int,
    progress: Progress,
) -> dict:
    """Sweep k over `k_range` (coarse, then refined) and return the selection record."""
    low, high = k_range
    coarse = coarse_grid(low, high)
    points: list[SweepPoint] = []
    total = len(coarse) + 4  # the refinement adds at most four k
    for k in coarse:
        progress(len(points) / total, f"Trying {k} topics")
        points.append(score_k(k, fit, binary, n_seeds, seed + k))
    for k in fine_grid(choose_k(points), coarse, low, high):
        progress(min(len(points) / total, 1.0), f"Trying {k} topics")
        points.append(score_k(k, fit, binary, n_seeds, seed + k))
    points.sort(key=lambda p: p.k)
    return {
        "k": [p.k for p in points],
        "coherence": [round(p.coherence, 6) for p in points],
        "diversity": [round(p.diversity, 6) for p in points],
        "stability": [round(p.stability, 6) for p in points],
        "good": [round(p.good, 3) for p in points],
        "chosen": choose_k(points),
        "rule": RULE,
        "seeds": n_seeds,
    }
