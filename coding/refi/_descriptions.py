"""How Heard's richer fields travel in REFI-QDA's one ``<Description>`` text.

A code's Description holds its definition, then each non-empty guidance field
under a label line of its own, after a blank line::

    Wages withheld, or paid to someone else.

    When to use:
    Any mention of pay kept back.

    When not to use:
    Debts (use Debt bondage).

    Example:
    "He kept my wages for the flat."

Another tool shows this as readable text; Heard reads it back into the fields.
A description without the labels (what other tools write) is the definition.

A coded segment's Description is its memo; a segment marked distressing starts
with the line ``Content warning: distressing`` (readable in any tool).

Both layouts are lossless: a line of a field that is exactly a label (or a
label after backslashes) gains one more leading backslash when written and
loses it when read, so no text a person typed is mistaken for a label.
"""

from __future__ import annotations

from itertools import pairwise

CODE_LABELS = (
    ("when_to_use", "When to use:"),
    ("when_not_to_use", "When not to use:"),
    ("example", "Example:"),
)
CODE_FIELDS = ("definition", *(field for field, _ in CODE_LABELS))
DISTRESSING = "Content warning: distressing"

_LABEL_TEXTS = tuple(label for _, label in CODE_LABELS)


def compose_code_description(fields: dict[str, str]) -> str:
    """Return the Description text for a code's definition and guidance fields.

    Examples
    --------
    >>> compose_code_description({"definition": "Pay kept back.", "example": "My wages"})
    'Pay kept back.\\n\\nExample:\\nMy wages'
    """
    parts = (
        [_escape(fields.get("definition", ""), _LABEL_TEXTS)] if fields.get("definition") else []
    )
    for field, label in CODE_LABELS:
        if fields.get(field):
            parts.append(f"{label}\n{_escape(fields[field], _LABEL_TEXTS)}")
    return "\n\n".join(parts)


def parse_code_description(text: str) -> dict[str, str]:
    """Return the definition and guidance fields held in a code's Description.

    Examples
    --------
    >>> parse_code_description("Pay kept back.\\n\\nExample:\\nMy wages")["example"]
    'My wages'
    >>> parse_code_description("Anything about jobs or taxes")["definition"]
    'Anything about jobs or taxes'
    """
    fields = dict.fromkeys(CODE_FIELDS, "")
    lines = text.split("\n")
    marks = [
        (i, rank)
        for i, line in enumerate(lines)
        for rank, label in enumerate(_LABEL_TEXTS)
        if line == label
    ]
    if not _well_placed(marks, lines):
        fields["definition"] = _unescape(text, _LABEL_TEXTS)
        return fields
    ends = [i - 1 for i, _ in marks[1:]] + [len(lines)]
    first = marks[0][0] if marks else len(lines) + 1
    fields["definition"] = _unescape("\n".join(lines[: max(first - 1, 0)]), _LABEL_TEXTS)
    for (i, rank), end in zip(marks, ends):
        value = "\n".join(lines[i + 1 : max(end, i + 1)])
        fields[CODE_LABELS[rank][0]] = _unescape(value, _LABEL_TEXTS)
    return fields


def _well_placed(marks: list[tuple[int, int]], lines: list[str]) -> bool:
    """Return True when the label lines follow Heard's layout: in order, after a blank line."""
    ranks = [rank for _, rank in marks]
    if ranks != sorted(set(ranks)):
        return False
    positions = [i for i, _ in marks]
    after_blank = all(i == 0 or lines[i - 1] == "" for i in positions)
    spaced = all(b - a >= 2 for a, b in pairwise(positions))
    return after_blank and spaced


def compose_selection_description(memo: str, distressing: bool) -> str:
    """Return the Description text of a coded segment: its memo, after a content warning.

    Examples
    --------
    >>> compose_selection_description("Mentions the boss.", True)
    'Content warning: distressing\\nMentions the boss.'
    """
    escaped = _escape(memo, (DISTRESSING,))
    if not distressing:
        return escaped
    return f"{DISTRESSING}\n{escaped}" if memo else DISTRESSING


def parse_selection_description(text: str) -> tuple[str, bool]:
    """Return ``(memo, distressing)`` from a coded segment's Description.

    Examples
    --------
    >>> parse_selection_description("Content warning: distressing\\nMentions the boss.")
    ('Mentions the boss.', True)
    """
    if text == DISTRESSING:
        return "", True
    if text.startswith(DISTRESSING + "\n"):
        return _unescape(text[len(DISTRESSING) + 1 :], (DISTRESSING,)), True
    return _unescape(text, (DISTRESSING,)), False


def _escape(text: str, labels: tuple[str, ...]) -> str:
    return "\n".join("\\" + line if _is_label(line, labels) else line for line in text.split("\n"))


def _unescape(text: str, labels: tuple[str, ...]) -> str:
    return "\n".join(
        line[1:] if line.startswith("\\") and _is_label(line, labels) else line
        for line in text.split("\n")
    )


def _is_label(line: str, labels: tuple[str, ...]) -> bool:
    """Return True for a label, or a label after any number of backslashes."""
    return line.lstrip("\\") in labels
