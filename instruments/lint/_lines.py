"""Find the line of a key path (``sections[2].items[0].label``) in an instrument's YAML."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from instruments._validate_reader import child
from instruments._validate_yaml import compose, line_of
from instruments.errors import InstrumentInvalid

_LAST_STEP = re.compile(r"(?:\.[^.\[\]]+|\[\d+\])$")


def _lines(node: Node, path: str) -> Iterator[tuple[str, int | None]]:
    """Yield ``(path, line)`` for every key and list entry below `node`; a key's own line."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                where = child(path, key.value)
                yield where, line_of(key)
                yield from _lines(value, where)
    elif isinstance(node, SequenceNode):
        for index, value in enumerate(node.value):
            where = child(path, index)
            yield where, line_of(value)
            yield from _lines(value, where)


def lines_of_paths(source: str, paths: Iterable[str]) -> dict[str, int]:
    """Return the line of each of `paths` in the YAML `source`.

    A path that is not in the document (a key to add, such as
    ``sections[0].items[1].why_we_ask``) takes the line of its nearest
    ancestor that is. Returns an empty mapping when `source` is not YAML.

    Examples
    --------
    >>> lines_of_paths("a:\\n  b: [x, y]\\n", ["a.b[1]", "a.c", "d.e"])
    {'a.b[1]': 2, 'a.c': 1}
    """
    try:
        root = compose(source, None) if source else None
    except InstrumentInvalid:
        return {}
    if root is None:
        return {}
    known = {path: line for path, line in _lines(root, "") if line is not None}
    found = {}
    for path in paths:
        step = path
        while step and step not in known:
            parent = _LAST_STEP.sub("", step)
            step = "" if parent == step else parent  # a top-level key that is not there
        if step:
            found[path] = known[step]
    return found
