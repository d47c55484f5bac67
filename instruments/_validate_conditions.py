"""Check every ``show_if`` against the items it names, once all items are read.

A condition may name only answerable items that come before its owner (for
a section: items of earlier sections), and may compare them only with values
they can hold; ``in`` needs a multiple_choice item.
"""

from __future__ import annotations

import re

from instruments._validate_items import ConditionSite, ItemFacts, Outline
from instruments._validate_reader import Reader
from instruments.conditions import Comparison
from instruments.errors import ErrorCode
from instruments.schema import NON_ANSWER_CODES

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_CHOICE_LIKE = ("single_choice", "multiple_choice", "yes_no")
_EQUALITY = ("==", "!=")
_MEMBERSHIP = ("in", "not in")


def check_conditions(reader: Reader, outline: Outline) -> None:
    """Report every condition that names an item it may not, or a value it cannot hold."""
    for site in outline.sites:
        usable = {
            name
            for name in sorted(site.condition.references)
            if _check_reference(reader, site, outline, name)
        }
        for comparison in site.condition.comparisons():
            if comparison.item in usable:
                _check_comparison(reader, site, outline.items[comparison.item], comparison)


def _check_reference(reader: Reader, site: ConditionSite, outline: Outline, name: str) -> bool:
    """Return True when `site` may name item `name`; report why not otherwise."""
    facts = outline.items.get(name)
    if facts is None:
        reader.report(ErrorCode.CONDITION_UNKNOWN_ITEM, site.path, site.node, item=name)
        return False
    where = _where_if_not_before(site, facts)
    if where is not None:
        reader.report(
            ErrorCode.CONDITION_FORWARD_REFERENCE, site.path, site.node, item=name, where=where
        )
        return False
    if facts.type == "note":
        reader.report(ErrorCode.CONDITION_ON_NOTE, site.path, site.node, item=name)
        return False
    return facts.type is not None  # an unknown type is reported already; check no values


def _where_if_not_before(site: ConditionSite, facts: ItemFacts) -> str | None:
    """Return where `facts` is when it does not come before the owner of `site`."""
    if site.position is None:  # a section's condition: earlier sections only
        if facts.section == site.section:
            return "is in this section"
        return "comes in a later section" if facts.section > site.section else None
    if facts.position == site.position:
        return "is this item itself"
    return "comes later" if facts.position > site.position else None


def _check_comparison(
    reader: Reader, site: ConditionSite, facts: ItemFacts, comparison: Comparison
) -> None:
    operator, value = comparison.operator, comparison.value
    if operator in _MEMBERSHIP and facts.type != "multiple_choice":
        reader.report(
            ErrorCode.CONDITION_IN_NEEDS_MULTIPLE_CHOICE,
            site.path,
            site.node,
            item=facts.id,
            type=facts.type,
        )
        return
    if value is None:
        return  # compared with another item or expression: nothing to check
    is_code = isinstance(value, str) and value in NON_ANSWER_CODES
    if facts.type == "multiple_choice" and operator not in _MEMBERSHIP and not is_code:
        reader.report(
            ErrorCode.CONDITION_NEEDS_IN,
            site.path,
            site.node,
            item=facts.id,
            operator=operator,
            value=value,
        )
        return
    if (is_code and operator in _MEMBERSHIP) or not (is_code or _can_hold(facts, operator, value)):
        reader.report(
            ErrorCode.CONDITION_UNKNOWN_VALUE,
            site.path,
            site.node,
            item=facts.id,
            value=_show(value),
            values=_describe_values(facts),
        )


def _can_hold(facts: ItemFacts, operator: str, value: str | int | float | bool) -> bool:
    """Return whether an answer to `facts` can ever make the comparison with `value` true."""
    if isinstance(value, bool):
        return False  # no item holds true or false
    if facts.type in _CHOICE_LIKE:
        return value in facts.values
    is_number = isinstance(value, int | float)
    if facts.type == "scale":
        return is_number and (operator not in _EQUALITY or value in facts.values)
    if facts.type == "number":
        return is_number
    if facts.type == "month_year":
        return isinstance(value, str) and (
            operator not in _EQUALITY or bool(MONTH.fullmatch(value))
        )
    return isinstance(value, str)  # short_text and long_text


def _describe_values(facts: ItemFacts) -> str:
    if facts.type in _CHOICE_LIKE or facts.type == "scale":
        return ", ".join(_show(value) for value in facts.values) + " or a non-answer code"
    kinds = {"number": "numbers", "month_year": "months written 'YYYY-MM'"}
    return kinds.get(facts.type or "", "text") + " or a non-answer code"


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"'{value}'" if isinstance(value, str) else str(value)
