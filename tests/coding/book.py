"""A small codebook the codebook tests share, builders of codings on it, and refusals read.

Control (a category) holds Debt bondage and Documents withheld; Fear holds
"of the police".
"""

from __future__ import annotations

import pytest

from coding.errors import CodingError
from coding.model import Code, Codebook, Coding, Note, Project

CONTROL = Code("control", "Control", codable=False)
DEBT = Code("debt", "Debt bondage", parent="control")
PAPERS = Code("papers", "Documents withheld", parent="control")
FEAR = Code("fear", "Fear")
POLICE = Code("police", "of the police", parent="fear")
BOOK = Codebook((CONTROL, DEBT, PAPERS, FEAR, POLICE))


def raised_code(error: pytest.ExceptionInfo[CodingError]) -> str:
    """Return the code of a raised CodingError."""
    return error.value.code


def segment(guid: str, code: str, start: int = 0, end: int = 5, **fields: object) -> Coding:
    """Return a coding by "ann" on document "doc" unless told otherwise."""
    values = {"document": "doc", "coder": "ann", **fields}
    return Coding(guid, code=code, start=start, end=end, **values)  # type: ignore[arg-type]


def project(*codings: Coding, notes: tuple[Note, ...] = ()) -> Project:
    """Return a project on BOOK with `codings`."""
    return Project("p", BOOK, codings=codings, notes=notes)


def names(codebook: Codebook) -> list[str]:
    """Return the names in codebook order."""
    return [code.name for code in codebook.codes]
