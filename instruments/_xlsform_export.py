"""Write an instrument as an XLSForm workbook (.xlsx) that imports back to the same instrument.

Each section is a ``begin group`` ... ``end group``; each item a row whose
type, relevant, constraint and required say in XLSForm what Heard says. What
XLSForm has no column for (why we ask, sensitivity, non-answers, consent,
contact ...) goes into ``heard_`` columns, which pyxform and ODK pass over
and :func:`instruments.xlsform.load_xlsform` reads back.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from instruments._validate_answers import DEFAULT_MAX_LENGTH
from instruments._xlsform_expressions import number_text, quote
from instruments._xlsform_settings import SUPPORT_FIELDS, TEXT_SETTINGS, VALUE_SETTINGS
from instruments.conditions import (
    And,
    Compare,
    Condition,
    ItemRef,
    Literal,
    Membership,
    Node,
    Not,
    Or,
)
from instruments.schema import Choice, Instrument, Item, Section, Text, language_name

Row = dict[str, str]
_DEFAULT_NON_ANSWERS = ("prefer_not_to_say",)
_SURVEY_ORDER = (
    "type",
    "name",
    "label",
    "hint",
    "relevant",
    "required",
    "constraint",
    "appearance",
    "heard_why_we_ask",
    "heard_sensitive",
    "heard_non_answers",
    "heard_self_describe",
    "heard_content_note",
    "heard_skippable",
)
_TYPES = {"short_text": "text", "long_text": "text", "month_year": "date", "note": "note"}
_APPEARANCES = {"long_text": "multiline", "month_year": "month-year", "scale": "likert"}


def dump_xlsform(instrument: Instrument, path: str | os.PathLike[str] | BinaryIO) -> None:
    """Write `instrument` as an XLSForm workbook (.xlsx) at `path`.

    Parameters
    ----------
    instrument
        A validated instrument.
    path
        Where to write the workbook: a path, or a binary stream.

    Examples
    --------
    >>> import io
    >>> from instruments import load_library
    >>> stream = io.BytesIO()
    >>> dump_xlsform(load_library("police-response"), stream)
    >>> stream.getvalue()[:2]
    b'PK'
    """
    labels = {code: f"{language_name(code)} ({code})" for code in instrument.languages}
    writer = _Writer(labels)
    survey = [row for section in instrument.sections for row in writer.section_rows(section)]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    _write(sheet, survey, _SURVEY_ORDER)
    _write(workbook.create_sheet("choices"), writer.choices, ("list_name", "name", "label"))
    settings = _settings_row(instrument, writer)
    _write(workbook.create_sheet("settings"), [settings], tuple(settings))
    workbook.save(path)


class _Writer:
    """Rows of the survey and choices sheets; identical choice lists are written once."""

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels
        self.choices: list[Row] = []
        self.lists: dict[tuple, str] = {}

    def texts(self, column: str, text: Text | None) -> Row:
        """Return one cell per language of `text` (``label::English (en)``)."""
        if text is None:
            return {}
        return {
            f"{column}::{self.labels[code]}": value
            for code, value in text.translations.items()
            if code in self.labels
        }

    def section_rows(self, section: Section) -> Iterator[Row]:
        row: Row = {"type": "begin group", "name": section.id}
        row |= self.texts("label", section.title) | self.texts("hint", section.intro)
        row |= self.texts("heard_content_note", section.content_note)
        if section.show_if is not None:
            row["relevant"] = condition_to_relevant(section.show_if)
        if section.sensitive:
            row["heard_sensitive"] = "yes"
        if section.skippable != section.sensitive:
            row["heard_skippable"] = "yes" if section.skippable else "no"
        yield row
        for item in section.items:
            yield self.item_row(item)
        yield {"type": "end group"}

    def item_row(self, item: Item) -> Row:
        row: Row = {"type": self._type(item), "name": item.id}
        row |= self.texts("label", item.label) | self.texts("hint", item.hint)
        row |= self.texts("heard_why_we_ask", item.why_we_ask)
        optional = {
            "relevant": condition_to_relevant(item.show_if) if item.show_if else "",
            "required": "yes" if item.required else "",
            "constraint": _constraint(item),
            "appearance": _APPEARANCES.get(item.type, ""),
            "heard_sensitive": "yes" if item.sensitive else "",
            "heard_self_describe": item.self_describe or "",
        }
        if item.answerable and item.non_answers != _DEFAULT_NON_ANSWERS:
            optional["heard_non_answers"] = " ".join(item.non_answers)
        return row | {key: value for key, value in optional.items() if value}

    def _type(self, item: Item) -> str:
        if item.type == "number":
            return "integer" if item.integer else "decimal"
        if item.type == "multiple_choice":
            return f"select_multiple {self._list(item)}"
        if item.type in ("single_choice", "scale", "yes_no"):
            return f"select_one {self._list(item)}"
        return _TYPES[item.type]

    def _list(self, item: Item) -> str:
        """Return the name of the list of `item`'s choices, writing it the first time."""
        choices = item.choices or tuple(
            Choice(value, Text(dict.fromkeys(self.labels, value.title())))
            for value in ("yes", "no")
        )
        key = tuple((choice.value, choice.label) for choice in choices)
        if key not in self.lists:
            self.lists[key] = item.id
            for choice in choices:
                row = {"list_name": item.id, "name": choice.value}
                self.choices.append(row | self.texts("label", choice.label))
        return self.lists[key]


def _constraint(item: Item) -> str:
    if item.type == "number":
        return bounds_to_constraint(item.min, item.max, None)
    if item.type in DEFAULT_MAX_LENGTH and item.max_length != DEFAULT_MAX_LENGTH[item.type]:
        return bounds_to_constraint(None, None, item.max_length)
    return ""


def _settings_row(instrument: Instrument, writer: _Writer) -> Row:
    default = instrument.default_language
    row: Row = {
        "form_title": instrument.title.get(default),
        "form_id": instrument.id,
        "version": instrument.version,
        "default_language": writer.labels[default],
    }
    others = {c: t for c, t in instrument.title.translations.items() if c != default}
    row |= writer.texts("heard_title", Text(others)) if others else {}
    for column, path, _asks in TEXT_SETTINGS:
        row |= writer.texts(column, _at(instrument, path))
    for column, path in VALUE_SETTINGS:
        value = _at(instrument, path)
        if isinstance(value, bool):  # quote_consent: written only when asked, as XLSForm's yes
            row |= {column: "yes"} if value else {}
        elif value is not None:
            row[column] = str(value)
    for code, resources in instrument.support.items():
        for number, resource in enumerate(resources, start=1):
            for field in SUPPORT_FIELDS:
                value = getattr(resource, field)
                if value is not None:
                    row[f"heard_support_{number}_{field}::{writer.labels[code]}"] = value
    return row


def _at(instrument: Instrument, path: str) -> object:
    value: object = instrument
    for key in path.split("."):
        value = getattr(value, key)
    return value


def _write(sheet: Worksheet, rows: list[Row], order: tuple[str, ...]) -> None:
    """Write `rows` under a header of every column used, in `order` then as first seen."""
    columns: list[str] = []
    for row in rows:
        columns += [column for column in row if column not in columns]
    rank = {name: index for index, name in enumerate(order)}
    columns.sort(key=lambda column: rank.get(column.split("::")[0], len(rank)))
    sheet.append(columns)
    for number, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            value = row.get(column)
            if value:
                cell = sheet.cell(number, index, value)
                cell.data_type = "s"  # text, never a formula, whatever it starts with


# --- show_if -> relevant (export) ---------------------------------------------------


def condition_to_relevant(condition: Condition) -> str:
    """Return an XLSForm relevant that says what `condition` says.

    Examples
    --------
    >>> from instruments.conditions import parse_condition
    >>> condition_to_relevant(parse_condition("a == 'x' or not ('y' in b)"))
    "${a} = 'x' or not(selected(${b}, 'y'))"
    """
    return _render(condition.expression)


def _render(node: Node) -> str:
    if isinstance(node, Or | And):
        joiner = " or " if isinstance(node, Or) else " and "
        return joiner.join(_grouped(operand) for operand in node.operands)
    if isinstance(node, Not):
        return f"not({_render(node.operand)})"
    if isinstance(node, Membership):
        selected = f"selected(${{{node.item.name}}}, {_operand(node.value)})"
        return f"not({selected})" if node.negated else selected
    if isinstance(node, Compare):
        operator = "=" if node.operator == "==" else node.operator
        return f"{_operand(node.left)} {operator} {_operand(node.right)}"
    return _operand(node)


def _grouped(node: Node) -> str:
    text = _render(node)
    return f"({text})" if isinstance(node, Or | And) else text


def _operand(node: Node) -> str:
    if isinstance(node, ItemRef):
        return f"${{{node.name}}}"
    if isinstance(node, Literal):
        value = node.value
        if isinstance(value, bool):
            return "true()" if value else "false()"
        if isinstance(value, str):
            return quote(value)
        return str(value)
    return f"({_render(node)})"


def bounds_to_constraint(low: float | None, high: float | None, max_length: int | None) -> str:
    """Return an XLSForm constraint for number bounds or a maximum text length ("" for none)."""
    parts = []
    if low is not None:
        parts.append(f". >= {number_text(float(low))}")
    if high is not None:
        parts.append(f". <= {number_text(float(high))}")
    if max_length is not None:
        parts.append(f"string-length(.) <= {max_length}")
    return " and ".join(parts)
