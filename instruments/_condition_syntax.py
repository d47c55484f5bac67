"""The syntax of conditions (``show_if``): the tree, the scanner and the parser.

The grammar is in ``docs/instrument-format.md``. A hand-written scanner and a
recursive-descent parser turn the text into a tree of small frozen dataclasses;
nothing here calls ``eval``, ``compile`` or ``ast``. The public names are
re-exported by :mod:`instruments.conditions`, which is where to import them from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MAX_CONDITION_LENGTH = 1000
"""The longest condition accepted, in characters."""

MAX_CONDITION_DEPTH = 50
"""The deepest nesting of parentheses and ``not`` accepted."""

COMPARISON_OPERATORS = ("==", "!=", "<", "<=", ">", ">=")
KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})


class ConditionSyntaxError(ValueError):
    """A condition could not be parsed; `column` (1-based) says where."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} (column {column})")
        self.message = message
        self.column = column


# --- The tree ---------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    """A string, number, or ``true``/``false`` written in the condition."""

    value: str | int | float | bool


@dataclass(frozen=True)
class ItemRef:
    """The answer to the item called `name`."""

    name: str


@dataclass(frozen=True)
class Compare:
    """``left OP right`` for one of :data:`COMPARISON_OPERATORS`."""

    operator: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Membership:
    """``value in item`` (or ``value not in item``) for a multiple_choice item."""

    value: Node
    item: ItemRef
    negated: bool = False


@dataclass(frozen=True)
class Not:
    """``not operand``."""

    operand: Node


@dataclass(frozen=True)
class And:
    """``a and b and ...``."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """``a or b or ...``."""

    operands: tuple[Node, ...]


Node = Literal | ItemRef | Compare | Membership | Not | And | Or


def parse_expression(text: str) -> Node:
    """Return the tree of `text`, refusing it when too long, empty or ungrammatical."""
    if len(text) > MAX_CONDITION_LENGTH:
        raise ConditionSyntaxError(
            f"it is longer than {MAX_CONDITION_LENGTH} characters", MAX_CONDITION_LENGTH + 1
        )
    if not text.strip():
        raise ConditionSyntaxError("the condition is empty", 1)
    return _Parser(_scan(text)).parse()


# --- Scanning -----------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "name", "keyword", "string", "number", "op", "end"
    text: str
    column: int
    value: str | int | float | None = None


_TWO_CHAR_OPERATORS = ("==", "!=", "<=", ">=")
_ONE_CHAR_OPERATORS = ("<", ">", "(", ")")
_HINTS = {
    "=": "use == to compare",
    "&": "use 'and'",
    "|": "use 'or'",
    "!": "use 'not' or !=",
}


def _scan(text: str) -> list[_Token]:
    """Split `text` into tokens, ending with an ``end`` token."""
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char.isspace():
            position += 1
            continue
        token = _scan_one(text, position)
        tokens.append(token)
        position += len(token.text)
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


def _scan_one(text: str, position: int) -> _Token:
    """Return the token that starts at `position`."""
    char, column = text[position], position + 1
    if text.startswith(_TWO_CHAR_OPERATORS, position):
        return _Token("op", text[position : position + 2], column)
    if char in _ONE_CHAR_OPERATORS:
        return _Token("op", char, column)
    if char in "'\"":
        end = text.find(char, position + 1)
        if end < 0:
            raise ConditionSyntaxError("this string has no closing quote", column)
        return _Token("string", text[position : end + 1], column, text[position + 1 : end])
    if char.isascii() and (char.isdigit() or (char == "-" and _digit_at(text, position + 1))):
        return _scan_number(text, position)
    if char.isascii() and char.isalpha():
        end = position
        while end < len(text) and _is_name_char(text[end]):
            end += 1
        word = text[position:end]
        return _Token("keyword" if word in KEYWORDS else "name", word, column)
    hint = _HINTS.get(char)
    raise ConditionSyntaxError(
        f"unexpected character {char!r}" + (f": {hint}" if hint else ""), column
    )


def _scan_number(text: str, position: int) -> _Token:
    """Return the number token (``-12``, ``3.5``) that starts at `position`."""
    end = position + 1
    while _digit_at(text, end):
        end += 1
    is_float = text.startswith(".", end) and _digit_at(text, end + 1)
    if is_float:
        end += 1
        while _digit_at(text, end):
            end += 1
    if end < len(text) and (_is_name_char(text[end]) or text[end] == "."):
        raise ConditionSyntaxError("a number must not run into letters or dots", end + 1)
    number = text[position:end]
    value: int | float = float(number) if is_float else int(number)
    return _Token("number", number, position + 1, value)


def _digit_at(text: str, position: int) -> bool:
    return position < len(text) and text[position] in "0123456789"


def _is_name_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


# --- Parsing ------------------------------------------------------------------


class _Parser:
    """Recursive descent over the grammar, one method per rule."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def parse(self) -> Node:
        """Return the tree of the whole condition."""
        start = self._peek()
        node = self._check_boolean(self._or(), start)
        if self._peek().kind != "end":
            raise self._unexpected()
        return node

    def _or(self) -> Node:
        return self._chain("or", self._and, Or)

    def _and(self) -> Node:
        return self._chain("and", self._not, And)

    def _chain(self, keyword: str, rule: Callable[[], Node], combine: type[And | Or]) -> Node:
        """Parse ``rule (keyword rule)*``; a lone operand passes through unchecked."""
        start = self._peek()
        first = rule()
        if self._peek().text != keyword:
            return first
        operands = [self._check_boolean(first, start)]
        while self._accept("keyword", keyword):
            start = self._peek()
            operands.append(self._check_boolean(rule(), start))
        return combine(tuple(operands))

    def _not(self) -> Node:
        if not self._accept("keyword", "not"):
            return self._comparison()
        self._descend()
        start = self._peek()
        operand = self._check_boolean(self._not(), start)
        self.depth -= 1
        return Not(operand)

    def _comparison(self) -> Node:
        left = self._operand()
        token = self._peek()
        if token.kind == "op" and token.text in COMPARISON_OPERATORS:
            self.index += 1
            return Compare(token.text, left, self._operand())
        if self._accept("keyword", "in"):
            return Membership(left, self._item_name())
        if token.text == "not" and self._peek(1).text == "in":
            self.index += 2
            return Membership(left, self._item_name(), negated=True)
        return left

    def _operand(self) -> Node:
        token = self._peek()
        self.index += 1
        if token.kind == "name":
            return ItemRef(token.text)
        if token.kind in ("string", "number"):
            return Literal(token.value)  # type: ignore[arg-type]
        if token.text in ("true", "false"):
            return Literal(token.text == "true")
        if token.text == "(":
            self._descend()
            node = self._or()
            self._expect(")")
            self.depth -= 1
            return node
        self.index -= 1
        raise self._unexpected("an item, a value or '('")

    def _item_name(self) -> ItemRef:
        token = self._peek()
        if token.kind != "name":
            raise self._unexpected("the id of a multiple_choice item after 'in'")
        self.index += 1
        return ItemRef(token.text)

    @staticmethod
    def _check_boolean(node: Node, start: _Token) -> Node:
        """Refuse a bare item or value where a true/false condition must stand."""
        if isinstance(node, ItemRef):
            raise ConditionSyntaxError(
                f"'{node.name}' on its own is not a condition: compare it, "
                f"for example {node.name} == 'yes'",
                start.column,
            )
        if isinstance(node, Literal) and not isinstance(node.value, bool):
            raise ConditionSyntaxError(
                f"{node.value!r} on its own is not a condition: compare it with an item",
                start.column,
            )
        return node

    def _descend(self) -> None:
        self.depth += 1
        if self.depth > MAX_CONDITION_DEPTH:
            raise ConditionSyntaxError(
                f"it is nested more than {MAX_CONDITION_DEPTH} levels deep",
                self.tokens[self.index - 1].column,
            )

    def _peek(self, ahead: int = 0) -> _Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def _accept(self, kind: str, text: str) -> bool:
        token = self._peek()
        if token.kind == kind and token.text == text:
            self.index += 1
            return True
        return False

    def _expect(self, text: str) -> None:
        if not self._accept("op", text):
            raise self._unexpected(f"'{text}'")

    def _unexpected(self, expected: str | None = None) -> ConditionSyntaxError:
        token = self._peek()
        found = "the end of the condition" if token.kind == "end" else f"'{token.text}'"
        wanted = f"expected {expected} but found {found}" if expected else f"unexpected {found}"
        return ConditionSyntaxError(wanted, token.column)
