"""Themes of a findings report: codes and categories, who has them, split by answers, side by side.

A theme is a code of the study's codebook together with every code under it
at any depth: a category (not codable) is the union of its codes, and a code
with codes under it covers them too. A respondent has a theme when a coding
of any of those codes counts for them under the one counting rule of the
codes page (`codes_view.respondent_codes`: blind mode through the coders the
viewer may see, and the consensus alone wherever it coded a document), so the
report and the analysis pages never disagree.

A report never holds a theme together with a theme nested in it (one sits
under the other in the codebook, at any depth): each count is protected on
its own, so the difference between a category's count and its code's would
count the few respondents who have the category through its other codes
only (Support 31 minus Given support 19 is 12 with no support given, 2 of
them with both). `theme_edits.add_theme` refuses such a pair
(`nested_refusal`); `gather` leaves out the nested one if a pair reaches it
anyway (a code moved under a chosen category after both were chosen).

The base of every theme's share, and the population of every breakdown, is
every completed response of the study: the same population as the study's
response count and every closed question's table in the report. One
population for every table, so no table can be differenced against another:
had the base been "respondents whose words were coded", a breakdown's group
sizes taken from a closed question's published frequencies would give away
the answers of the few respondents nobody coded. A completed respondent whose
answers nobody coded (or who wrote nothing to code) simply does not have the
theme; the methods appendix says how many texts were coded.

A coding case that is not a completed response (an interview's notes or a
transcript on an anonymous case of its own, or an unfinished response) is
outside that population: its codings do not count toward any theme, and
`gather` tells the analyst how many such coded cases were left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.findings.snapshot import Breakdown, Related
from survey.models import Code, CodingCase, Response, Study, User
from survey.services.analysis.codes_view import respondent_codes
from survey.services.analysis.drafts import CATEGORY
from survey.services.reports.facts import ClosedAnswers, completed

__all__ = [
    "Node",
    "Tree",
    "breakdown",
    "counted",
    "nested_refusal",
    "related",
    "respondents_with",
]

SEPARATOR = " › "


def nested_refusal(name: str) -> str:
    """Return why a theme cannot join one nested in it (or above it), naming the one to remove."""
    return (
        "A report shows a category or codes under it, not both: the difference between them"
        f" would count a few people. Remove “{name}” first."
    )


@dataclass(frozen=True)
class Node:
    """One code or category of the codebook."""

    id: int
    guid: str
    name: str
    parent_id: int | None
    codable: bool
    definition: str


class Tree:
    """The study's codebook as a tree: paths, what a theme covers, where a code sits."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self.by_id = {node.id: node for node in nodes}
        self.by_guid = {node.guid: node for node in self.by_id.values()}
        self.children: dict[int | None, list[int]] = {}
        for node in self.by_id.values():
            parent = node.parent_id if node.parent_id in self.by_id else None
            self.children.setdefault(parent, []).append(node.id)

    @classmethod
    def of(cls, session: Session, study: Study) -> Tree:
        """Return the codebook of `study`."""
        rows = session.scalars(select(Code).where(Code.study_id == study.id)).all()
        return cls(
            Node(row.id, row.public_id, row.name, row.parent_id, row.codable, row.definition or "")
            for row in rows
        )

    def covered(self, node_id: int) -> set[int]:
        """Return the ids of the code and every code under it, at any depth."""
        found, waiting = set(), [node_id]
        while waiting:
            current = waiting.pop()
            if current not in found:
                found.add(current)
                waiting.extend(self.children.get(current, ()))
        return found

    def nested(self, one: int, other: int) -> bool:
        """Say whether one of two different nodes sits under the other, at any depth."""
        return one != other and (other in self.covered(one) or one in self.covered(other))

    def ancestors(self, node_id: int) -> list[Node]:
        """Return the node and its parents, the top of the codebook first."""
        chain: list[Node] = []
        current: int | None = node_id
        while current in self.by_id and all(n.id != current for n in chain):
            chain.append(self.by_id[current])
            current = self.by_id[current].parent_id
        return chain[::-1]

    def path(self, node_id: int) -> str:
        """Return the names from the top of the codebook down to the node, joined by " › "."""
        return SEPARATOR.join(node.name for node in self.ancestors(node_id))

    def from_topics(self, node_id: int) -> bool:
        """Say whether the code sits in the category of codes drafted from topic models."""
        top = self.ancestors(node_id)[0]
        return top.name == CATEGORY and not top.codable and top.id != node_id


def counted(
    session: Session, study: Study, viewer: User
) -> tuple[set[str], set[tuple[str, int]], int]:
    """Return the base, the (respondent, code) pairs that count, and the coded cases left out.

    The base is every completed response of the study (response ids); a pair
    is a completed response whose case has a coding of the code that counts
    for `viewer`. The last figure is how many cases with a counted coding are
    not a completed response (their codings count toward no theme).
    """
    base = set(session.scalars(select(Response.id).where(*completed(study))))
    response_of = dict(
        session.execute(
            select(CodingCase.id, CodingCase.response_id).where(
                CodingCase.study_id == study.id, CodingCase.response_id.is_not(None)
            )
        ).all()
    )
    pairs: set[tuple[str, int]] = set()
    outside: set[int] = set()
    for case, code in respondent_codes(session, study, viewer):
        respondent = response_of.get(case)
        if respondent in base:
            pairs.add((respondent, code))
        else:
            outside.add(case)
    return base, pairs, len(outside)


def respondents_with(pairs: Iterable[tuple[str, int]], codes: set[int]) -> set[str]:
    """Return the respondents of (respondent, code) `pairs` that have any of `codes`."""
    return {respondent for respondent, code in pairs if code in codes}


def breakdown(answers: ClosedAnswers, base: set[str], having: set[str]) -> Breakdown:
    """Return how many respondents of `base` gave each answer, and how many of them have the theme.

    `answers` are every completed response's answers, labelled as the
    question's frequency table labels them (`facts.closed_answers`), so with
    the base of every completed response the group sizes are that table's
    counts.
    """
    given = Counter(row for rid in base for row in answers.given.get(rid, ()))
    with_theme = Counter(row for rid in having & base for row in answers.given.get(rid, ()))
    positions = range(len(answers.rows))
    return Breakdown(
        item_id=answers.question.item_id,
        question=answers.question.label,
        answers=tuple(label for label, _ in answers.rows),
        totals=tuple(given[i] for i in positions),
        counts=tuple(with_theme[i] for i in positions),
    )


def related(theme_guid: str, chosen: Mapping[str, tuple[str, set[str]]]) -> tuple[Related, ...]:
    """Return every other chosen theme, in report order, with how many respondents have both.

    `chosen` maps each chosen theme's id, in report order, to (name, respondents).
    """
    _, mine = chosen[theme_guid]
    return tuple(
        Related(other, name, len(mine & theirs))
        for other, (name, theirs) in chosen.items()
        if other != theme_guid
    )
