"""Themes of a findings report: codes and categories, who has them, split by answers, side by side.

A theme is a code of the study's codebook together with every code under it
at any depth: a category (not codable) is the union of its codes, and a code
with codes under it covers them too. A respondent (a coding case) has a
theme when a coding of any of those codes counts for them under the one
counting rule of the codes page (`codes_view.respondent_codes`: blind mode
through the coders the viewer may see, and the consensus alone wherever it
coded a document), so the report and the analysis pages never disagree.

The base of a theme's share is every respondent with at least one counted
coding of any code: the people whose words were coded. Respondents whose
answers nobody has coded yet cannot have a theme, so counting them would
understate every share; respondents who wrote nothing to code are not
"without the theme" either. Every theme of one report has the same base.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.findings.snapshot import Breakdown, Related
from survey.models import Code, Study
from survey.services.analysis.codes_view import (
    NO_ANSWER,
    answer_columns,
    answer_word,
)
from survey.services.analysis.describe_view import ClosedQuestion
from survey.services.analysis.drafts import CATEGORY

__all__ = ["Node", "Tree", "breakdown", "related", "respondents_with"]

SEPARATOR = " › "


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


def respondents_with(pairs: Iterable[tuple[int, int]], codes: set[int]) -> set[int]:
    """Return the cases of (case, code) `pairs` that have any of `codes`."""
    return {case for case, code in pairs if code in codes}


def breakdown(
    study: Study,
    question: ClosedQuestion,
    answers: Mapping[int, str],
    base: set[int],
    having: set[int],
) -> Breakdown:
    """Return how many respondents of `base` gave each answer, and how many of them have the theme.

    `answers` maps a case to its answer (case attributes, as the codes page
    reads them); a case without one is under "No answer".
    """
    given = Counter(answers.get(case, NO_ANSWER) for case in base)
    with_theme = Counter(answers.get(case, NO_ANSWER) for case in having & base)
    columns = answer_columns(study, question.item_id, set(given))
    return Breakdown(
        item_id=question.item_id,
        question=question.label,
        answers=tuple(answer_word(column) for column in columns),
        totals=tuple(given.get(column, 0) for column in columns),
        counts=tuple(with_theme.get(column, 0) for column in columns),
    )


def related(theme_guid: str, chosen: Mapping[str, tuple[str, set[int]]]) -> tuple[Related, ...]:
    """Return every other chosen theme, in report order, with how many respondents have both.

    `chosen` maps each chosen theme's id, in report order, to (name, respondents).
    """
    _, mine = chosen[theme_guid]
    return tuple(
        Related(other, name, len(mine & theirs))
        for other, (name, theirs) in chosen.items()
        if other != theme_guid
    )
