"""The draft as a numbered listing, with each problem and lint finding under its line.

Loader problems, lint findings and the placeholders an XLSForm import left
all become notes of one shape (severity, code, message, fix, line), so the
editor shows them the same way beside the line they concern. Notes without a
line are listed apart.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from instruments.lint import lines_of_paths
from survey.services.studio import DraftReport

PLACEHOLDER_MESSAGE = "This text is still a placeholder from the XLSForm import."
PLACEHOLDER_FIX = "Replace it with your own words: the placeholder says what to write."


@dataclass(frozen=True)
class Note:
    """One thing to look at in the draft, where it is, and how to fix it."""

    severity: str
    code: str
    message: str
    fix: str | None
    path: str
    line: int | None


@dataclass(frozen=True)
class Line:
    """One line of the draft and the notes about it."""

    number: int
    text: str
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class Listing:
    """The numbered draft, the notes that have no line, and how many of each severity."""

    lines: tuple[Line, ...]
    unplaced: tuple[Note, ...]
    notes: tuple[Note, ...]

    @property
    def errors(self) -> int:
        """Return how many notes stop publishing."""
        return sum(1 for note in self.notes if note.severity == "error")

    @property
    def warnings(self) -> int:
        """Return how many notes are warnings."""
        return len(self.notes) - self.errors


def notes_of(source: str, report: DraftReport) -> list[Note]:
    """Return every problem, finding and placeholder of `report` as notes, in line order."""
    notes = [
        Note(p.severity, p.code.code, p.message, None, p.path, p.line) for p in report.problems
    ]
    notes += [Note(f.severity, f.code, f.message, f.fix, f.path, f.line) for f in report.findings]
    lines = lines_of_paths(source, report.placeholders)
    notes += [
        Note("error", "XLSFORM_PLACEHOLDER", PLACEHOLDER_MESSAGE, PLACEHOLDER_FIX, p, lines.get(p))
        for p in report.placeholders
    ]
    return sorted(notes, key=lambda note: (note.line is None, note.line or 0))


def listing(source: str, report: DraftReport) -> Listing:
    """Return `source` as numbered lines with the notes of `report` under their lines."""
    notes = notes_of(source, report)
    texts = source.split("\n")
    by_line: dict[int, list[Note]] = defaultdict(list)
    unplaced = []
    for note in notes:
        if note.line is not None and 1 <= note.line <= len(texts):
            by_line[note.line].append(note)
        else:
            unplaced.append(note)
    lines = tuple(
        Line(number, text, tuple(by_line.get(number, ()))) for number, text in enumerate(texts, 1)
    )
    return Listing(lines, tuple(unplaced), tuple(notes))
