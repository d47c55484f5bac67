"""The coding domain as plain data: what a codebook, a document and a coding are.

These frozen dataclasses are the contract between the `coding` library and
everything around it: the application turns its rows into them, the REFI-QDA
reader and writer exchange them, the agreement statistics unitise them. An
analyst can build them by hand in a notebook.

Identifiers are GUID strings (lower case, no braces, as `str(uuid.uuid4())`
gives them): they are what REFI-QDA calls `guid`, and they never reveal order
or volume.

Offsets are Unicode code points over NFC text with `\\n` line endings, start
inclusive, end exclusive (the REFI-QDA convention); `coding.text` converts at
the edges.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

DEFAULT_COLOUR = "#5B6770"


def new_guid() -> str:
    """Return a new random GUID in the canonical form (lower case, no braces)."""
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Code:
    """A code, or a category (``codable=False``) that only groups codes.

    Parameters
    ----------
    guid : str
        Identifier, stable across renames, moves and exchange.
    name : str
        Short name shown to coders; unique among its siblings.
    parent : str or None
        GUID of the parent code or category; None at the top level.
    codable : bool
        False for a category: it groups codes but cannot be applied to text.
    definition, when_to_use, when_not_to_use, example : str
        The codebook entry coders read before applying the code.
    colour : str
        ``#RRGGBB``.
    """

    guid: str
    name: str
    parent: str | None = None
    codable: bool = True
    definition: str = ""
    when_to_use: str = ""
    when_not_to_use: str = ""
    example: str = ""
    colour: str = DEFAULT_COLOUR


@dataclass(frozen=True)
class Codebook:
    """An ordered tree of codes: a parent always comes before its children."""

    codes: tuple[Code, ...] = ()
    name: str = "Codebook"

    def by_guid(self) -> dict[str, Code]:
        """Return the codes keyed by GUID."""
        return {code.guid: code for code in self.codes}

    def children(self, guid: str | None) -> list[Code]:
        """Return the direct children of `guid` (None for the top level), in order."""
        return [code for code in self.codes if code.parent == guid]

    def path(self, guid: str, sep: str = "/") -> str:
        """Return the code's path from the top, names joined by `sep`."""
        codes = self.by_guid()
        names: list[str] = []
        seen: set[str] = set()
        current: str | None = guid
        while current is not None and current not in seen:
            seen.add(current)
            code = codes[current]
            names.append(code.name)
            current = code.parent
        return sep.join(reversed(names))


@dataclass(frozen=True)
class Case:
    """An anonymous case: one respondent (or interviewee), never a name.

    ``attributes`` are the case's variables (closed answers, coarse
    demographics), as value labels or non-answer codes.
    """

    guid: str
    name: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    """A codable text: a free-text answer or an interview transcript.

    ``text`` is NFC with ``\\n`` line endings. ``question`` is the item id the
    answer was given to (None for a transcript); ``kind`` is ``"answer"`` or
    ``"transcript"``.
    """

    guid: str
    name: str
    text: str
    case: str | None = None
    question: str | None = None
    kind: str = "answer"


@dataclass(frozen=True)
class Coder:
    """Who coded: a person, an imported coder, or the consensus."""

    guid: str
    name: str
    kind: str = "person"  # "person", "consensus" or "imported"


@dataclass(frozen=True)
class Coding:
    """One code applied by one coder to the span ``[start, end)`` of one document."""

    guid: str
    document: str
    code: str
    coder: str
    start: int
    end: int
    memo: str = ""
    distressing: bool = False


@dataclass(frozen=True)
class Note:
    """A memo on a code, a document, or the project (``target`` None)."""

    guid: str
    text: str
    target: str | None = None
    author: str | None = None
    name: str = "Memo"


@dataclass(frozen=True)
class Project:
    """Everything a coding project holds, as REFI-QDA exchanges it."""

    name: str
    codebook: Codebook = field(default_factory=Codebook)
    documents: tuple[Document, ...] = ()
    cases: tuple[Case, ...] = ()
    coders: tuple[Coder, ...] = ()
    codings: tuple[Coding, ...] = ()
    notes: tuple[Note, ...] = ()
    description: str = ""
