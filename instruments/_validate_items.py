"""Read and check the sections and items of an instrument.

Besides building :class:`Section` and :class:`Item`, reading records an
:class:`Outline`: where each item sits and what values it can hold, and every
condition with its owner, so :mod:`instruments._validate_conditions` can check
the conditions once the whole instrument is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from yaml.nodes import Node

from instruments._validate_answers import ANSWERABLE_TYPES, read_for_type, values_of
from instruments._validate_identifiers import (
    identifier_in_id,
    identifier_in_label,
    translation_place,
)
from instruments._validate_reader import Reader, child
from instruments._validate_yaml import line_of
from instruments.conditions import Condition, ConditionSyntaxError, parse_condition
from instruments.errors import ErrorCode
from instruments.schema import ITEM_TYPES, OFFERED_NON_ANSWERS, Item, Section, Text

IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,62}")
RESERVED_SEPARATOR = "__"
"""Joins an item id to a suffix (``ITEM__text``, ``ITEM__VALUE``), so no id may contain it."""

SECTION_REQUIRED = ("id", "title", "items")
SECTION_OPTIONAL = ("intro", "content_note", "sensitive", "skippable", "show_if")
ITEM_REQUIRED = ("id", "type", "label")
ITEM_OPTIONAL = (
    "hint",
    "why_we_ask",
    "required",
    "sensitive",
    "non_answers",
    "show_if",
    "choices",
    "points",
    "min",
    "max",
    "integer",
    "max_length",
    "self_describe",
)


@dataclass(frozen=True)
class ItemFacts:
    """What a condition needs to know about an item it names."""

    id: str
    type: str | None
    values: tuple[str | int, ...]  # choice values; whole numbers for a scale
    section: int
    position: int


@dataclass(frozen=True)
class ConditionSite:
    """A condition and its owner: a section (position None) or an item."""

    condition: Condition
    path: str
    node: Node
    section: int
    position: int | None


@dataclass
class Outline:
    """The shape of the instrument as read so far."""

    items: dict[str, ItemFacts] = field(default_factory=dict)
    sites: list[ConditionSite] = field(default_factory=list)
    id_lines: dict[str, int | None] = field(default_factory=dict)
    item_count: int = 0


def read_sections(reader: Reader, node: Node | None) -> tuple[tuple[Section, ...], Outline]:
    """Return the sections under `node`, and the outline that conditions are checked against."""
    outline = Outline()
    children = [] if node is None else reader.read_list(node, "sections")
    if children == [] and node is not None:
        reader.report(ErrorCode.SECTIONS_EMPTY, "sections", node)
    sections = tuple(
        _read_section(reader, section_node, child("sections", index), index, outline)
        for index, section_node in enumerate(children or ())
    )
    return sections, outline


def _read_section(
    reader: Reader, node: Node, path: str, index: int, outline: Outline
) -> Section | None:
    entries = reader.read_mapping(node, path, SECTION_REQUIRED, SECTION_OPTIONAL)
    if entries is None:
        return None
    section_id = _read_id(reader, entries, path, outline)
    sensitive = reader.read_optional(entries, "sensitive", path, reader.read_bool) or False
    content_note = _text(reader, entries, "content_note", path, required=sensitive)
    if sensitive and "content_note" not in entries:
        reader.report(ErrorCode.CONTENT_NOTE_MISSING, child(path, "content_note"), node)
    skippable = reader.read_optional(entries, "skippable", path, reader.read_bool)
    show_if = _read_show_if(reader, entries, path, outline, index, None)
    items = _read_items(reader, entries.get("items"), child(path, "items"), index, outline)
    return Section(
        id=section_id or "",
        title=_text(reader, entries, "title", path),
        items=items,
        intro=_text(reader, entries, "intro", path, required=False),
        content_note=content_note,
        sensitive=sensitive,
        skippable=sensitive if skippable is None else skippable,
        show_if=show_if,
    )


def _read_items(
    reader: Reader, node: Node | None, path: str, section: int, outline: Outline
) -> tuple[Item, ...]:
    children = None if node is None else reader.read_list(node, path)
    if children == []:
        reader.report(ErrorCode.ITEMS_EMPTY, path, node)
    items = []
    for index, item_node in enumerate(children or ()):
        outline.item_count += 1
        position = outline.item_count
        items.append(_read_item(reader, item_node, child(path, index), section, outline, position))
    return tuple(item for item in items if item is not None)


def _read_item(
    reader: Reader, node: Node, path: str, section: int, outline: Outline, position: int
) -> Item | None:
    entries = reader.read_mapping(node, path, ITEM_REQUIRED, ITEM_OPTIONAL)
    if entries is None:
        return None
    item_id = _read_id(reader, entries, path, outline)
    item_type = _read_type(reader, entries, path)
    fields = {
        "hint": _text(reader, entries, "hint", path, required=False),
        "why_we_ask": _text(reader, entries, "why_we_ask", path, required=False),
        "required": reader.read_optional(entries, "required", path, reader.read_bool),
        "sensitive": reader.read_optional(entries, "sensitive", path, reader.read_bool),
        "non_answers": _read_non_answers(reader, entries, path, item_type),
        "show_if": _read_show_if(reader, entries, path, outline, section, position),
    }
    if item_type is not None:
        fields |= read_for_type(reader, entries, path, item_type)
    item = Item(
        id=item_id or "",
        type=item_type or "",
        label=_text(reader, entries, "label", path),
        **{key: value for key, value in fields.items() if value is not None},
    )
    if item_id is not None and item_id not in outline.items:
        values = values_of(item)
        outline.items[item_id] = ItemFacts(item_id, item_type, values, section, position)
    _check_identifier(reader, item, entries, path)
    return item


def _read_id(reader: Reader, entries: dict[str, Node], path: str, outline: Outline) -> str | None:
    """Return the id of a section or an item, which must be unique across both."""
    node = entries.get("id")
    value = None if node is None else reader.read_string(node, child(path, "id"))
    if value is None:
        return None
    rule = _id_rule_broken(value)
    if rule is not None:
        reader.report(ErrorCode.INVALID_ID, child(path, "id"), node, value=value, rule=rule)
    elif value in outline.id_lines:
        reader.report(
            ErrorCode.DUPLICATE_ID,
            child(path, "id"),
            node,
            value=value,
            first_line=outline.id_lines[value],
        )
    else:
        outline.id_lines[value] = line_of(node)
    return value


def _id_rule_broken(value: str) -> str | None:
    """Return the rule a section or item id breaks, or None when it is a valid id."""
    if not IDENTIFIER.fullmatch(value):
        return "use lower-case letters, digits and _ (up to 63), starting with a letter"
    if RESERVED_SEPARATOR in value:
        return (
            "two underscores in a row (__) are reserved, because Heard stores a "
            "self-described answer as ITEM__text and exports a multiple-choice item as "
            "ITEM__VALUE columns, so this id could clash with them; use a single _"
        )
    return None


def _read_type(reader: Reader, entries: dict[str, Node], path: str) -> str | None:
    item_type = reader.read_optional(entries, "type", path, reader.read_string)
    if item_type is not None and item_type not in ITEM_TYPES:
        reader.report(
            ErrorCode.UNKNOWN_TYPE,
            child(path, "type"),
            entries["type"],
            value=item_type,
            types=", ".join(ITEM_TYPES),
        )
        return None
    return item_type


def _text(
    reader: Reader, entries: dict[str, Node], key: str, path: str, *, required: bool = True
) -> Text | None:
    node = entries.get(key)
    return None if node is None else reader.read_text(node, child(path, key), required=required)


def _read_show_if(
    reader: Reader,
    entries: dict[str, Node],
    path: str,
    outline: Outline,
    section: int,
    position: int | None,
) -> Condition | None:
    node = entries.get("show_if")
    path = child(path, "show_if")
    text = None if node is None else reader.read_string(node, path)
    if text is None:
        return None
    try:
        condition = parse_condition(text)
    except ConditionSyntaxError as error:
        reader.report(
            ErrorCode.CONDITION_SYNTAX, path, node, detail=error.message, column=error.column
        )
        return None
    outline.sites.append(ConditionSite(condition, path, node, section, position))
    return condition


def _read_non_answers(
    reader: Reader, entries: dict[str, Node], path: str, item_type: str | None
) -> tuple[str, ...] | None:
    """Return the non-answers an item offers; a question must offer prefer_not_to_say."""
    node = entries.get("non_answers")
    path = child(path, "non_answers")
    children = None if node is None else reader.read_list(node, path)
    if children is None:
        return None
    codes: list[str] = []
    for index, code_node in enumerate(children):
        code = reader.read_string(code_node, child(path, index))
        if code is not None and code not in OFFERED_NON_ANSWERS:
            reader.report(ErrorCode.NON_ANSWER_UNKNOWN, child(path, index), code_node, value=code)
        elif code is not None and code not in codes:
            codes.append(code)
    # SAFETY.md: every question offers "Prefer not to say". A note takes no
    # non-answers at all (KEY_NOT_FOR_TYPE), and an unknown type is already refused.
    if item_type in ANSWERABLE_TYPES and "prefer_not_to_say" not in codes:
        reader.report(ErrorCode.PREFER_NOT_TO_SAY_REQUIRED, path, node)
    return tuple(codes)


def _check_identifier(reader: Reader, item: Item, entries: dict[str, Node], path: str) -> None:
    """Refuse an item whose id or label, in any language, asks for a direct identifier."""
    if not item.answerable:
        return
    what = identifier_in_id(item.id)
    if what is not None:
        reader.report(ErrorCode.IDENTIFIER_REQUESTED, child(path, "id"), entries["id"], what=what)
        return
    label = item.label.translations if isinstance(item.label, Text) else {}
    for language, text in label.items():
        what = identifier_in_label(text, language)
        if what is not None:
            where, node = translation_place(entries["label"], child(path, "label"), language)
            reader.report(ErrorCode.IDENTIFIER_REQUESTED, where, node, what=what)
            return
