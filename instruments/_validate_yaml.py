"""Read YAML text into a tree of nodes that remember their line, safely.

Only PyYAML's SafeLoader is used, and only to compose nodes: nothing is
constructed from tags. Aliases are refused before they can be expanded (so a
"billion laughs" document fails at once), nesting is capped so no input can
exhaust the stack, and only the plain YAML types are allowed.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from typing import NoReturn

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from instruments.errors import ErrorCode, InstrumentInvalid, Problem

MAX_DOCUMENT_BYTES = 1_048_576
"""The largest instrument accepted (1 MiB of UTF-8); real ones are a few dozen KB."""

MAX_DEPTH = 40
"""The deepest nesting of mappings and lists accepted; real instruments use 7."""

_YAML = "tag:yaml.org,2002:"
NULL, BOOL, INT, FLOAT, STR = (f"{_YAML}{name}" for name in ("null", "bool", "int", "float", "str"))
_ALLOWED_TAGS = frozenset(
    {NULL, BOOL, INT, FLOAT, STR, f"{_YAML}timestamp", f"{_YAML}seq", f"{_YAML}map"}
)

_SCALARS = SafeConstructor()
# These constructors only read node.value: they keep no state, so one instance serves all.
_CONSTRUCT = {
    NULL: _SCALARS.construct_yaml_null,
    BOOL: _SCALARS.construct_yaml_bool,
    INT: _SCALARS.construct_yaml_int,
    FLOAT: _SCALARS.construct_yaml_float,
}


class _Refused(Exception):
    """The composer met something it will not build."""

    def __init__(self, code: ErrorCode, mark: yaml.Mark | None, **details: object) -> None:
        super().__init__(code.code)
        self.code, self.mark, self.details = code, mark, details


class _PythonEvents(Reader, Scanner, Parser):
    """PyYAML's pure-Python parser, for installs without libyaml."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


class _Composer(Composer, Resolver):
    """Compose nodes from parser events, refusing anchors and aliases and capping the nesting."""

    def __init__(self) -> None:
        Composer.__init__(self)
        Resolver.__init__(self)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: object) -> Node:
        """Compose the next node; refuse an anchor, an alias or one nesting level too many."""
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(ErrorCode.YAML_ALIAS, event.start_mark)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(ErrorCode.DOCUMENT_TOO_DEEP, event.start_mark, limit=MAX_DEPTH)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class PythonComposer(_Composer, _PythonEvents):
    """The composer on PyYAML's pure-Python parser."""

    def __init__(self, stream: str) -> None:
        _PythonEvents.__init__(self, stream)
        _Composer.__init__(self)


COMPOSERS: list[type[_Composer]] = [PythonComposer]
"""The composers available, fastest first; `compose` uses the first."""

if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class LibyamlComposer(_Composer, CParser):
        """The composer on libyaml's parser, about five times faster than pure Python."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _Composer.__init__(self)

    COMPOSERS.insert(0, LibyamlComposer)


def line_of(node: Node | None) -> int | None:
    """Return the 1-based line where `node` starts."""
    return None if node is None else node.start_mark.line + 1


def compose(text: str, file: str | None) -> Node | None:
    """Return the root node of the YAML `text`; raise InstrumentInvalid if it is unsafe.

    Returns None for an empty document.
    """
    size = len(text.encode("utf-8"))
    if size > MAX_DOCUMENT_BYTES:
        _fail(file, ErrorCode.DOCUMENT_TOO_LARGE, None, size=size, limit=MAX_DOCUMENT_BYTES)
    composer = None
    try:
        composer = COMPOSERS[0](text)
        root = composer.get_single_node()
    except _Refused as refused:
        _fail(file, refused.code, _line(refused.mark), **refused.details)
    except yaml.MarkedYAMLError as error:
        _fail(file, ErrorCode.YAML_SYNTAX, _line(error.problem_mark), detail=_describe(error))
    except yaml.reader.ReaderError as error:  # a character YAML does not allow
        line = text.count("\n", 0, error.position) + 1
        detail = f"the character U+{error.character:04X} is not allowed in YAML"
        _fail(file, ErrorCode.YAML_SYNTAX, line, detail=detail)
    finally:
        if composer is not None:
            composer.dispose()
    if root is not None:
        _check_tags(root, file)
    return root


def _describe(error: yaml.MarkedYAMLError) -> str:
    parts = (error.context, error.problem)
    return ", ".join(part for part in parts if part) or "unreadable YAML"


def _line(mark: yaml.Mark | None) -> int | None:
    return None if mark is None else mark.line + 1


def _fail(file: str | None, code: ErrorCode, line: int | None, **details: object) -> NoReturn:
    raise InstrumentInvalid([Problem(code, "", code.message(**details), file, line)])


def _check_tags(root: Node, file: str | None) -> None:
    """Refuse every node whose tag is not a plain YAML type (``!!python/...``, ``!foo``)."""
    problems = [
        Problem(
            ErrorCode.YAML_TAG,
            "",
            ErrorCode.YAML_TAG.message(tag=node.tag.replace(_YAML, "!!")),
            file,
            line_of(node),
        )
        for node in walk(root)
        if node.tag not in _ALLOWED_TAGS
    ]
    if problems:
        raise InstrumentInvalid(problems)


def walk(node: Node) -> Iterator[Node]:
    """Yield `node` and every node below it (keys included), depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, MappingNode):
            for key, value in reversed(current.value):
                stack.extend((value, key))
        elif isinstance(current, SequenceNode):
            stack.extend(reversed(current.value))


def scalar_value(node: ScalarNode) -> object:
    """Return the Python value YAML gives a scalar: None, bool, int, float or str."""
    construct = _CONSTRUCT.get(node.tag)
    return node.value if construct is None else construct(node)


def plain_data(node: Node) -> object:
    """Return `node` as JSON-ready data; keys are taken exactly as written."""
    if isinstance(node, MappingNode):
        return {key.value: plain_data(value) for key, value in node.value}
    if isinstance(node, SequenceNode):
        return [plain_data(child) for child in node.value]
    value = scalar_value(node)
    if isinstance(value, float) and not math.isfinite(value):
        return node.value  # JSON has no NaN or infinity
    return value


def content_hash(node: Node) -> str:
    """Return the sha256 hex digest of the canonical JSON of the document."""
    canonical = json.dumps(
        plain_data(node), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
