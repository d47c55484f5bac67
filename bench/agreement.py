"""Benchmark: Krippendorff's alpha over 10,000 units by 5 coders, ours against the package.

Run with ``.venv/bin/python bench/agreement.py``. It times each level on the
same data for `coding.agreement.krippendorff_alpha` and for the package (the
baseline), checks that both give the same alpha, and prints the ratio. It then
times continuous ratings (ours only: ratio alpha is O(V^2) in the number V of
distinct values) and unitising a 100,000-character transcript at character
level. Not a test: timings depend on the machine. Takes a few seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import krippendorff
import numpy as np

from coding.agreement import agreement_by_code, krippendorff_alpha
from coding.model import Code, Coding, Document
from coding.units import reliability_matrix

CODERS, UNITS, MISSING, SCALE = 5, 10_000, 0.10, 5
CONTINUOUS_UNITS = 2_000
LEVELS = ("nominal", "ordinal", "interval", "ratio")
BUDGET = 1.0  # seconds: the promise made to the web app


def best_time(run: Callable[[], object], repeat: int = 5) -> float:
    """Return the fastest of `repeat` runs, in seconds (the least disturbed by other work)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def reliability_data(seed: int = 0) -> np.ndarray:
    """Return coders x units ratings on a 1-5 scale, about 10% missing (NaN)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, SCALE + 1, UNITS)
    noise = rng.integers(-1, 2, (CODERS, UNITS)) * (rng.random((CODERS, UNITS)) < 0.3)
    data = np.clip(truth + noise, 1, SCALE).astype(float)
    data[rng.random(data.shape) < MISSING] = np.nan
    return data


def compare_alpha(data: np.ndarray) -> float:
    """Print ours against the package at each level; return our slowest time."""
    print(f"alpha over {UNITS:,} units x {CODERS} coders, {MISSING:.0%} missing, scale 1-{SCALE}")
    print(f"{'level':<10}{'ours (ms)':>12}{'package (ms)':>15}{'ours/package':>15}  alpha")
    slowest = 0.0
    for level in LEVELS:
        ours = best_time(lambda level=level: krippendorff_alpha(data, level))
        theirs = best_time(
            lambda level=level: krippendorff.alpha(
                reliability_data=data, level_of_measurement=level
            )
        )
        value = krippendorff_alpha(data, level)
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        same = "same" if abs(value - expected) < 1e-9 else f"DIFFERS from {expected:.6f}"
        print(
            f"{level:<10}{ours * 1e3:>12.1f}{theirs * 1e3:>15.1f}{ours / theirs:>15.2f}  "
            f"{value:.4f} ({same})"
        )
        slowest = max(slowest, ours)
    return slowest


def time_continuous() -> None:
    """Print our times on continuous ratings, where nearly every value is distinct.

    The package is not run: its coincidence step allocates units x V x V
    floats (V distinct values, here about 9,000), far beyond memory. Ratio
    alpha is O(V^2), so 2,000 units keep the run short; 10,000 units (45,000
    values) take about 25 times as long at ratio level.
    """
    rng = np.random.default_rng(2)
    data = rng.uniform(0, 100, (CODERS, CONTINUOUS_UNITS))
    data[rng.random(data.shape) < MISSING] = np.nan
    print(f"\ncontinuous ratings, {CONTINUOUS_UNITS:,} units (~9,000 distinct values), ours only:")
    for level in LEVELS:
        seconds = best_time(lambda level=level: krippendorff_alpha(data, level), 1)
        print(f"  {level:<10}{seconds * 1e3:>10.1f} ms")


def time_unitising() -> None:
    """Print the time to unitise and tabulate a 100,000-character transcript at character level."""
    rng = np.random.default_rng(1)
    text = ("They kept my passport. I worked every day and was never paid.\n" * 1700)[:100_000]
    document = Document("transcript", "Interview 1", text, kind="transcript")
    codings = []
    for number in range(3_000):
        start = int(rng.integers(0, len(text) - 500))
        coder, code = ("ann", "bo", "cy")[number % 3], ("wage", "debt")[number % 2]
        codings.append(Coding(f"c{number}", document.guid, code, coder, start, start + 400))
    coders, codes = ["ann", "bo", "cy"], [Code("wage", "Wages"), Code("debt", "Debt")]
    matrix_time = best_time(
        lambda: reliability_matrix(codings, [document], coders, "wage", "character"), 3
    )
    table_time = best_time(
        lambda: agreement_by_code(codings, [document], coders, codes, "character"), 3
    )
    print(f"\nunitising {len(text):,} characters, {len(codings):,} codings, 3 coders:")
    print(f"  reliability_matrix (one code, character level): {matrix_time * 1e3:.1f} ms")
    print(f"  agreement_by_code (two codes, character level):  {table_time * 1e3:.1f} ms")


def main() -> None:
    """Run the benchmark and print the results."""
    slowest = compare_alpha(reliability_data())
    verdict = "yes" if slowest < BUDGET else "NO"
    print(f"ours under {BUDGET:g} s at every level: {verdict} (slowest {slowest * 1e3:.1f} ms)")
    time_continuous()
    time_unitising()


if __name__ == "__main__":
    main()
