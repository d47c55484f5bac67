"""Benchmark: recall and precision of coding.redaction, what it finds in real narratives, speed.

Run with ``.venv/bin/python bench/redaction.py``. It prints

1. recall and precision per kind on the synthetic labelled set
   (``tests/coding/data/redaction_set.jsonl``; the rules of the count are in
   ``tests/coding/redaction_set.score``);
2. over the Federal Writers' Project narratives in
   ``../shared/data/corpora/fwp-narratives`` (public-domain testimony, no
   labels): how many spans of each kind it proposes, and 20 name and place
   proposals drawn at random with a few words either side;
3. throughput in characters per second against two baselines on the same
   text in the same run: one ``re.finditer`` for email addresses and a
   ``str.lower()`` pass, printed as ratios;
4. the time over pathological inputs (1 MB runs made to trigger catastrophic
   backtracking), which must stay in proportion to the size.

Not a test: timings depend on the machine. Takes about 20 seconds.
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coding.redaction import KINDS, propose_redactions  # noqa: E402
from coding.text import normalise  # noqa: E402
from tests.coding.redaction_set import load, score  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "corpora" / "fwp-narratives"
STRUCTURED = ("email", "phone", "postcode", "passport", "visa", "residence_permit", "ni_number")
SAMPLE = 20
CONTEXT = 30
PATHOLOGICAL = {
    "letters": "a" * 1_000_000,
    "digits": "7" * 1_000_000,
    "spaced digits": "0 " * 500_000,
    "dotted words": "a." * 500_000,
    "at signs": "a@" * 500_000,
    "capitalised words": "Ahmed " * 170_000,
    "plus and brackets": "+(0" * 333_333,
}


def ratio(part: int, whole: int) -> str:
    """Return part/whole to two places, or a dash when there is no whole."""
    return f"{part / whole:.2f}" if whole else "  - "


def report_set() -> None:
    """Print recall and precision per kind on the synthetic set, and the totals."""
    records = load()
    counts = score(records, propose_redactions)
    print(f"synthetic set: {len(records)} records")
    print(f"{'kind':<18}{'gold':>6}{'found':>7}{'recall':>8}{'proposed':>10}{'precision':>11}")
    totals = Counter()
    for kind in KINDS:
        c = counts.get(kind, {"gold": 0, "found": 0, "proposed": 0, "right": 0})
        totals.update(c)
        print(
            f"{kind:<18}{c['gold']:>6}{c['found']:>7}{ratio(c['found'], c['gold']):>8}"
            f"{c['proposed']:>10}{ratio(c['right'], c['proposed']):>11}"
        )
    structured = Counter()
    for kind in STRUCTURED:
        structured.update(counts.get(kind, {}))
    print(
        f"{'structured':<18}{structured['gold']:>6}{structured['found']:>7}"
        f"{ratio(structured['found'], structured['gold']):>8}{structured['proposed']:>10}"
        f"{ratio(structured['right'], structured['proposed']):>11}"
    )
    print(
        f"{'all':<18}{totals['gold']:>6}{totals['found']:>7}"
        f"{ratio(totals['found'], totals['gold']):>8}{totals['proposed']:>10}"
        f"{ratio(totals['right'], totals['proposed']):>11}\n"
    )


def context(text: str, start: int, end: int) -> str:
    """Return the span in brackets with a few words either side, on one line."""
    before = text[max(0, start - CONTEXT) : start].split(None, 1)[-1] if start else ""
    after = text[end : end + CONTEXT].rsplit(None, 1)[0]
    return " ".join(f"{before}[{text[start:end]}]{after}".split())


def best_time(run, repeat: int = 3) -> float:
    """Return the fastest of `repeat` runs of `run`, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def report_corpus() -> str:
    """Print what is proposed in the narratives and a sample of names and places."""
    files = sorted(CORPUS.glob("*.txt"))
    if not files:
        print(f"no corpus at {CORPUS}: skipped\n")
        return ""
    text = "\n".join(normalise(path.read_text(encoding="utf-8")) for path in files)
    started = time.perf_counter()
    found = propose_redactions(text)
    elapsed = time.perf_counter() - started
    print(f"fwp-narratives: {len(text):,} characters in {len(files)} files, {elapsed:.1f} s")
    kinds = Counter(r.kind for r in found)
    print("  proposed: " + ", ".join(f"{kind} {kinds[kind]}" for kind in KINDS if kinds[kind]))
    people = [r for r in found if r.kind in ("name", "place")]
    print(f"  {SAMPLE} name and place proposals at random (seed 0):")
    for r in sorted(random.Random(0).sample(people, min(SAMPLE, len(people)))):
        print(f"    {r.kind:<6} {context(text, r.start, r.end)}")
    print()
    return text


def report_speed(text: str) -> None:
    """Print throughput against the two baselines over the same text."""
    if not text:
        return
    email = re.compile(r"[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
    ours = best_time(lambda: propose_redactions(text))
    regex = best_time(lambda: sum(1 for _ in email.finditer(text)))
    lower = best_time(lambda: text.lower())
    rate = len(text) / ours
    print(f"throughput: {rate / 1e6:.2f} M characters/s over {len(text):,} characters")
    print(
        f"  one email re.finditer: {len(text) / regex / 1e6:.1f} M/s; ours/baseline time "
        f"{ours / regex:.1f}x"
    )
    print(
        f"  str.lower():           {len(text) / lower / 1e6:.1f} M/s; ours/baseline time "
        f"{ours / lower:.0f}x\n"
    )


def report_pathological() -> None:
    """Print the time over each pathological input (linear patterns keep these short)."""
    print("pathological inputs (about 1 MB each):")
    for name, text in PATHOLOGICAL.items():
        started = time.perf_counter()
        found = propose_redactions(text)
        print(f"  {name:<20}{time.perf_counter() - started:>7.2f} s  {len(found):>7} spans")


def main() -> None:
    """Run every report."""
    report_set()
    text = report_corpus()
    report_speed(text)
    report_pathological()


if __name__ == "__main__":
    main()
