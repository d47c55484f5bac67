"""The reader that every check uses: typed reads of YAML nodes, and problems.

Each ``read_*`` method checks one node, records a :class:`Problem` for
anything wrong (with key path and line) and returns the value, or None when
there is no usable value. Strings are taken exactly as written, so
``label: No`` is the text "No" and ``version: 1.10`` is "1.10", not a
boolean or a float.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlsplit

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from instruments._validate_yaml import BOOL, FLOAT, INT, NULL, line_of, scalar_value
from instruments.errors import ErrorCode, Problem
from instruments.schema import Text

T = TypeVar("T")

LANGUAGE_TAG = re.compile(
    r"[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|[0-9]{3}))?(-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
)
"""BCP 47 language tags in practice: language, optional script, region and variants."""

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _has_space(text: str) -> bool:
    return any(char.isspace() for char in text)


def child(path: str, key: str | int) -> str:
    """Return the key path of `key` below `path` (``sections[2].items``)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def describe(node: Node) -> str:
    """Return what a person would call the value of `node`."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return {
        NULL: "nothing",
        BOOL: f"true/false ({node.value})",
        INT: f"a number ({node.value})",
        FLOAT: f"a number ({node.value})",
    }.get(node.tag, "text")


@dataclass
class Reader:
    """Reads nodes into values and collects every problem on the way."""

    file: str | None = None
    problems: list[Problem] = field(default_factory=list)
    languages: tuple[str, ...] | None = None
    default_language: str | None = None
    # The line of the key of each value read from a mapping: a block list or
    # mapping starts on the line after its key, but people look for the key.
    _key_lines: dict[int, int | None] = field(default_factory=dict, repr=False)

    def report(self, code: ErrorCode, path: str, node: Node | None, **details: object) -> None:
        """Record a problem with `code` at `path`, on the line of `node` (or of its key)."""
        message = code.message(**details)
        line = self._key_lines.get(id(node), line_of(node))
        self.problems.append(Problem(code, path, message, self.file, line))

    # --- containers ---------------------------------------------------------------

    def read_entries(self, node: Node, path: str) -> list[tuple[str, Node, Node]] | None:
        """Return ``(key, key node, value node)`` of a mapping, reporting repeated keys."""
        if not isinstance(node, MappingNode):
            self.wrong_type(node, path, "a mapping")
            return None
        entries: list[tuple[str, Node, Node]] = []
        first_lines: dict[str, int | None] = {}
        for key_node, value in node.value:
            key = self._key(key_node, path)
            if key is None:
                continue
            if key in first_lines:
                self.report(
                    ErrorCode.DUPLICATE_KEY,
                    child(path, key),
                    key_node,
                    key=key,
                    first_line=first_lines[key],
                )
                continue
            first_lines[key] = self._key_lines[id(value)] = line_of(key_node)
            entries.append((key, key_node, value))
        return entries

    def read_mapping(
        self,
        node: Node,
        path: str,
        required: Collection[str] = (),
        optional: Collection[str] = (),
    ) -> dict[str, Node] | None:
        """Return the entries of a mapping with known keys; report unknown and missing keys."""
        entries = self.read_entries(node, path)
        if entries is None:
            return None
        known = {*required, *optional}
        result: dict[str, Node] = {}
        for key, key_node, value in entries:
            if key in known:
                result[key] = value
            else:
                self._unknown_key(key_node, key, path, known)
        for key in required:
            if key not in result:
                self.report(ErrorCode.MISSING_KEY, child(path, key), node, key=key)
        return result

    def read_list(self, node: Node, path: str) -> list[Node] | None:
        """Return the children of a list node."""
        if not isinstance(node, SequenceNode):
            self.wrong_type(node, path, "a list")
            return None
        return list(node.value)

    def _key(self, key_node: Node, path: str) -> str | None:
        if isinstance(key_node, ScalarNode) and key_node.tag != NULL and key_node.value:
            return key_node.value
        self.wrong_type(key_node, path, "a key written as plain text")
        return None

    def _unknown_key(self, key_node: Node, key: str, path: str, known: Collection[str]) -> None:
        close = difflib.get_close_matches(key, sorted(known), n=1)
        suggestion = f" (did you mean `{close[0]}`?)" if close else ""
        self.report(
            ErrorCode.UNKNOWN_KEY, child(path, key), key_node, key=key, suggestion=suggestion
        )

    # --- scalars --------------------------------------------------------------------

    def wrong_type(self, node: Node, path: str, expected: str) -> None:
        """Report that `node` does not hold `expected`."""
        self.report(ErrorCode.WRONG_TYPE, path, node, expected=expected, found=describe(node))

    def read_string(self, node: Node, path: str, *, empty_ok: bool = False) -> str | None:
        """Return the text of a scalar exactly as written; empty is EMPTY_TEXT."""
        if not isinstance(node, ScalarNode):
            self.wrong_type(node, path, "text")
            return None
        text = "" if node.tag == NULL else node.value
        if not text.strip() and not empty_ok:
            self.report(ErrorCode.EMPTY_TEXT, path, node)
            return None
        return text

    def read_bool(self, node: Node, path: str) -> bool | None:
        """Return a true/false value."""
        if isinstance(node, ScalarNode) and node.tag == BOOL:
            return bool(scalar_value(node))
        self.wrong_type(node, path, "true or false")
        return None

    def read_int(self, node: Node, path: str) -> int | None:
        """Return a whole number."""
        if isinstance(node, ScalarNode) and node.tag == INT:
            return int(scalar_value(node))
        self.wrong_type(node, path, "a whole number")
        return None

    def read_number(self, node: Node, path: str) -> int | float | None:
        """Return a whole or decimal number."""
        if isinstance(node, ScalarNode) and node.tag in (INT, FLOAT):
            return scalar_value(node)
        self.wrong_type(node, path, "a number")
        return None

    def read_optional(
        self,
        entries: dict[str, Node],
        key: str,
        path: str,
        read: Callable[..., T],
        **options: object,
    ) -> T | None:
        """Return ``read(node, path, **options)`` for `key` of `entries`, or None when absent."""
        node = entries.get(key)
        return None if node is None else read(node, child(path, key), **options)

    def read_url(self, node: Node, path: str) -> str | None:
        """Return a web address (http or https: never javascript: or data:)."""
        value = self.read_string(node, path)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.netloc or _has_space(value):
            self.report(ErrorCode.INVALID_URL, path, node, value=value)
            return None
        return value

    def read_email(self, node: Node, path: str) -> str | None:
        """Return an email address."""
        value = self.read_string(node, path)
        if value is not None and not EMAIL.fullmatch(value):
            self.report(ErrorCode.INVALID_EMAIL, path, node, value=value)
            return None
        return value

    # --- languages and text -----------------------------------------------------------

    def read_language(self, node: Node, path: str) -> str | None:
        """Return a BCP 47 language tag."""
        tag = self.read_string(node, path)
        if tag is not None and not LANGUAGE_TAG.fullmatch(tag):
            self.report(ErrorCode.INVALID_LANGUAGE_TAG, path, node, value=tag)
            return None
        return tag

    def read_text(self, node: Node, path: str, *, required: bool = True) -> Text | None:
        """Return a text: a plain string (default language) or language -> string.

        A required text needs every listed language; an optional one may fall
        back to the default language, and its empty strings mean "no text".
        """
        if isinstance(node, ScalarNode):
            text = self.read_string(node, path, empty_ok=not required)
            if text is None or not text.strip():
                return None
            translations = {self.default_language or "": text}
            written = set(translations)
        else:
            written, translations = self._read_translations(node, path, required=required)
        if required and self.languages is not None:
            for language in self.languages:
                if language not in written:
                    self.report(
                        ErrorCode.TRANSLATION_MISSING,
                        child(path, language),
                        node,
                        language=language,
                    )
        return Text(translations) if translations else None

    def _read_translations(
        self, node: Node, path: str, *, required: bool
    ) -> tuple[set[str], dict[str, str]]:
        """Return the languages written and the non-empty translations of a text mapping."""
        entries = self.read_entries(node, path)
        if entries is None:
            return set(self.languages or ()), {}  # reported as WRONG_TYPE: nothing more
        written, translations = set(), {}
        for language, key_node, value in entries:
            if self.languages is not None and language not in self.languages:
                self.report(
                    ErrorCode.LANGUAGE_UNDECLARED,
                    child(path, language),
                    key_node,
                    language=language,
                )
                continue
            written.add(language)
            text = self.read_string(value, child(path, language), empty_ok=not required)
            if text and text.strip():
                translations[language] = text
        if required and not entries:
            self.report(ErrorCode.EMPTY_TEXT, path, node)
            written = set(self.languages or ())
        return written, translations
