"""Export completed responses: one row each, one column per item, and a data dictionary.

Rows are written as they are read, in batches, so memory does not grow with
the number of responses. Non-answers are written as their codes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments.schema import NON_ANSWER_CODES, Instrument, Item
from survey.models import Answer, InstrumentVersion, Response, Study
from survey.services.answers import Stored, decode
from survey.services.review import NON_ANSWER_WORDS
from survey.services.studies import instrument_of

BATCH = 500
FIXED_COLUMNS = (
    "response_id",
    "instrument_id",
    "instrument_version",
    "language",
    "mode",
    "completed_on",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One exported variable: its name, label, type, the item and, for 0/1 columns, the option."""

    name: str
    label: str
    type: str
    item: Item | None = None
    option: str | None = None
    described: bool = False


@dataclass(frozen=True)
class Written:
    """What an export wrote."""

    rows: int
    dictionary: Path


def columns_for(instrument: Instrument) -> list[Column]:
    """Return the item columns of `instrument`: multiple choice as one 0/1 column per option."""
    language = instrument.default_language
    columns: list[Column] = []
    for item in instrument.answerable_items():
        label = item.label.get(language)
        if item.type == "multiple_choice":
            for choice in item.choices:
                option_label = f"{label} - {choice.label.get(language)}"
                columns.append(
                    Column(f"{item.id}__{choice.value}", option_label, "binary", item, choice.value)
                )
        else:
            columns.append(Column(item.id, label, item.type, item))
        if item.self_describe:
            columns.append(
                Column(
                    f"{item.id}__text",
                    f"{label} - in own words",
                    "short_text",
                    item,
                    described=True,
                )
            )
    return columns


def neutralise(cell: object) -> object:
    """Stop a spreadsheet from reading text as a formula (prefix a quote)."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def cell_for(column: Column, answers: dict[str, Stored]) -> object:
    """Return the exported cell of `column` for one response's answers."""
    assert column.item is not None
    key = f"{column.item.id}__text" if column.described else column.item.id
    stored = answers.get(key)
    if column.described:
        return neutralise(stored.value) if stored and stored.value is not None else ""
    if stored is None:
        return "skipped"
    if stored.code is not None:
        return stored.code
    if column.option is not None:
        return 1 if column.option in (stored.value or []) else 0
    return neutralise(stored.value)


def _responses(session: Session, study: Study) -> Iterator[tuple[Response, str, str]]:
    query = (
        select(Response, InstrumentVersion.instrument_key, InstrumentVersion.version_label)
        .join(InstrumentVersion, Response.instrument_version_id == InstrumentVersion.id)
        .where(Response.study_id == study.id, Response.status == "completed")
        .order_by(Response.id)
        .execution_options(yield_per=BATCH)
    )
    for row in session.execute(query):
        yield tuple(row)


def _batches(session: Session, study: Study) -> Iterator[list[tuple[Response, str, str, dict]]]:
    batch: list[tuple[Response, str, str]] = []
    for entry in _responses(session, study):
        batch.append(entry)
        if len(batch) == BATCH:
            yield _with_answers(session, batch)
            batch = []
    if batch:
        yield _with_answers(session, batch)


def _with_answers(session: Session, batch: list) -> list:
    ids = [response.id for response, _, _ in batch]
    answers: dict[str, dict[str, Stored]] = {i: {} for i in ids}
    rows = session.execute(
        select(Answer.response_id, Answer.item_id, Answer.value, Answer.code).where(
            Answer.response_id.in_(ids)
        )
    )
    for response_id, item_id, value, code in rows:
        answers[response_id][item_id] = decode(value, code)
    return [(r, key, label, answers[r.id]) for r, key, label in batch]


def export_csv(session: Session, study: Study, out: Path) -> Written:
    """Write the study's completed responses to `out` and a dictionary beside it."""
    instrument = instrument_of(study.instrument_version)
    columns = columns_for(instrument)
    count = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*FIXED_COLUMNS, *(c.name for c in columns)])
        for batch in _batches(session, study):
            for response, key, label, answers in batch:
                fixed = [
                    response.id,
                    key,
                    label,
                    response.language,
                    response.mode,
                    response.completed_on,
                ]
                writer.writerow([*fixed, *(cell_for(c, answers) for c in columns)])
                count += 1
    dictionary = out.with_name(out.stem + "_dictionary.csv")
    write_dictionary(instrument, columns, dictionary)
    return Written(count, dictionary)


def _codes(column: Column, language: str) -> str:
    pairs: list[tuple[str, str]] = []
    item = column.item
    if column.option is not None:
        pairs = [("1", "chosen"), ("0", "not chosen")]
    elif item is not None and item.type == "yes_no":
        pairs = [("yes", "Yes"), ("no", "No")]
    elif item is not None and item.type in ("single_choice", "scale"):
        pairs = [(str(c.value), c.label.get(language)) for c in item.choices]
    if not column.described:
        pairs += [(code, NON_ANSWER_WORDS[code]) for code in NON_ANSWER_CODES]
    return "; ".join(f"{code}={label}" for code, label in pairs)


def write_dictionary(instrument: Instrument, columns: list[Column], path: Path) -> None:
    """Write the data dictionary: variable, label, type, codes and labels, condition."""
    language = instrument.default_language
    fixed = [
        ("response_id", "Random response identifier", "text", ""),
        ("instrument_id", "Instrument identifier", "text", ""),
        ("instrument_version", "Instrument version answered", "text", ""),
        ("language", "Language the respondent chose", "text", ""),
        (
            "mode",
            "How the instrument was answered",
            "text",
            "self=Self-completed; interviewer=Interviewer",
        ),
        ("completed_on", "Day the response was submitted (no time of day is kept)", "date", ""),
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["variable", "label", "type", "codes", "item_id", "show_if", "instrument_version"]
        )
        for name, label, kind, codes in fixed:
            writer.writerow([name, label, kind, codes, "", "", instrument.version])
        for column in columns:
            item = column.item
            condition = item.show_if.source if item and item.show_if else ""
            writer.writerow(
                [
                    column.name,
                    neutralise(column.label),
                    column.type,
                    _codes(column, language),
                    item.id if item else "",
                    condition,
                    instrument.version,
                ]
            )
