"""Every XLSForm code is reported at its sheet and row, with its severity, by a tiny workbook."""

from __future__ import annotations

import pytest

from instruments.errors import ERROR, WARNING, ErrorCode, Problem
from instruments.xlsform import load_xlsform
from tests.instruments.xlsform_cases import XLSFORM_CASES, XLSFormCase


@pytest.mark.parametrize("case", XLSFORM_CASES, ids=lambda case: case.code.code)
def test_each_xlsform_code_is_reported_at_its_sheet_and_row(case: XLSFormCase) -> None:
    result = load_xlsform(case.upload(), filename=case.filename)

    reported = [(p.path, p.line, p.severity) for p in result.problems if p.code is case.code]

    assert (case.path, case.line, case.severity) in reported, "\n".join(map(str, result.problems))


@pytest.mark.parametrize(
    "case", [c for c in XLSFORM_CASES if c.severity == ERROR], ids=lambda case: case.code.code
)
def test_an_error_means_no_instrument(case: XLSFormCase) -> None:
    assert load_xlsform(case.upload(), filename=case.filename).instrument is None


@pytest.mark.parametrize(
    "case", [c for c in XLSFORM_CASES if c.severity == WARNING], ids=lambda case: case.code.code
)
def test_a_warning_alone_still_gives_the_instrument(case: XLSFormCase) -> None:
    result = load_xlsform(case.upload(), filename=case.filename)

    assert result.errors == ()
    assert result.instrument is not None


def test_every_problem_names_the_uploaded_file() -> None:
    result = load_xlsform(XLSFORM_CASES[0].upload(), filename="my form.xlsx")

    assert {problem.file for problem in result.problems} == {"my form.xlsx"}


def test_a_warning_says_so_when_printed() -> None:
    problem = Problem(
        ErrorCode.XLSFORM_NAME_CHANGED, "survey row 3", "Renamed.", "f.xlsx", 3, WARNING
    )

    assert str(problem) == "f.xlsx:3: survey row 3: [XLSFORM_NAME_CHANGED] (warning) Renamed."


def test_a_problem_is_an_error_unless_said_otherwise() -> None:
    problem = Problem(ErrorCode.ITEMS_EMPTY, "sections[0].items", "Add one.")

    assert problem.severity == ERROR and problem.is_error


def test_a_severity_other_than_error_or_warning_is_refused() -> None:
    with pytest.raises(ValueError, match="severity"):
        Problem(ErrorCode.ITEMS_EMPTY, "", "Add one.", severity="info")
