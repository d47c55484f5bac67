"""Turn one survey row into a Heard item (a mapping for the YAML document).

The first step, :func:`plan_question`, settles the Heard type (a list of yes
and no is a yes_no item, a ``likert`` list of whole numbers is a scale, a
``multiline`` text is long_text ...), so that a later ``relevant`` can be
read knowing what each question holds. The second, :func:`item_document`,
writes the item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyxform import aliases

from instruments._xlsform_choices import ChoiceList
from instruments._xlsform_context import Context, Languages
from instruments._xlsform_expressions import Bounds, Reference, constraint_to_bounds
from instruments._xlsform_sheets import SURVEY, Row
from instruments._xlsform_types import (
    ACKNOWLEDGE,
    DATE,
    DECIMAL,
    INTEGER,
    RANGE,
    SELECT_MULTIPLE,
    SELECT_ONE,
    TEXT,
    RowType,
)
from instruments.errors import ErrorCode

_SIMPLE_TYPES = {TEXT: "short_text", INTEGER: "number", DECIMAL: "number", DATE: "month_year"}
_PARAMETER = re.compile(r"(\w+)\s*=\s*(-?[\d.]+)")
_ACKNOWLEDGE = (
    "became a yes/no question: Heard lets a respondent decline anything, so an "
    "acknowledgement needs a 'No' as well; check that its label reads as a question"
)


@dataclass(frozen=True)
class Planned:
    """A survey row that will become an item: its Heard id and type, and its list."""

    row: Row
    row_type: RowType
    id: str
    type: str
    choices: ChoiceList | None = None

    def reference(self) -> Reference:
        """Return what a relevant naming this question needs to know."""
        values = self.choices.values if self.choices else {}
        return Reference(self.id, self.type, values)


def plan_question(
    ctx: Context,
    row: Row,
    row_type: RowType,
    item_id: str,
    lists: dict[str, ChoiceList],
    language: str,
) -> Planned | None:
    """Return the plan for a question row, or None when it cannot be imported (reported)."""
    kind = row_type.kind
    if kind in (SELECT_ONE, SELECT_MULTIPLE):
        choices = lists.get(row_type.list_name)
        if choices is None or not (choices.options or choices.non_answers):
            ctx.report(ErrorCode.XLSFORM_LIST_MISSING, SURVEY, row.number, value=row_type.list_name)
            return None
        return Planned(
            row, row_type, item_id, _choice_type(row, row_type, choices, language), choices
        )
    if kind == TEXT and "multiline" in _appearance(row):
        return Planned(row, row_type, item_id, "long_text")
    if kind == ACKNOWLEDGE:
        return Planned(row, row_type, item_id, "yes_no")
    if kind == RANGE:
        return Planned(row, row_type, item_id, "scale" if _range_points(row) else "number")
    return Planned(row, row_type, item_id, _SIMPLE_TYPES.get(kind, kind))


def _choice_type(row: Row, row_type: RowType, choices: ChoiceList, language: str) -> str:
    if row_type.kind == SELECT_MULTIPLE:
        return "multiple_choice"
    if "likert" in _appearance(row) and choices.is_scale() and not row_type.specify_other:
        return "scale"
    if choices.is_yes_no(language) and not row_type.specify_other:
        return "yes_no"
    return "single_choice"


def _appearance(row: Row) -> list[str]:
    return (row.get("appearance") or "").lower().split()


def _range_points(row: Row) -> list[int] | None:
    """Return the points of a range of 2 to 11 whole numbers, or None."""
    start, end, step = _range_parameters(row)
    if not all(float(n).is_integer() for n in (start, end, step)) or step <= 0:
        return None
    points = list(range(int(start), int(end) + 1, int(step)))
    return points if 2 <= len(points) <= 11 and points[-1] == end else None


def _range_parameters(row: Row) -> tuple[float, float, float]:
    found = {key.lower(): value for key, value in _PARAMETER.findall(row.get("parameters") or "")}
    try:
        return (
            float(found.get("start", 1)),
            float(found.get("end", 10)),
            float(found.get("step", 1)),
        )
    except ValueError:
        return (1.0, 10.0, 1.0)


def item_document(
    ctx: Context, plan: Planned, languages: Languages, show_if: str | None
) -> dict[str, object]:
    """Return the item for `plan` as a mapping of the YAML document."""
    row = plan.row
    item: dict[str, object] = {"id": plan.id, "type": plan.type}
    _put(item, "label", languages.text(row, "label"))
    _put(item, "hint", languages.text(row, "hint"))
    _put(item, "why_we_ask", languages.text(row, "heard_why_we_ask"))
    if plan.type != "note":
        _put(item, "required", _required(ctx, row))
        _put(item, "sensitive", flag(row.get("heard_sensitive")))
        _put(item, "non_answers", _non_answers(row, plan.choices))
    _put(item, "show_if", show_if)
    item.update(_answer_fields(ctx, plan, languages))
    _warn_conversion(ctx, plan)
    return item


def _put(mapping: dict[str, object], key: str, value: object) -> None:
    if value is not None:
        mapping[key] = value


def flag(text: str | None) -> bool | str | None:
    """Return yes/no/true/false as a bool; anything else as written (Heard reports it)."""
    if text is None:
        return None
    return aliases.yes_no.get(text.strip(), text)


def _required(ctx: Context, row: Row) -> bool | None:
    written = row.get("required")
    if written is None:
        return None
    value = aliases.yes_no.get(written.strip())
    if value is None:
        reason = f"'{written}' is not yes or no, and a question cannot be required only sometimes"
        ctx.warn(
            ErrorCode.XLSFORM_COLUMN_IGNORED, SURVEY, row.number, column="required", reason=reason
        )
        return None
    return value or None


def _non_answers(row: Row, choices: ChoiceList | None) -> list[str] | None:
    """Return the non-answers beyond the default, from ``heard_non_answers`` and the list.

    ``heard_non_answers`` is taken as written, so one that leaves out
    prefer_not_to_say is reported by Heard's own check.
    """
    codes = (row.get("heard_non_answers") or "").replace(",", " ").split() or ["prefer_not_to_say"]
    for code in choices.non_answers if choices else ():
        if code not in codes:
            codes.append(code)
    return None if codes == ["prefer_not_to_say"] else codes


def _answer_fields(ctx: Context, plan: Planned, languages: Languages) -> dict[str, object]:
    """Return the keys that depend on the type: choices, points, bounds, length."""
    if plan.type in ("single_choice", "multiple_choice", "scale") and plan.row.get("constraint"):
        ctx.warn(
            ErrorCode.XLSFORM_CONSTRAINT_IGNORED,
            SURVEY,
            plan.row.number,
            value=plan.row.get("constraint"),
        )
    if plan.type in ("single_choice", "multiple_choice"):
        return _choice_fields(plan, languages)
    if plan.type == "scale":
        return {"points": _points(plan, languages)}
    bounds = _bounds(ctx, plan)
    if plan.type == "number":
        fields: dict[str, object] = {"min": bounds.low, "max": bounds.high}
        if plan.row_type.kind in (DECIMAL, RANGE) and not _is_whole_range(plan):
            fields["integer"] = False
        return {key: _number(value) for key, value in fields.items() if value is not None}
    if plan.type in ("short_text", "long_text") and bounds.max_length is not None:
        return {"max_length": bounds.max_length}
    return {}


def _number(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _is_whole_range(plan: Planned) -> bool:
    return plan.row_type.kind == RANGE and all(
        float(n).is_integer() for n in _range_parameters(plan.row)
    )


def _choice_fields(plan: Planned, languages: Languages) -> dict[str, object]:
    assert plan.choices is not None
    choices: list[dict[str, object]] = []
    for option in plan.choices.options:
        choice: dict[str, object] = {"value": option.value}
        _put(choice, "label", option.label)
        choices.append(choice)
    fields: dict[str, object] = {"choices": choices}
    described = plan.row.get("heard_self_describe")
    if described is not None:
        fields["self_describe"] = plan.choices.values.get(described, described)
    elif plan.row_type.specify_other:
        if "other" not in plan.choices.values.values():
            choices.append({"value": "other", "label": dict.fromkeys(languages.order, "Other")})
        fields["self_describe"] = "other"
    return fields


def _points(plan: Planned, languages: Languages) -> list[dict[str, object]]:
    if plan.choices is not None:
        return [
            {"value": int(option.name), "label": option.label} for option in plan.choices.options
        ]
    return [
        {"value": point, "label": dict.fromkeys(languages.order, str(point))}
        for point in _range_points(plan.row) or ()
    ]


def _bounds(ctx: Context, plan: Planned) -> Bounds:
    """Return the bounds of the row's constraint (and its type's), warning when ignored."""
    row = plan.row
    written = row.get("constraint") or ""
    if plan.row_type.kind == RANGE:
        start, end, _step = _range_parameters(row)
        return Bounds(min(start, end), max(start, end))
    text = " and ".join(part for part in (plan.row_type.constraint, written) if part)
    if not text:
        return Bounds()
    bounds = constraint_to_bounds(text, integer=plan.row_type.kind == INTEGER)
    fits = bounds is not None and (
        (plan.type == "number" and bounds.max_length is None)
        or (plan.type in ("short_text", "long_text") and bounds.low is bounds.high is None)
    )
    if not fits:
        ctx.warn(ErrorCode.XLSFORM_CONSTRAINT_IGNORED, SURVEY, row.number, value=written or text)
        return Bounds()
    return bounds or Bounds()


def _warn_conversion(ctx: Context, plan: Planned) -> None:
    kind, number = plan.row_type.kind, plan.row.number
    if kind == DATE and "month-year" not in _appearance(plan.row):
        ctx.warn(ErrorCode.XLSFORM_DATE_AS_MONTH_YEAR, SURVEY, number)
    elif kind == ACKNOWLEDGE:
        ctx.warn(
            ErrorCode.XLSFORM_TYPE_CONVERTED,
            SURVEY,
            number,
            value=plan.row_type.written,
            how=_ACKNOWLEDGE,
        )
    elif kind == RANGE:
        start, end, _step = _range_parameters(plan.row)
        what = "a scale" if plan.type == "scale" else "a number question"
        how = f"became {what} from {_number(start)} to {_number(end)}"
        if plan.type == "scale":
            how += ", its points labelled with their numbers: give them words in Heard"
        ctx.warn(
            ErrorCode.XLSFORM_TYPE_CONVERTED, SURVEY, number, value=plan.row_type.written, how=how
        )
