"""The model of a respondent on the tiny study: answers to draw, what must be kept.

Written from the instrument in tests/factories.py, not from the code under
test, so the state machine in test_respondent_state_machine.py has an
independent opinion of what a save or a submit keeps.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field

from hypothesis import strategies as st

from survey.models.studies import today
from survey.services.answers import Stored

# The tiny instrument (tests/factories.py): question pages, their items, the
# sensitive section that can be skipped, and the one show_if.
PAGES = {
    "about": ("contact_kind", "story"),
    "hard": ("arrested",),
    "charged": ("charged",),
    "more": ("help", "age", "when"),
}
ITEMS = tuple(item for items in PAGES.values() for item in items)
SKIPPABLE = {"hard": ("arrested", "charged")}
YES = Stored(value="yes")
SKIPPED, NOT_SHOWN = Stored(code="skipped"), Stored(code="not_shown")
PNTS = "prefer_not_to_say"


def _choice(item: str, values: tuple[str, ...], codes: tuple[str, ...] = (PNTS,)):
    return st.one_of(
        st.just(({}, SKIPPED)),
        st.sampled_from(values).map(lambda v: ({item: v}, Stored(value=v))),
        st.sampled_from(codes).map(lambda c: ({item: c}, Stored(code=c))),
    )


def _with_na(item: str, answered):
    return st.one_of(
        st.just(({}, SKIPPED)), answered, st.just(({f"{item}__na": PNTS}, Stored(code=PNTS)))
    )


TEXT = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=50
).filter(lambda t: t.strip() and unicodedata.is_normalized("NFC", t))
ANSWERS = {
    "contact_kind": _choice("contact_kind", ("called", "found")),
    "story": _with_na("story", TEXT.map(lambda t: ({"story": t}, Stored(value=t.strip())))),
    "arrested": _choice("arrested", ("yes", "no")),
    "charged": _choice("charged", ("yes", "no"), (PNTS, "dont_know")),
    "help": st.one_of(
        st.just(({}, SKIPPED)),
        st.just(({"help": PNTS}, Stored(code=PNTS))),
        st.sets(st.sampled_from(("housing", "lawyer")), min_size=1).map(
            lambda s: ({"help": sorted(s)}, Stored(value=sorted(s)))  # choice order is a-z
        ),
    ),
    "age": _with_na("age", st.integers(18, 120).map(lambda n: ({"age": str(n)}, Stored(value=n)))),
    "when": _with_na(
        "when",
        st.tuples(st.integers(1, 12), st.integers(1900, today().year)).map(
            lambda my: (
                {"when__month": str(my[0]), "when__year": str(my[1])},
                Stored(value=f"{my[1]:04d}-{my[0]:02d}"),
            )
        ),
    ),
}


def page_answers(key: str):
    """Return a strategy of (form fields, expected stored answers) for question page `key`."""

    def merge(drawn):
        form, expected = {}, {}
        for item, (fields, stored) in zip(PAGES[key], drawn, strict=True):
            form.update(fields)
            expected[item] = stored
        return form, expected

    return st.tuples(*(ANSWERS[item] for item in PAGES[key])).map(merge)


def page_shown(key: str, saved: dict[str, Stored]) -> bool:
    """Return True when question page `key` is on the path for these saved answers."""
    return key != "charged" or saved.get("arrested") == YES


def final(saved: dict[str, Stored]) -> dict[str, Stored]:
    """Return what a submit must keep: saved answers, else `skipped`; hidden: `not_shown`."""
    out = {item: saved.get(item, SKIPPED) for item in ITEMS}
    if out["arrested"] != YES:
        out["charged"] = NOT_SHOWN
    return out


@dataclass
class Draft:
    """The model of one response: what was last saved per item, and its phrases."""

    saved: dict[str, Stored] = field(default_factory=dict)
    completed: bool = False
    resume: str | None = None
    resume_page: str | None = None
    old_resumes: list[str] = field(default_factory=list)
    withdrawal: str | None = None
    withdrawal_seen: bool = False


@dataclass
class Tab:
    """One browser tab: the page it shows, and which server session rendered it."""

    path: str = ""
    html: str = field(default="", repr=False)
    generation: int = 0
    kind: str = "none"  # "page", "section", "check" or "none": what its form does
    key: str = ""


@dataclass
class Post:
    """A form post as the browser sends it (and would send it again)."""

    kind: str
    key: str
    target: str
    data: dict
    generation: int
    expected: dict[str, Stored] = field(default_factory=dict)


def row_id(token: str) -> str:
    """Return the id of the server session row kept for cookie `token`."""
    return hashlib.sha256(token.encode()).hexdigest()
