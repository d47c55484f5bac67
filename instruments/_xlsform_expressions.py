"""Translate XLSForm expressions to Heard conditions and bounds.

Only a small part of XPath means something in Heard: ``relevant`` made of
comparisons of a question with a value, ``selected()``, ``and``, ``or``,
``not()`` and brackets becomes a ``show_if``; a ``constraint`` made of bounds
on ``.`` (or on ``string-length(.)``) becomes ``min``/``max`` (or
``max_length``). Everything else is reported, never guessed at. Nothing here
evaluates anything: the text is scanned and parsed by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from instruments.errors import ErrorCode

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>\$\{[^}]*\})
    | (?P<string>'[^']*'|"[^"]*")
    | (?P<number>\d+(?:\.\d*)?|\.\d+)
    | (?P<op>!=|<=|>=|=|<|>)
    | (?P<func>[A-Za-z_][\w.:-]*\s*\()
    | (?P<word>[A-Za-z_][\w.:-]*)
    | (?P<punct>[(),.\-])
    )""",
    re.VERBOSE,
)
_CHOICE_TYPES = ("single_choice", "multiple_choice", "yes_no")
_NUMBER_TYPES = ("number", "scale")
_FUNCTIONS = {"not", "selected", "true", "false"}


class ExpressionError(Exception):
    """An expression Heard cannot carry over; `code` and `details` say why."""

    def __init__(self, code: ErrorCode, **details: object) -> None:
        super().__init__(code.message(**details))
        self.code = code
        self.details = details


class DroppedReference(Exception):
    """The expression names a row that was refused, which is reported already."""


@dataclass(frozen=True)
class Reference:
    """What a relevant needs to know about a question it names."""

    id: str
    type: str
    values: Mapping[str, str]  # the XLSForm choice name -> the Heard choice value


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def _scan(text: str) -> list[_Token]:
    tokens, position = [], 0
    while position < len(text):
        if text[position:].isspace():
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            char = text[position:].lstrip()[:1]
            raise _unsupported(f"the character '{char}' is not one Heard understands")
        kind = match.lastgroup or ""
        value = match[kind]
        if kind == "func":
            value = "".join(value.split()).lower()
            if value[:-1] in ("and", "or"):  # "or (" is the operator, then a bracket
                tokens.append(_Token("word", value[:-1]))
                kind, value = "punct", "("
        tokens.append(_Token(kind, value))
        position = match.end()
    return tokens


def _unsupported(detail: str) -> ExpressionError:
    return ExpressionError(ErrorCode.XLSFORM_RELEVANT_UNSUPPORTED, detail=detail)


def quote(value: str) -> str:
    """Return `value` as a Heard (and XPath) string literal; strings have no escapes."""
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise _unsupported("a value holds both kinds of quote")


# --- relevant -> show_if ---------------------------------------------------------


def relevant_to_condition(
    text: str, references: Mapping[str, Reference], dropped: frozenset[str]
) -> str:
    """Return the Heard condition for the XLSForm `relevant` `text`.

    Raises ExpressionError for anything outside the subset, and
    DroppedReference when the expression names a refused row.

    Examples
    --------
    >>> refs = {"sex": Reference("sex", "single_choice", {"F": "f"})}
    >>> relevant_to_condition("${sex}='F' and not(${sex} != 'F')", refs, frozenset())
    "sex == 'f' and not (sex != 'f')"
    """
    return _RelevantParser(_scan(text), references, dropped).parse()


class _RelevantParser:
    """Recursive descent over ``or``, ``and``, ``not()``, brackets and comparisons."""

    def __init__(
        self, tokens: list[_Token], references: Mapping[str, Reference], dropped: frozenset[str]
    ) -> None:
        self.tokens, self.index = tokens, 0
        self.references, self.dropped = references, dropped

    def parse(self) -> str:
        if not self.tokens:
            raise _unsupported("it is empty")
        result = self._or()
        if self.index < len(self.tokens):
            raise _unsupported(f"'{self.tokens[self.index].text}' is out of place")
        return result

    def _peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _take(self, kind: str, text: str | None = None, what: str = "") -> _Token:
        token = self._peek()
        if token is None or token.kind != kind or (text is not None and token.text != text):
            found = "the end" if token is None else f"'{token.text}'"
            raise _unsupported(f"expected {what or text or kind}, found {found}")
        self.index += 1
        return token

    def _at_word(self, word: str) -> bool:
        token = self._peek()
        return token is not None and token.kind == "word" and token.text == word

    def _or(self) -> str:
        parts = [self._and()]
        while self._at_word("or"):
            self.index += 1
            parts.append(self._and())
        return " or ".join(parts)

    def _and(self) -> str:
        parts = [self._unary()]
        while self._at_word("and"):
            self.index += 1
            parts.append(self._unary())
        return " and ".join(parts)

    def _unary(self) -> str:
        token = self._peek()
        if token is not None and token.kind == "punct" and token.text == "(":
            self.index += 1
            inner = self._or()
            self._take("punct", ")")
            return f"({inner})"
        if token is not None and token.kind == "func":
            return self._function(token.text[:-1])
        return self._comparison()

    def _function(self, name: str) -> str:
        if name not in _FUNCTIONS:
            raise _unsupported(f"the function {name}() has no Heard equivalent")
        self.index += 1
        if name in ("true", "false"):
            self._take("punct", ")")
            return name
        if name == "not":
            inner = self._or()
            self._take("punct", ")")
            return f"not ({inner})"
        reference = self._reference(self._take("ref", what="a question such as ${name}"))
        self._take("punct", ",")
        value = self._take("string", what="a quoted choice").text[1:-1]
        self._take("punct", ")")
        return _selected(reference, value)

    def _comparison(self) -> str:
        left = self._operand()
        token = self._peek()
        if token is None or token.kind != "op":
            raise _unsupported("a question or value on its own is not a condition")
        self.index += 1
        right = self._operand()
        return _compare(left, "==" if token.text == "=" else token.text, right)

    def _operand(self) -> Reference | str | float:
        token = self._peek()
        if token is None:
            raise _unsupported("it ends too soon")
        self.index += 1
        if token.kind == "ref":
            return self._reference(token)
        if token.kind == "string":
            return token.text[1:-1]
        if token.kind == "number":
            return float(token.text)
        if token.kind == "punct" and token.text == "-" and self._peek_kind() == "number":
            return -float(self._take("number").text)
        if token.kind == "punct" and token.text == ".":
            raise _unsupported("'.' (this question) has no meaning in a relevant")
        raise _unsupported(f"'{token.text}' is not a question or a value Heard understands")

    def _peek_kind(self) -> str:
        token = self._peek()
        return "" if token is None else token.kind

    def _reference(self, token: _Token) -> Reference:
        name = token.text[2:-1].strip()
        if name in self.dropped:
            raise DroppedReference(name)
        reference = self.references.get(name)
        if reference is None:
            raise ExpressionError(ErrorCode.CONDITION_UNKNOWN_ITEM, item=name)
        return reference


def _selected(reference: Reference, value: str) -> str:
    """Return ``selected(${x}, 'v')`` in Heard's words."""
    if reference.type not in _CHOICE_TYPES:
        raise _unsupported(f"selected() needs a select question, and '{reference.id}' is not one")
    literal = quote(reference.values.get(value, value))
    if reference.type == "multiple_choice":
        return f"{literal} in {reference.id}"
    return f"{reference.id} == {literal}"


def _compare(left: Reference | str | float, operator: str, right: Reference | str | float) -> str:
    if isinstance(right, Reference) and not isinstance(left, Reference):
        mirrored = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(operator, operator)
        return _compare(right, mirrored, left)
    if not isinstance(left, Reference):
        raise _unsupported("it compares two values and no question")
    return f"{left.id} {operator} {_literal(left, right)}"


def _literal(reference: Reference, value: Reference | str | float) -> str:
    """Return `value`, compared with `reference`, as a Heard operand."""
    if isinstance(value, Reference):
        return value.id
    if reference.type == "month_year":
        raise _unsupported("a date cannot be compared, as Heard keeps only its month and year")
    if isinstance(value, str) and value == "":
        raise _unsupported("Heard has no test for an empty answer (= '')")
    if reference.type in _NUMBER_TYPES and isinstance(value, str):
        value = _as_number(value)
    if isinstance(value, float):
        return number_text(value)
    return quote(reference.values.get(value, value))


def _as_number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _unsupported(f"'{text}' is compared with a number question") from None


def number_text(value: float) -> str:
    """Return a number as written in an expression: ``5``, not ``5.0``."""
    return str(int(value)) if value.is_integer() else repr(value)


# --- constraint -> bounds ----------------------------------------------------------


@dataclass(frozen=True)
class Bounds:
    """What a constraint says about a number's range or a text's length."""

    low: float | None = None
    high: float | None = None
    max_length: int | None = None


def constraint_to_bounds(text: str, *, integer: bool) -> Bounds | None:
    """Return the bounds a constraint sets, or None when it is more than bounds.

    Examples
    --------
    >>> constraint_to_bounds(". >= 0 and . <= 120", integer=True)
    Bounds(low=0.0, high=120.0, max_length=None)
    >>> constraint_to_bounds("string-length(.) < 51", integer=True)
    Bounds(low=None, high=None, max_length=50)
    >>> constraint_to_bounds("regex(., '^[0-9]+$')", integer=False) is None
    True
    """
    try:
        tokens = _scan(text)
    except ExpressionError:
        return None
    bounds = Bounds()
    for clause in _split_and(tokens):
        bounds = _add_bound(bounds, clause, integer=integer)
        if bounds is None:
            return None
    return bounds


def _split_and(tokens: list[_Token]) -> list[list[_Token]]:
    clauses: list[list[_Token]] = [[]]
    for token in tokens:
        if token.kind == "word" and token.text == "and":
            clauses.append([])
        else:
            clauses[-1].append(token)
    return clauses


_LENGTH = [_Token("func", "string-length("), _Token("punct", "."), _Token("punct", ")")]
_SELF = [_Token("punct", ".")]


def _add_bound(bounds: Bounds, clause: list[_Token], *, integer: bool) -> Bounds | None:
    """Return `bounds` narrowed by one clause (``. <= 5``, ``0 <= .``), or None."""
    if clause[:3] == _LENGTH and len(clause) == 5 and clause[3].text in ("<", "<="):
        if clause[4].kind != "number" or "." in clause[4].text:
            return None
        length = int(clause[4].text) - (clause[3].text == "<")
        return Bounds(bounds.low, bounds.high, length)
    if len(clause) == 3 and clause[2] == _SELF[0] and clause[1].kind == "op":
        flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(clause[1].text)
        clause = [clause[2], _Token("op", flipped or "="), clause[0]]
    if len(clause) != 3 or clause[0] != _SELF[0] or clause[2].kind != "number":
        return None
    operator, number = clause[1].text, float(clause[2].text)
    if operator in ("<", ">"):
        if not (integer and number.is_integer()):
            return None
        number += 1 if operator == ">" else -1
    if operator in (">", ">="):
        return Bounds(number if bounds.low is None else max(bounds.low, number), bounds.high)
    if operator in ("<", "<="):
        return Bounds(bounds.low, number if bounds.high is None else min(bounds.high, number))
    return None
