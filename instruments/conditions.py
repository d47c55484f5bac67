"""Conditions (``show_if``): a small expression language, parsed by our own code.

:mod:`instruments._condition_syntax` scans and parses the text (never with
``eval``) into a tree; this module wraps the tree in a :class:`Condition`,
evaluates it against answers and lists what it compares. Evaluation never
raises: a comparison that cannot be made (a missing answer, a non-answer, a
number against text) is simply false.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from operator import ge, gt, le, lt

from instruments._condition_syntax import (
    COMPARISON_OPERATORS,
    KEYWORDS,
    MAX_CONDITION_DEPTH,
    MAX_CONDITION_LENGTH,
    And,
    Compare,
    ConditionSyntaxError,
    ItemRef,
    Literal,
    Membership,
    Node,
    Not,
    Or,
    parse_expression,
)
from instruments.schema import NON_ANSWER_CODES

__all__ = [
    "COMPARISON_OPERATORS",
    "KEYWORDS",
    "MAX_CONDITION_DEPTH",
    "MAX_CONDITION_LENGTH",
    "And",
    "Compare",
    "Comparison",
    "Condition",
    "ConditionSyntaxError",
    "ItemRef",
    "Literal",
    "Membership",
    "Node",
    "Not",
    "Or",
    "parse_condition",
]

_MISSING = object()


@dataclass(frozen=True)
class Comparison:
    """One place where a condition compares an item's answer.

    `value` is the literal compared with the item, or None when the item is
    compared with another item or expression. `operator` is one of
    :data:`COMPARISON_OPERATORS` (with the item on the left), ``in`` or
    ``not in``.
    """

    item: str
    operator: str
    value: str | int | float | bool | None


# --- The condition ------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """A parsed ``show_if`` condition; build one with :func:`parse_condition`."""

    source: str
    expression: Node = field(repr=False)
    references: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        names = frozenset(node.name for node in _walk(self.expression) if isinstance(node, ItemRef))
        object.__setattr__(self, "references", names)

    def evaluate(self, answers: Mapping[str, object]) -> bool:
        """Return whether the condition holds for `answers` (item id -> value).

        Parameters
        ----------
        answers
            The answers so far: a str, a list of str (multiple_choice), a
            number, or a non-answer code. A missing key is an unanswered item.

        Returns
        -------
        bool
            True when the condition holds. Never raises for any answers.

        Examples
        --------
        >>> c = parse_condition("contact == 'yes' and 'arrested' in outcomes")
        >>> c.evaluate({"contact": "yes", "outcomes": ["arrested", "charged"]})
        True
        >>> c.evaluate({"contact": "prefer_not_to_say"})
        False
        """
        return _truth(self.expression, answers)

    def comparisons(self) -> tuple[Comparison, ...]:
        """Return every comparison of an item's answer, in reading order."""
        return tuple(_comparisons(self.expression))

    def string_literals(self) -> frozenset[str]:
        """Return every quoted string written in the condition."""
        return frozenset(
            node.value
            for node in _walk(self.expression)
            if isinstance(node, Literal) and isinstance(node.value, str)
        )

    def __str__(self) -> str:
        return self.source


def parse_condition(text: str) -> Condition:
    """Parse `text` into a :class:`Condition`.

    Parameters
    ----------
    text
        The condition, for example ``"q1 == 'yes' and not ('a' in q2)"``.

    Returns
    -------
    Condition
        The parsed condition, with the item ids it names in `references`.

    Raises
    ------
    ConditionSyntaxError
        When `text` does not follow the grammar, is longer than
        :data:`MAX_CONDITION_LENGTH` or nests deeper than
        :data:`MAX_CONDITION_DEPTH`; `column` says where.

    Examples
    --------
    >>> parse_condition("age >= 18 or consent == 'yes'").references == {"age", "consent"}
    True
    """
    return Condition(text, parse_expression(text))


# --- Walking and evaluating ------------------------------------------------------


def _walk(node: Node) -> Iterator[Node]:
    """Yield `node` and every node below it, depth first."""
    yield node
    if isinstance(node, Compare):
        yield from _walk(node.left)
        yield from _walk(node.right)
    elif isinstance(node, Membership):
        yield from _walk(node.value)
        yield node.item
    elif isinstance(node, Not):
        yield from _walk(node.operand)
    elif isinstance(node, And | Or):
        for operand in node.operands:
            yield from _walk(operand)


_MIRRORED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _comparisons(expression: Node) -> Iterator[Comparison]:
    """Yield a :class:`Comparison` for every item compared in `expression`."""
    for node in _walk(expression):
        if isinstance(node, Membership):
            literal = node.value.value if isinstance(node.value, Literal) else None
            yield Comparison(node.item.name, "not in" if node.negated else "in", literal)
        elif isinstance(node, Compare):
            pairs = ((node.left, node.right, node.operator),)
            pairs += ((node.right, node.left, _MIRRORED[node.operator]),)
            for item, other, operator in pairs:
                if isinstance(item, ItemRef):
                    literal = other.value if isinstance(other, Literal) else None
                    yield Comparison(item.name, operator, literal)


def _truth(node: Node, answers: Mapping[str, object]) -> bool:
    """Return the truth of a boolean node (the parser refuses bare values)."""
    if isinstance(node, Or):
        return any(_truth(operand, answers) for operand in node.operands)
    if isinstance(node, And):
        return all(_truth(operand, answers) for operand in node.operands)
    if isinstance(node, Not):
        return not _truth(node.operand, answers)
    if isinstance(node, Compare):
        return _compare(node, answers)
    if isinstance(node, Membership):
        return _member(node, answers)
    return isinstance(node, Literal) and node.value is True


def _value(node: Node, answers: Mapping[str, object]) -> object:
    """Return the value of an operand, or ``_MISSING`` for an unanswered item."""
    if isinstance(node, ItemRef):
        return answers.get(node.name, _MISSING)
    if isinstance(node, Literal):
        return node.value
    return _truth(node, answers)


def _holds_non_answer(node: Node, value: object) -> bool:
    return isinstance(node, ItemRef) and isinstance(value, str) and value in NON_ANSWER_CODES


def _compare(node: Compare, answers: Mapping[str, object]) -> bool:
    """Compare two operands; anything that cannot be compared is false."""
    left, right = _value(node.left, answers), _value(node.right, answers)
    if left is _MISSING or right is _MISSING:
        return False
    if _holds_non_answer(node.left, left) or _holds_non_answer(node.right, right):
        # A non-answer equals only its own code: every other comparison is false.
        return node.operator == "==" and left == right
    kind = _kind(left)
    if kind != _kind(right) or kind == "other":
        return False
    if node.operator in ("==", "!="):
        return (left == right) == (node.operator == "==")
    if kind not in ("number", "string"):
        return False
    return _ORDERINGS[node.operator](left, right)


_ORDERINGS = {"<": lt, "<=": le, ">": gt, ">=": ge}


def _kind(value: object) -> str:
    """Return which values `value` may be compared with."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "list"
    return "other"


def _member(node: Membership, answers: Mapping[str, object]) -> bool:
    """Return whether a value is (or is not) among the choices of an item."""
    value = _value(node.value, answers)
    chosen = answers.get(node.item.name, _MISSING)
    if value is _MISSING or _holds_non_answer(node.value, value):
        return False
    if not isinstance(chosen, list | tuple):
        return False  # unanswered, a non-answer, or not a multiple choice
    return (value in chosen) != node.negated
