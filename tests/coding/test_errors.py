"""The coding catalogue: every code reads as a sentence, is raised, and has a test.

Like tests/instruments/test_error_codes.py, this fails when a code is added
that nothing raises or no test triggers, or when a code stops being raised
and lingers. The checks are static (a search of the source), so a code is
found wherever it is raised: the library, the services or the views.
"""

from __future__ import annotations

import doctest
import re
import string
from pathlib import Path

import pytest

import coding.errors as errors_module
from coding.errors import CodingError, ErrorCode

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "coding" / "errors.py"
THIS = Path(__file__).resolve()

# Codes kept in the catalogue although nothing raises them yet, each with why.
RESERVED: dict[ErrorCode, str] = {}


def _sources(*packages: str) -> str:
    paths = (path for package in packages for path in sorted((ROOT / package).rglob("*.py")))
    return "\n".join(path.read_text(encoding="utf-8") for path in paths if path != CATALOGUE)


RAISERS = _sources("coding", "survey")
TESTS = "\n".join(
    path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "tests").rglob("*.py"))
    if path.resolve() != THIS
)


def _fields(code: ErrorCode) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(code.template) if name}


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(errors_module).failed == 0


@pytest.mark.parametrize("code", list(ErrorCode), ids=lambda code: code.code)
def test_each_code_is_its_own_name_in_upper_snake_case(code: ErrorCode) -> None:
    assert code.code == code.name
    assert re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*", code.code)


@pytest.mark.parametrize("code", list(ErrorCode), ids=lambda code: code.code)
def test_each_message_formats_with_the_names_it_uses_and_reads_as_a_sentence(
    code: ErrorCode,
) -> None:
    fields = _fields(code)
    assert all(name.isidentifier() for name in fields), fields

    message = code.message(**dict.fromkeys(fields, "x"))

    assert message[0].isupper() or message[0] in "'\"“"
    assert message.endswith(".")
    assert "{" not in message and "}" not in message


@pytest.mark.parametrize("code", [c for c in ErrorCode if _fields(c)], ids=lambda c: c.code)
def test_a_message_missing_one_of_its_names_is_a_programming_error(code: ErrorCode) -> None:
    with pytest.raises(KeyError):
        code.message()


@pytest.mark.parametrize("code", list(ErrorCode), ids=lambda code: code.code)
def test_every_code_is_raised_somewhere_or_reserved_with_a_reason(code: ErrorCode) -> None:
    raised = re.search(rf"\bErrorCode\.{code.name}\b", RAISERS) is not None
    if code in RESERVED:
        assert RESERVED[code].strip(), "say why the code is reserved"
        assert not raised, "a reserved code is raised: take it off the reserved list"
    else:
        assert raised, f"nothing in coding/ or survey/ raises {code.code}"


@pytest.mark.parametrize(
    "code", [c for c in ErrorCode if c not in RESERVED], ids=lambda code: code.code
)
def test_every_code_that_is_raised_has_a_test_that_names_it(code: ErrorCode) -> None:
    assert re.search(rf"\b{code.code}\b", TESTS), f"no test triggers {code.code}"


def test_the_error_says_where_before_what() -> None:
    error = CodingError(ErrorCode.CODE_NAME_EMPTY, where="row 4")
    assert str(error) == "row 4: A code needs a name."
    assert error.code == "CODE_NAME_EMPTY" and error.where == "row 4"
