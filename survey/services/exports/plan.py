"""What an export shows: its columns, the missing-value codes, and the plan that shapes rows.

A plan sees every column before anything is written and every batch of rows
before it is written, so a de-identified export can drop, relabel, coarsen or
suppress without the writers knowing. A cell is the exported value, or one of
:data:`MISSING_CODES` for a missing value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from instruments.schema import NON_ANSWER_CODES, Item

SUPPRESSED = "suppressed"
"""The cell of a small group, left out by disclosure control."""
WITHHELD = "withheld"
"""Free text left out of a de-identified export."""

MISSING_CODES: tuple[str, ...] = (*NON_ANSWER_CODES, SUPPRESSED, WITHHELD)
"""Every code a cell may hold for a missing value, in the order exports list them."""

MISSING_LABELS = {
    "prefer_not_to_say": "Prefer not to say",
    "dont_know": "Don't know",
    "not_applicable": "Does not apply to me",
    "skipped": "Not answered",
    "not_shown": "Not asked",
    SUPPRESSED: "Suppressed (small group)",
    WITHHELD: "Withheld (text left out)",
}
"""The label of each missing code, the same in every format."""

SPSS_MISSING = {code: -991 - i for i, code in enumerate(MISSING_CODES)}
"""The number a missing code becomes in a numeric SPSS variable (-991 .. -997)."""

STATA_MISSING = {code: chr(ord("a") + i) for i, code in enumerate(MISSING_CODES)}
"""The extended missing value a code becomes in a numeric Stata variable (.a .. .g)."""

Row = tuple[str, dict[str, object]]
"""One response as the writers see it: its id and ``{column name: cell}``."""


@dataclass(frozen=True)
class Column:
    """One exported variable: its name, label, type, the item and, for 0/1 columns, the option."""

    name: str
    label: str
    type: str
    item: Item | None = None
    option: str | None = None
    described: bool = False
    value_labels: dict = field(default_factory=dict)
    free_text: bool = False


class ExportPlan(Protocol):
    """What one export role shows: which columns, and what each batch of rows becomes."""

    name: str

    def columns(self, columns: list[Column]) -> list[Column]:
        """Return the columns this role exports (a subset, relabelled or retyped)."""
        ...

    def rows(self, batch: list[Row]) -> list[Row]:
        """Return `batch` as this role exports it (cells changed, rows dropped)."""
        ...


class FullPlan:
    """Export every column and every cell as stored: the data steward's full export."""

    name = "full"

    def columns(self, columns: list[Column]) -> list[Column]:
        """Return `columns` unchanged."""
        return columns

    def rows(self, batch: list[Row]) -> list[Row]:
        """Return `batch` unchanged."""
        return batch


def is_missing(cell: object) -> bool:
    """Return True when `cell` is a missing-value code rather than a value."""
    return isinstance(cell, str) and cell in SPSS_MISSING
