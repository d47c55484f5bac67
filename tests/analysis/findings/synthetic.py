"""Made-up respondents, and a snapshot whose every count is computed from them.

Because the counts come from one set of people, they fit together exactly as
real counts do (groups add up to the base, co-occurrences fit both themes),
so an attacker model can combine them.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from analysis.findings.snapshot import Breakdown, Related, Settings, ThemeFacts
from tests.analysis.findings.sample import sample_snapshot

ANSWERS = {"gender": ("Woman", "Man", "Non-binary", "No answer"), "region": ("North", "South")}


def respondents_snapshot(seed: int, n: int, rates: tuple[float, ...], k: int = 10):
    """Return a snapshot of `n` made-up respondents with one theme per rate."""
    rng = np.random.default_rng(seed)
    gender = rng.choice(4, size=n, p=[0.6, 0.3, 0.04, 0.06])
    region = rng.choice(2, size=n, p=[0.8, 0.2])
    has = np.array([rng.random(n) < rate for rate in rates])
    ids = [f"theme-{t}" for t in range(len(rates))]
    themes = []
    for t, rate in enumerate(rates):
        breakdowns = tuple(
            Breakdown(
                item,
                item.capitalize(),
                ANSWERS[item],
                tuple(int((values == a).sum()) for a in range(len(ANSWERS[item]))),
                tuple(int(((values == a) & has[t]).sum()) for a in range(len(ANSWERS[item]))),
            )
            for item, values in (("gender", gender), ("region", region))
        )
        related = tuple(
            Related(ids[s], f"Theme {s}", int((has[t] & has[s]).sum()))
            for s in range(len(rates))
            if s != t
        )
        themes.append(
            ThemeFacts(
                id=ids[t],
                name=f"Theme {t}",
                path=f"Themes › Theme {t}",
                kind="code",
                definition=f"Made-up theme {t} (rate {rate}).",
                respondents=int(has[t].sum()),
                base=n,
                breakdowns=breakdowns,
                related=related,
            )
        )
    sample = sample_snapshot()
    study = dataclasses.replace(sample.study, responses=n, months=(("2026-10", n),), threshold=k)
    settings = Settings("Made up", tuple(ids), (), ("gender", "region"))
    return dataclasses.replace(
        sample, study=study, themes=tuple(themes), settings=settings, questions=()
    )
