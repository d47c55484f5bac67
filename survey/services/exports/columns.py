"""The variables of an export: fixed columns, then one per item (per option for multiple choice).

Variable names come from item ids, made valid for SPSS and Stata: ASCII
letters, digits and underscores, starting with a letter, not a reserved word,
no longer than the format allows (64 for SPSS, 32 for Stata), and unique.
The codebook records the item id each name came from.
"""

from __future__ import annotations

import re
import unicodedata

from instruments.schema import Instrument, Item
from survey.services.exports.plan import Column

MAX_NAME = {"csv": 64, "xlsx": 64, "sav": 64, "dta": 32}
SPSS_RESERVED = "all and by eq ge gt le lt ne not or to with"
STATA_RESERVED = "_all _b _coef _cons _n _pi _pred _rc _se _skip byte double float if in int long"
STATA_TYPES = "str strl using"
RESERVED = frozenset(f"{SPSS_RESERVED} {STATA_RESERVED} {STATA_TYPES}".split(" "))
MODES = {"self": "Self-completed", "interviewer": "Interviewer"}
FREE_TEXT_TYPES = ("short_text", "long_text")


def fixed_columns(instrument: Instrument) -> list[Column]:
    """Return the columns every export starts with."""
    return [
        Column("response_id", "Random response identifier", "text"),
        Column("instrument_id", "Instrument identifier", "text"),
        Column("instrument_version", "Instrument version answered", "text"),
        Column("language", "Language the respondent chose", "text"),
        Column("mode", "How the instrument was answered", "text", value_labels=dict(MODES)),
        Column("completed_on", "Day the response was submitted (no time of day)", "date"),
    ]


def columns_for(instrument: Instrument, limit: int = 64) -> list[Column]:
    """Return every column of `instrument`'s export, fixed ones first, names valid and unique."""
    taken: set[str] = set()
    columns = []
    for column in [*fixed_columns(instrument), *_item_columns(instrument)]:
        name = unique_name(column.name, taken, limit)
        columns.append(_renamed(column, name))
    return columns


def _renamed(column: Column, name: str) -> Column:
    if name == column.name:
        return column
    return Column(
        name,
        column.label,
        column.type,
        column.item,
        column.option,
        column.described,
        column.value_labels,
        column.free_text,
    )


def _item_columns(instrument: Instrument) -> list[Column]:
    language = instrument.default_language
    columns: list[Column] = []
    for item in instrument.answerable_items():
        label = item.label.get(language)
        if item.type == "multiple_choice":
            columns += [
                Column(
                    f"{item.id}__{choice.value}",
                    f"{label} - {choice.label.get(language)}",
                    "binary",
                    item,
                    choice.value,
                    value_labels={1: "chosen", 0: "not chosen"},
                )
                for choice in item.choices
            ]
        else:
            columns.append(
                Column(
                    item.id,
                    label,
                    item.type,
                    item,
                    value_labels=value_labels(item, language),
                    free_text=item.type in FREE_TEXT_TYPES,
                )
            )
        if item.self_describe:
            own = f"{label} - in own words"
            columns.append(
                Column(f"{item.id}__text", own, "short_text", item, described=True, free_text=True)
            )
    return columns


def value_labels(item: Item, language: str) -> dict:
    """Return ``{stored value: label}`` for a choice item, in the instrument's order."""
    if item.type == "yes_no":
        return {"yes": "Yes", "no": "No"}
    if item.type == "scale":
        return {_scale_value(c.value): c.label.get(language) for c in item.choices}
    if item.type == "single_choice":
        return {c.value: c.label.get(language) for c in item.choices}
    return {}


def _scale_value(value: str) -> object:
    # A scale answer is stored as an int (survey.services.answers), so its labels are keyed so.
    try:
        return int(value)
    except ValueError:
        return value


def unique_name(raw: str, taken: set[str], limit: int) -> str:
    """Return `raw` as a valid name not in `taken` (case-insensitive); add it to `taken`."""
    base = valid_name(raw, limit)
    name, number = base, 1
    while name.lower() in taken:
        number += 1
        suffix = f"_{number}"
        name = base[: limit - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def valid_name(raw: str, limit: int) -> str:
    """Return `raw` as ASCII letters, digits and underscores, starting with a letter."""
    ascii_text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9_]+", "_", ascii_text).strip("_") or "v"
    if not name[0].isalpha():
        name = "v_" + name
    name = name[:limit].rstrip("_")
    if name.lower() in RESERVED:
        name += "_"
    return name
