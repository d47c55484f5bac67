"""Read the choices sheet into lists, with Heard values for the XLSForm names.

A choice named like one of Heard's own non-answers (``dont_know``,
``not_applicable``, ``prefer_not_to_say``) is not kept as a choice: the item
offers that non-answer instead, stored as its own code. Other names that are
not valid Heard values are changed deterministically, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from instruments._xlsform_columns import check_row
from instruments._xlsform_context import Context, Languages
from instruments._xlsform_names import Namer, choice_value
from instruments._xlsform_sheets import CHOICES, Row, Sheet
from instruments.errors import ErrorCode
from instruments.schema import OFFERED_NON_ANSWERS

LIST_NAME = "list name"
_INTEGER = re.compile(r"-?\d+")
SCALE_SIZES = range(2, 12)


@dataclass(frozen=True)
class Option:
    """One choice of a list: its row, XLSForm name, Heard value and label by language."""

    row: Row
    name: str
    value: str
    label: dict[str, str] | None


@dataclass
class ChoiceList:
    """A list of the choices sheet, as Heard will offer it."""

    name: str
    options: list[Option] = field(default_factory=list)
    non_answers: list[str] = field(default_factory=list)

    @property
    def values(self) -> dict[str, str]:
        """Return each XLSForm name -> its Heard value (non-answers keep their code)."""
        return {option.name: option.value for option in self.options} | {
            code: code for code in self.non_answers
        }

    def is_yes_no(self, language: str) -> bool:
        """Return True when the list is exactly yes and no, labelled Yes and No (or unlabelled)."""
        if self.non_answers or sorted(o.name.lower() for o in self.options) != ["no", "yes"]:
            return False
        return all(
            option.label is None or option.label.get(language, "").strip().lower() == option.value
            for option in self.options
        )

    def is_scale(self) -> bool:
        """Return True when every name is a whole number and there are 2 to 11 of them."""
        names = [option.name for option in self.options]
        return len(names) in SCALE_SIZES and all(_INTEGER.fullmatch(name) for name in names)


def read_choice_lists(
    ctx: Context, sheet: Sheet | None, languages: Languages
) -> dict[str, ChoiceList]:
    """Return the lists of the choices sheet by name."""
    if sheet is None or not sheet.rows:
        return {}
    for column in (LIST_NAME, "name"):
        if not sheet.has(column):
            ctx.report(
                ErrorCode.XLSFORM_COLUMN_MISSING, CHOICES, 1, sheet_name=CHOICES, column=column
            )
            return {}
    lists: dict[str, ChoiceList] = {}
    namers: dict[str, Namer] = {}
    for row in sheet.rows:
        list_name, name = row.get(LIST_NAME), row.get("name")
        if not list_name:
            continue
        if not name:
            ctx.report(ErrorCode.MISSING_KEY, CHOICES, row.number, key="name")
            continue
        check_row(ctx, row)
        choice_list = lists.setdefault(list_name, ChoiceList(list_name))
        namer = namers.setdefault(list_name, _namer_for(sheet, list_name))
        _add_option(ctx, choice_list, namer, row, name, languages)
    return lists


def _namer_for(sheet: Sheet, list_name: str) -> Namer:
    """Return a namer for the values of one list, valid names reserved first."""
    namer = Namer(make=choice_value)
    namer.reserve(row.get("name") or "" for row in sheet.rows if row.get(LIST_NAME) == list_name)
    return namer


def _add_option(
    ctx: Context, choices: ChoiceList, namer: Namer, row: Row, name: str, languages: Languages
) -> None:
    if name in OFFERED_NON_ANSWERS:
        if name not in choices.non_answers:
            choices.non_answers.append(name)
            words = f"'{name.replace('_', ' ')}' ({name})"
            code = ErrorCode.XLSFORM_NON_ANSWER_CHOICE
            ctx.warn(code, CHOICES, row.number, value=name, non_answer=words)
        return
    repeated = any(option.name == name for option in choices.options)  # DUPLICATE_CHOICE later
    value = namer.name(name)
    if value != name and not repeated:
        ctx.warn(
            ErrorCode.XLSFORM_NAME_CHANGED,
            CHOICES,
            row.number,
            old=name,
            what="choice value",
            new=value,
        )
    choices.options.append(Option(row, name, value, languages.text(row, "label")))
