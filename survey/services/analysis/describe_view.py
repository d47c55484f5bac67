"""Descriptive statistics of a study's closed questions, as the analysis pages show them.

Counts come from the answers of completed responses (a withdrawn response is
deleted, answers and all) and pass through `analysis.describe`, so every
count goes through disclosure control with the study's threshold. A missing
answer row counts as ``skipped``, as in the exports. A multiple choice
question counts each option chosen: its counts are choices, not people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis import charts
from analysis.describe import NON_ANSWERS, crosstab, frequencies
from analysis.disclosure import ProtectionError
from instruments.schema import Instrument, Item
from survey.models import Answer, Response, Study
from survey.services.analysis.corpus import closed_items
from survey.services.answers import Stored, decode
from survey.services.coding.documents import FREE_TEXT_TYPES
from survey.services.errors import ServiceError
from survey.services.review import NON_ANSWER_WORDS, YES_NO
from survey.services.studies import instrument_of

__all__ = [
    "ClosedQuestion",
    "Cross",
    "Descriptives",
    "FrequencyRow",
    "FrequencyTable",
    "ItemNotFound",
    "answers_by_response",
    "closed_questions",
    "describe",
    "is_free_text",
]

SKIPPED = "skipped"


class ItemNotFound(ServiceError):
    """The study has no closed question with that id."""


@dataclass(frozen=True)
class ClosedQuestion:
    """A closed question: its id, label and type."""

    item_id: str
    label: str
    type: str

    @property
    def multiple(self) -> bool:
        """Say whether a respondent may choose several options."""
        return self.type == "multiple_choice"


@dataclass(frozen=True)
class FrequencyRow:
    """One value of a frequency table; `count` and `percent` are None when hidden or absent."""

    value: str
    label: str
    count: int | None
    percent: float | None
    non_answer: bool


@dataclass(frozen=True)
class FrequencyTable:
    """The frequencies of one question, with the chart of its counts."""

    rows: list[FrequencyRow]
    hidden: int
    base: int
    base_complete: bool
    chart: str


@dataclass(frozen=True)
class Cross:
    """A crosstab with its totals: `cells[i][j]` is None when hidden."""

    by: ClosedQuestion
    row_labels: list[str]
    column_labels: list[str]
    cells: list[list[int | None]]
    hidden: int
    withheld: bool = False


@dataclass(frozen=True)
class Descriptives:
    """What the descriptives page of one question shows."""

    question: ClosedQuestion
    table: FrequencyTable
    cross: Cross | None
    threshold: int


def closed_questions(study: Study) -> list[ClosedQuestion]:
    """Return the study's closed questions, in instrument order."""
    instrument = instrument_of(study.instrument_version)
    return [
        ClosedQuestion(item_id, label, instrument.item(item_id).type)
        for item_id, label in closed_items(study)
    ]


def is_free_text(study: Study, item_id: str) -> bool:
    """Say whether `item_id` is a free-text question of the study (words, not descriptives)."""
    instrument = instrument_of(study.instrument_version)
    items = {item.id: item for item in instrument.answerable_items()}
    return item_id in items and items[item_id].type in FREE_TEXT_TYPES


def describe(session: Session, study: Study, item_id: str, by: str | None = None) -> Descriptives:
    """Return the frequencies of closed question `item_id`, and its crosstab by `by` if given."""
    known = {question.item_id: question for question in closed_questions(study)}
    if item_id not in known or (by is not None and (by not in known or by == item_id)):
        raise ItemNotFound(by if item_id in known else item_id)
    instrument = instrument_of(study.instrument_version)
    wanted = [item_id] if by is None else [item_id, by]
    answers = _answers(session, study, wanted)
    k = study.disclosure_threshold
    question = known[item_id]
    table = _frequency_table(instrument.item(item_id), question, answers, instrument, k)
    cross = None
    if by is not None:
        cross = _cross(instrument, question, known[by], answers, k)
    return Descriptives(question, table, cross, k)


def _answers(session: Session, study: Study, item_ids: Sequence[str]) -> list[dict[str, Stored]]:
    """Return the stored answers to `item_ids` of each completed response (missing: skipped)."""
    return list(answers_by_response(session, study, item_ids).values())


def answers_by_response(
    session: Session, study: Study, item_ids: Sequence[str]
) -> dict[str, dict[str, Stored]]:
    """Return {response id: stored answers to `item_ids`} of every completed response.

    A missing answer row is ``skipped``. The one reading of closed answers:
    the descriptives here and the findings report (services/reports) use it.
    """
    completed = select(Response.id).where(
        Response.study_id == study.id, Response.status == "completed"
    )
    found: dict[str, dict[str, Stored]] = {rid: {} for rid in session.scalars(completed)}
    rows = session.execute(
        select(Answer.response_id, Answer.item_id, Answer.value, Answer.code).where(
            Answer.response_id.in_(completed), Answer.item_id.in_(list(item_ids))
        )
    )
    for response_id, item, value, code in rows:
        found[response_id][item] = decode(value, code)
    skipped = Stored(code=SKIPPED)
    return {rid: {item: got.get(item, skipped) for item in item_ids} for rid, got in found.items()}


def _values(stored: Stored) -> list[object]:
    """Return the values one answer counts as: its code, or its value (each option chosen)."""
    if stored.code is not None:
        return [stored.code]
    if isinstance(stored.value, list):
        return list(stored.value) or [SKIPPED]
    return [SKIPPED] if stored.value is None else [stored.value]


def _labels(item: Item, instrument: Instrument, present: set[object]) -> dict[object, str]:
    """Return value -> label: the offered choices in order, then the non-answers present."""
    language = instrument.default_language
    if item.type == "yes_no":
        labels: dict[object, str] = {value: str(word) for value, word in YES_NO.items()}
    else:
        # Keyed as answers are stored: a scale point is kept as a whole number.
        stored = int if item.type == "scale" else str
        labels = {stored(choice.value): choice.label.get(language) for choice in item.choices}
    for code in NON_ANSWERS:
        if code in present:
            labels[code] = str(NON_ANSWER_WORDS[code])
    return _unique(labels)


def _unique(labels: Mapping[object, str]) -> dict[object, str]:
    """Return the labels, with the value added to any label two values share."""
    seen: dict[str, int] = {}
    for label in labels.values():
        seen[label] = seen.get(label, 0) + 1
    return {v: (f"{label} ({v})" if seen[label] > 1 else label) for v, label in labels.items()}


def _frequency_table(
    item: Item,
    question: ClosedQuestion,
    answers: list[dict[str, Stored]],
    instrument: Instrument,
    k: int,
) -> FrequencyTable:
    """Count the values of one question, through disclosure control, and chart the counts."""
    values = [value for answer in answers for value in _values(answer[item.id])]
    labels = _labels(item, instrument, set(values))
    table = frequencies(values, labels=labels, k=k)
    rows = [
        FrequencyRow(
            value=str(row.value),
            label=str(row.label),
            count=None if pd.isna(row.count) else int(row.count),
            percent=None if pd.isna(row.percent) else float(row.percent),
            non_answer=bool(row.non_answer),
        )
        for row in table.itertuples(index=False)
    ]
    noun = "choices" if question.multiple else "answers"
    chart = charts.bar_chart(
        [row.label for row in rows],
        [row.count for row in rows],
        title=f"{question.label}: number of {noun}",
        unit="",
    )
    hidden = sum(row.count is None for row in rows)
    return FrequencyTable(
        rows, hidden, int(table.attrs["percent_base"]), table.attrs["percent_base_complete"], chart
    )


def _cross(
    instrument: Instrument,
    question: ClosedQuestion,
    by: ClosedQuestion,
    answers: list[dict[str, Stored]],
    k: int,
) -> Cross:
    """Crosstab `question` (rows) by `by` (columns), with totals, through disclosure control.

    Each question's own page publishes its frequencies: a total that equals
    them (the row totals unless `by` is multiple choice, and the other way
    round) is hidden exactly as there, and the cells are protected knowing it.
    """
    pairs = [
        (row, column)
        for answer in answers
        for row in _values(answer[question.item_id])
        for column in _values(answer[by.item_id])
    ]
    row_values, column_values = [p[0] for p in pairs], [p[1] for p in pairs]
    row_item, column_item = instrument.item(question.item_id), instrument.item(by.item_id)
    published = [
        axis for axis, other in (("rows", by), ("columns", question)) if not other.multiple
    ]
    try:
        table = crosstab(
            row_values,
            column_values,
            k=k,
            row_labels=_labels(row_item, instrument, set(row_values)),
            column_labels=_labels(column_item, instrument, set(column_values)),
            published=published,
        )
    except ProtectionError:
        return Cross(by, [], [], [], 0, withheld=True)
    cells = [[None if pd.isna(v) else int(v) for v in line] for line in table.to_numpy()]
    hidden = sum(value is None for line in cells for value in line)
    return Cross(by, [str(i) for i in table.index], [str(c) for c in table.columns], cells, hidden)
