"""Made-up respondents, and a snapshot whose every count is computed from them.

Because the counts come from one set of people, they fit together exactly as
real counts do (groups add up to the base, co-occurrences fit both themes),
so an attacker model can combine them.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from analysis.findings.snapshot import (
    Breakdown,
    FrequencyFacts,
    FrequencyRow,
    Related,
    Settings,
    ThemeFacts,
)
from tests.analysis.findings.sample import sample_snapshot

ANSWERS = {"gender": ("Woman", "Man", "Non-binary", "No answer"), "region": ("North", "South")}


ROUTE = ("Police", "Charity", "Friend", "Prefer not to say", "Not asked")
HELP = ("Food", "Housing", "Money", "Lawyer", "Not answered", "Not asked")


def _asked_questions(seed: int, n: int, not_asked: int):
    """Return made-up answers to a single- and a multiple-choice question shown to some people.

    Returns (route: the single answer's position in ROUTE per respondent, the
    two FrequencyFacts). The same `not_asked` respondents were shown neither.
    """
    rng = np.random.default_rng(seed + 1000)
    asked = np.ones(n, dtype=bool)
    asked[rng.choice(n, size=not_asked, replace=False)] = False
    route = np.where(asked, rng.choice(4, size=n, p=[0.45, 0.3, 0.17, 0.08]), 4)
    chosen = np.array([rng.random(n) < rate for rate in (0.6, 0.35, 0.12, 0.5)]) & asked
    shown = [i for i in range(len(ROUTE)) if i < 3 or (route == i).any()]
    single = FrequencyFacts(
        "route",
        "Route",
        False,
        tuple(FrequencyRow(ROUTE[i], int((route == i).sum()), i >= 3) for i in shown),
        int(asked.sum()),
    )
    none = asked & ~chosen.any(axis=0)
    counts = [*(int(c.sum()) for c in chosen), int(none.sum()), int((~asked).sum())]
    multiple = FrequencyFacts(
        "help",
        "Help",
        True,
        tuple(
            FrequencyRow(HELP[i], counts[i], i >= 4) for i in range(len(HELP)) if i < 4 or counts[i]
        ),
        int(asked.sum()),
    )
    return route, shown, (single, multiple)


def respondents_snapshot(
    seed: int, n: int, rates: tuple[float, ...], k: int = 10, not_asked: int | None = None
):
    """Return a snapshot of `n` made-up respondents with one theme per rate.

    With `not_asked`, it also has two closed questions that many respondents
    were not shown (a single-choice one, "route", which the themes are broken
    down by too, and a multiple-choice one, "help").
    """
    rng = np.random.default_rng(seed)
    gender = rng.choice(4, size=n, p=[0.6, 0.3, 0.04, 0.06])
    region = rng.choice(2, size=n, p=[0.8, 0.2])
    has = np.array([rng.random(n) < rate for rate in rates])
    answers, by = dict(ANSWERS), [("gender", gender), ("region", region)]
    questions: tuple[FrequencyFacts, ...] = ()
    if not_asked is not None:
        route, shown, questions = _asked_questions(seed, n, not_asked)
        answers["route"] = tuple(ROUTE[i] for i in shown)
        by.append(("route", np.array([shown.index(r) for r in route])))
    ids = [f"theme-{t}" for t in range(len(rates))]
    themes = []
    for t, rate in enumerate(rates):
        breakdowns = tuple(
            Breakdown(
                item,
                item.capitalize(),
                answers[item],
                tuple(int((values == a).sum()) for a in range(len(answers[item]))),
                tuple(int(((values == a) & has[t]).sum()) for a in range(len(answers[item]))),
            )
            for item, values in by
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
    items = tuple(question.item_id for question in questions)
    settings = Settings("Made up", tuple(ids), items, tuple(item for item, _ in by))
    return dataclasses.replace(
        sample, study=study, themes=tuple(themes), settings=settings, questions=questions
    )
