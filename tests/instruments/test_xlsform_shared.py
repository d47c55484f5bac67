"""The real XLSForms in shared/data/xlsform (pyxform's test forms): what each import gives.

Every form either imports (perhaps with warnings) or is refused with problems
that each name a sheet and row; none raises. The forms are read, never written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from instruments.errors import ErrorCode
from instruments.xlsform import XLSFormResult, load_xlsform

REPO = Path(__file__).resolve().parents[2]
FORMS = REPO.parent / "shared" / "data" / "xlsform"

pytestmark = pytest.mark.skipif(
    not FORMS.is_dir(), reason=f"the shared XLSForms are not at {FORMS} (no ../shared checkout)"
)

C = ErrorCode
# For each form: does it import, and errors (code, sheet and row) it must report.
EXPECTED: dict[str, tuple[bool, set[tuple[ErrorCode, str]]]] = {
    "extra_sheet_names.xlsx": (True, set()),
    "tutorial.xls": (False, {
        (C.XLSFORM_UNSUPPORTED_TYPE, "survey row 2"),  # begin repeat
        (C.IDENTIFIER_REQUESTED, "survey row 3"),  # text "name"
    }),
    "widgets.xls": (False, {
        (C.XLSFORM_UNSUPPORTED_TYPE, "survey row 6"),  # time
        (C.XLSFORM_LABEL_REFERENCE, "survey row 10"),  # ${my_trigger} in a label
        (C.XLSFORM_UNSUPPORTED_TYPE, "survey row 11"),  # geopoint
        (C.XLSFORM_UNSUPPORTED_TYPE, "survey row 12"),  # barcode
        (C.XLSFORM_UNSUPPORTED_TYPE, "survey row 13"),  # image
        (C.XLSFORM_UNSUPPORTED_TYPE, "survey row 14"),  # audio
        (C.XLSFORM_UNSUPPORTED_TYPE, "survey row 15"),  # video
        (C.XLSFORM_UNSUPPORTED_TYPE, "survey row 17"),  # geopoint
        (C.XLSFORM_UNSUPPORTED_TYPE, "survey row 18"),  # dateTime
        (C.MISSING_KEY, "choices row 23"),  # a choice with only an image
        (C.MISSING_KEY, "choices row 24"),
    }),
    "xlsform_spec_test.xlsx": (False, {
        (C.XLSFORM_TRANSLATION_CODE_MISSING, "survey row 1"),  # plain hint beside label::english
        (C.TRANSLATION_MISSING, "survey row 2"),  # label::chinese makes zh a language; no zh here
        (C.IDENTIFIER_REQUESTED, "survey row 4"),  # "Enter your name"
        (C.XLSFORM_LABEL_REFERENCE, "survey row 5"),  # ${my_name}
        (C.IDENTIFIER_REQUESTED, "survey row 6"),  # an address
        (C.XLSFORM_RELEVANT_UNSUPPORTED, "survey row 7"),  # regex()
        (C.XLSFORM_UNSUPPORTED_TYPE, "survey row 15"),  # begin repeat
        (C.XLSFORM_UNSUPPORTED_TYPE, "survey row 40"),  # calculate
        (C.XLSFORM_IDENTIFYING_METADATA, "survey row 42"),  # start
        (C.XLSFORM_IDENTIFYING_METADATA, "survey row 44"),  # end
        (C.XLSFORM_IDENTIFYING_METADATA, "survey row 46"),  # today
        (C.XLSFORM_IDENTIFYING_METADATA, "survey row 48"),  # deviceid
        (C.XLSFORM_IDENTIFYING_METADATA, "survey row 50"),  # uri:deviceid
        (C.XLSFORM_IDENTIFYING_METADATA, "survey row 52"),  # phonenumber
        (C.XLSFORM_TRANSLATION_CODE_MISSING, "choices row 1"),  # plain label beside label::chinese
        (C.MISSING_KEY, "choices row 4"),  # a choice with only an image
    }),
    "case_insensitivity.xlsx": (False, {
        (C.XLSFORM_UNSUPPORTED_TYPE, "survey row 3"),  # select_one_external
        (C.XLSFORM_UNSUPPORTED_TYPE, "survey row 4"),  # osm
    }),
    "choice_filter_test.xlsx": (False, {
        (C.XLSFORM_COLUMN_UNSUPPORTED, "survey row 3"),  # choice_filter
        (C.XLSFORM_COLUMN_UNSUPPORTED, "survey row 4"),
        (C.DUPLICATE_CHOICE, "choices row 6"),  # 'king' twice, told apart only by the filter
    }),
    "field-list.xlsx": (False, {
        (C.XLSFORM_TRANSLATION_CODE_MISSING, "survey row 1"),  # plain hint beside label::english
        (C.TRANSLATION_MISSING, "survey row 3"),  # the question has no Chinese label
        (C.XLSFORM_TRANSLATION_CODE_MISSING, "choices row 1"),  # plain label beside label::chinese
    }),
    "group.xlsx": (False, {
        (C.IDENTIFIER_REQUESTED, "survey row 2"),  # family_name
        (C.IDENTIFIER_REQUESTED, "survey row 4"),  # type "phone number"
    }),
    "specify_other.xlsx": (True, set()),
    "table-list.xls": (False, {
        (C.MISSING_KEY, "choices row 23"),  # choices with only an image
        (C.MISSING_KEY, "choices row 24"),
    }),
    "text_and_integer.xlsx": (False, {(C.IDENTIFIER_REQUESTED, "survey row 2")}),  # your name
    "yes_or_no_question.xlsx": (True, set()),
    "invalid/bad_calc.xlsx": (False, {(C.XLSFORM_UNSUPPORTED_TYPE, "survey row 2")}),
    "invalid/badly_named_choices_sheet.xls": (False, {(C.IDENTIFIER_REQUESTED, "survey row 3")}),
    "invalid/duplicate_columns.xlsx": (False, {(C.XLSFORM_DUPLICATE_COLUMN, "")}),
    "invalid/spaces_in_choices_header.xls": (False, {
        (C.XLSFORM_COLUMN_UNSUPPORTED, "survey row 2"),  # choice_filter
    }),
}  # fmt: skip


def _load(name: str) -> XLSFormResult:
    return load_xlsform(FORMS / name)


def test_every_shared_form_has_an_expectation() -> None:
    forms = {str(p.relative_to(FORMS)) for p in FORMS.rglob("*") if p.suffix in (".xls", ".xlsx")}

    assert forms == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_shared_form_imports_or_reports_its_rows(name: str) -> None:
    imports, errors = EXPECTED[name]

    result = _load(name)

    assert (result.instrument is not None) == imports, "\n".join(map(str, result.problems))
    assert errors <= {(p.code, p.path) for p in result.errors}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_problem_names_its_sheet_and_row(name: str) -> None:
    for problem in _load(name).problems:
        sheet, _, row = problem.path.partition(" row ")
        assert sheet in ("", "survey", "choices", "settings", "external_choices", "entities", "osm")
        assert problem.line == (int(row) if row else None)
        assert problem.file == str(FORMS / name)


def test_the_tutorial_reports_only_the_repeat_and_the_name_as_errors() -> None:
    errors = {(p.code, p.path) for p in _load("tutorial.xls").errors}

    assert errors == EXPECTED["tutorial.xls"][1]


def test_the_form_that_imports_warns_about_every_placeholder() -> None:
    result = _load("extra_sheet_names.xlsx")

    assert {p.code for p in result.warnings} == {
        ErrorCode.XLSFORM_LANGUAGE_ASSUMED,
        ErrorCode.XLSFORM_PLACEHOLDER,
    }


# The forms with headers that name their language without a code (label::english, LABEL::EN).
NAMED_WITHOUT_CODE = [
    "case_insensitivity.xlsx",
    "field-list.xlsx",
    "specify_other.xlsx",
    "text_and_integer.xlsx",
    "xlsform_spec_test.xlsx",
    "yes_or_no_question.xlsx",
]


@pytest.mark.parametrize("name", NAMED_WITHOUT_CODE)
def test_a_header_naming_its_language_without_a_code_is_only_a_warning(name: str) -> None:
    result = _load(name)

    assumed = {p.path for p in result.warnings if p.code is C.XLSFORM_LANGUAGE_CODE_ASSUMED}
    missing = [p.message for p in result.errors if p.code is C.XLSFORM_TRANSLATION_CODE_MISSING]
    assert "survey row 1" in assumed
    assert {message.split("`")[1] for message in missing} <= {"label", "hint"}  # no language


@pytest.mark.parametrize(
    "name", ["case_insensitivity.xlsx", "field-list.xlsx", "text_and_integer.xlsx"]
)
def test_what_still_stops_the_form_is_in_its_rows(name: str) -> None:
    assert {(p.code, p.path) for p in _load(name).errors} == EXPECTED[name][1]


@pytest.mark.parametrize("name", ["specify_other.xlsx", "yes_or_no_question.xlsx"])
def test_a_form_with_label_english_imports_in_english(name: str) -> None:
    instrument = _load(name).instrument

    assert instrument is not None and instrument.languages == ("en",)
