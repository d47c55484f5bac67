"""Read and check what an item's type says about its answers.

Choices, scale points, number ranges, text lengths and the self-described
option; and the keys that only make sense on some types.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from yaml.nodes import Node, ScalarNode

from instruments._validate_reader import Reader, child
from instruments._validate_yaml import INT, scalar_value
from instruments.errors import ErrorCode
from instruments.schema import ITEM_TYPES, NON_ANSWER_CODES, Choice, Item

CHOICE_VALUE = re.compile(r"[a-z0-9][a-z0-9_]{0,62}")
CHOICE_TYPES = ("single_choice", "multiple_choice")
TEXT_TYPES = ("short_text", "long_text")
ANSWERABLE_TYPES = tuple(t for t in ITEM_TYPES if t != "note")
DEFAULT_MAX_LENGTH = {"short_text": 500, "long_text": 5000}
MAX_LENGTH_LIMIT = 100_000
SCALE_SIZES = range(2, 12)

_ONLY_FOR = {
    "choices": (CHOICE_TYPES, ErrorCode.CHOICES_NOT_ALLOWED),
    "points": (("scale",), ErrorCode.CHOICES_NOT_ALLOWED),
    "min": (("number",), ErrorCode.NUMBER_RANGE),
    "max": (("number",), ErrorCode.NUMBER_RANGE),
    "integer": (("number",), ErrorCode.KEY_NOT_FOR_TYPE),
    "max_length": (TEXT_TYPES, ErrorCode.MAX_LENGTH),
    "self_describe": (CHOICE_TYPES, ErrorCode.KEY_NOT_FOR_TYPE),
    "required": (ANSWERABLE_TYPES, ErrorCode.KEY_NOT_FOR_TYPE),
    "non_answers": (ANSWERABLE_TYPES, ErrorCode.KEY_NOT_FOR_TYPE),
}
"""Keys that apply to some item types only, and the code used when they appear elsewhere."""


def read_for_type(
    reader: Reader, entries: dict[str, Node], path: str, item_type: str
) -> dict[str, object]:
    """Return the Item keyword arguments that depend on `item_type`."""
    _refuse_keys_for_other_types(reader, entries, path, item_type)
    if item_type in CHOICE_TYPES:
        return _read_choice_fields(reader, entries, path, item_type)
    if item_type == "scale":
        return {"choices": _read_points(reader, entries, path)}
    if item_type == "number":
        return _read_number_fields(reader, entries, path)
    if item_type in TEXT_TYPES:
        return {"max_length": _read_max_length(reader, entries, path, item_type)}
    if item_type == "note":
        return {"non_answers": ()}
    return {}


def values_of(item: Item) -> tuple[str | int, ...]:
    """Return the values `item` can hold besides non-answers (whole numbers for a scale)."""
    if item.type == "scale":
        return tuple(int(choice.value) for choice in item.choices)
    return item.choice_values()


def _refuse_keys_for_other_types(
    reader: Reader, entries: dict[str, Node], path: str, item_type: str
) -> None:
    for key, (types, code) in _ONLY_FOR.items():
        if key in entries and item_type not in types:
            reader.report(
                code,
                child(path, key),
                entries[key],
                key=key,
                type=item_type,
                allowed=" and ".join(types),
                reason=f"`{key}` is for number items only, not {item_type}",
            )


def _read_choice_fields(
    reader: Reader, entries: dict[str, Node], path: str, item_type: str
) -> dict[str, object]:
    node = entries.get("choices")
    children = None if node is None else reader.read_list(node, child(path, "choices"))
    if node is None or children == []:
        reader.report(
            ErrorCode.CHOICES_MISSING,
            child(path, "choices"),
            node or entries["type"],
            type=item_type,
        )
    choices = _read_options(reader, children or [], child(path, "choices"), _read_choice_value)
    fields: dict[str, object] = {"choices": choices}
    describe_node = entries.get("self_describe")
    if describe_node is not None:
        value = reader.read_string(describe_node, child(path, "self_describe"))
        if value is not None and value not in {choice.value for choice in choices}:
            reader.report(
                ErrorCode.SELF_DESCRIBE_UNKNOWN,
                child(path, "self_describe"),
                describe_node,
                value=value,
            )
        fields["self_describe"] = value
    return fields


def _read_points(reader: Reader, entries: dict[str, Node], path: str) -> tuple[Choice, ...]:
    node = entries.get("points")
    path = child(path, "points")
    children = None if node is None else reader.read_list(node, path)
    if node is None or (children is not None and len(children) not in SCALE_SIZES):
        reader.report(
            ErrorCode.SCALE_POINTS,
            path,
            node or entries["type"],
            reason=f"this one has {len(children or ())}",
        )
    return _read_options(reader, children or [], path, _read_point_value)


def _read_options(
    reader: Reader,
    children: list[Node],
    path: str,
    read_value: Callable[[Reader, Node, str], str | int | None],
) -> tuple[Choice, ...]:
    """Return the ``{value, label}`` options of a choice item or the points of a scale."""
    options: list[Choice] = []
    seen: set[str | int] = set()
    for index, option_node in enumerate(children):
        option_path = child(path, index)
        entries = reader.read_mapping(option_node, option_path, ("value", "label"))
        if entries is None:
            continue
        label = reader.read_optional(entries, "label", option_path, reader.read_text)
        value_node = entries.get("value")
        value_path = child(option_path, "value")
        value = None if value_node is None else read_value(reader, value_node, value_path)
        if value is None:
            continue
        if value in seen:
            reader.report(ErrorCode.DUPLICATE_CHOICE, value_path, value_node, value=value)
            continue
        seen.add(value)
        options.append(Choice(str(value), label))
    return tuple(options)


def _read_choice_value(reader: Reader, node: Node, path: str) -> str | None:
    value = reader.read_string(node, path)
    if value is None:
        return None
    if value in NON_ANSWER_CODES:
        reader.report(ErrorCode.CHOICE_VALUE_RESERVED, path, node, value=value)
        return None
    if not CHOICE_VALUE.fullmatch(value):
        reader.report(ErrorCode.INVALID_CHOICE_VALUE, path, node, value=value)
        return None
    return value


def _read_point_value(reader: Reader, node: Node, path: str) -> int | None:
    if isinstance(node, ScalarNode) and node.tag == INT:
        return int(scalar_value(node))
    reason = f"the value '{getattr(node, 'value', '')}' is not a whole number"
    reader.report(ErrorCode.SCALE_POINTS, path, node, reason=reason)
    return None


def _read_number_fields(reader: Reader, entries: dict[str, Node], path: str) -> dict[str, object]:
    low = reader.read_optional(entries, "min", path, reader.read_number)
    high = reader.read_optional(entries, "max", path, reader.read_number)
    if low is not None and high is not None and low > high:
        reader.report(
            ErrorCode.NUMBER_RANGE,
            child(path, "min"),
            entries["min"],
            reason=f"`min` ({low}) is greater than `max` ({high})",
        )
    integer = reader.read_optional(entries, "integer", path, reader.read_bool)
    return {"min": low, "max": high, "integer": integer}


def _read_max_length(reader: Reader, entries: dict[str, Node], path: str, item_type: str) -> int:
    node = entries.get("max_length")
    if node is None:
        return DEFAULT_MAX_LENGTH[item_type]
    value = reader.read_int(node, child(path, "max_length"))
    if value is not None and not 1 <= value <= MAX_LENGTH_LIMIT:
        reader.report(ErrorCode.MAX_LENGTH, child(path, "max_length"), node)
    return value or DEFAULT_MAX_LENGTH[item_type]
