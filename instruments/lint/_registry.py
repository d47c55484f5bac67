"""The rule registry: what a lint rule is, what it finds, and the one table of rules.

A rule is a small function that looks at a loaded :class:`Instrument` and
yields a :class:`Hit` for each problem; :func:`rule` registers it with its
stable code, severity, title, explanation and general fix, so the studio, the
CLI and ``docs/lint-rules.md`` all list the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from instruments.schema import Instrument

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True)
class Finding:
    """One thing the lint found, where it is, why it matters and how to fix it.

    Attributes
    ----------
    code
        The rule's stable code, such as ``"REQUIRED_SENSITIVE"``.
    severity
        ``"error"`` (do not publish as it is) or ``"warning"`` (review it).
    path
        The key path in the loader's style, such as ``sections[2].items[0].label``.
    message
        What is wrong here, and why it matters for the people who answer.
    fix
        A concrete change that would clear the finding.
    section_id, item_id
        The section and item the finding is about, when it is about one.
    language
        The language of the text the finding is about, when it is about a text.
    line
        The line of `path` in the instrument's YAML, when the instrument has its source.
    """

    code: str
    severity: Severity
    path: str
    message: str
    fix: str
    section_id: str | None = None
    item_id: str | None = None
    language: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Place:
    """Where a finding points: a key path and the section and item it lies in."""

    path: str
    section_id: str | None = None
    item_id: str | None = None

    def at(self, key: str | int) -> Place:
        """Return the place of `key` below this one (``sections[2]`` -> ``sections[2].title``)."""
        path = f"{self.path}[{key}]" if isinstance(key, int) else f"{self.path}.{key}"
        return Place(path if self.path else str(key), self.section_id, self.item_id)


@dataclass(frozen=True)
class Hit:
    """What a rule function yields: a place, a message and a fix, before code and severity."""

    place: Place
    message: str
    fix: str
    language: str | None = None


Check = Callable[[Instrument], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A registered lint rule.

    Attributes
    ----------
    code
        Stable UPPER_SNAKE code; never reused for another meaning.
    severity
        ``"error"`` or ``"warning"``.
    title
        What the rule looks for, in one line.
    explanation
        Why it matters for the people who answer.
    fix
        What to do about it, in general; each finding gives its own fix too.
    check
        The function that finds the problems.
    """

    code: str
    severity: Severity
    title: str
    explanation: str
    fix: str
    check: Check = field(repr=False, compare=False)

    def run(self, instrument: Instrument) -> list[Finding]:
        """Return this rule's findings on `instrument`."""
        return [
            Finding(
                code=self.code,
                severity=self.severity,
                path=hit.place.path,
                message=hit.message,
                fix=hit.fix,
                section_id=hit.place.section_id,
                item_id=hit.place.item_id,
                language=hit.language,
            )
            for hit in self.check(instrument)
        ]


RULES: dict[str, Rule] = {}
"""Every rule, by code, in the order they were registered (the order the docs list them)."""


def rule(
    code: str, severity: Severity, *, title: str, explanation: str, fix: str
) -> Callable[[Check], Check]:
    """Register the decorated function as the rule `code`; a code may be registered once."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"the lint rule {code} is registered twice")
        RULES[code] = Rule(code, severity, title, explanation, fix, check)
        return check

    return register
