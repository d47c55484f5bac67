"""Uploads: only plain Excel workbooks, judged by content, small, without macros or zip bombs."""

from __future__ import annotations

from pathlib import Path

import pytest

from instruments._xlsform_upload import MAX_EXPANDED_BYTES, MAX_ZIP_ENTRIES, OLE2_MAGIC
from instruments.errors import ErrorCode
from instruments.xlsform import MAX_XLSFORM_BYTES, load_xlsform
from tests.instruments.xlsform_builders import (
    complete_settings,
    survey,
    with_part,
    workbook,
    zipped,
)

XLSX = workbook(survey(["text", "q", "Where?"]), None, complete_settings())
MACRO_TYPE = b'<Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>'


def _code(data: bytes, filename: str | None = "form.xlsx") -> ErrorCode | None:
    result = load_xlsform(data, filename=filename)
    return result.problems[0].code if result.errors else None


def test_a_plain_xlsx_is_accepted() -> None:
    assert _code(XLSX) is None


def test_a_workbook_read_from_a_path_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "study.xlsx"
    path.write_bytes(XLSX)

    result = load_xlsform(path)

    assert result.instrument is not None
    assert load_xlsform(tmp_path / "missing.xlsx").problems[0].file == str(
        tmp_path / "missing.xlsx"
    )


def test_a_path_that_cannot_be_read_is_unreadable(tmp_path: Path) -> None:
    assert load_xlsform(tmp_path / "missing.xlsx").problems[0].code is ErrorCode.XLSFORM_UNREADABLE


@pytest.mark.parametrize("filename", ["form.csv", "form.md", "form", "form.ods", "form.xlsx.exe"])
def test_only_xlsx_and_xls_names_are_accepted(filename: str) -> None:
    assert _code(XLSX, filename) is ErrorCode.XLSFORM_FILE_TYPE


@pytest.mark.parametrize("filename", ["form.xlsm", "form.XLSM", "form.xltm", "form.xlsb"])
def test_macro_enabled_names_are_refused_as_macros(filename: str) -> None:
    assert _code(XLSX, filename) is ErrorCode.XLSFORM_MACRO_WORKBOOK


def test_the_extension_is_not_enough_the_content_must_be_a_workbook() -> None:
    assert _code(b"type,name,label\ntext,q,Where?\n") is ErrorCode.XLSFORM_FILE_TYPE


def test_an_xlsx_named_xls_is_refused_with_the_fix() -> None:
    result = load_xlsform(XLSX, filename="form.xls")

    assert result.problems[0].code is ErrorCode.XLSFORM_FILE_TYPE
    assert "rename it to .xlsx" in result.problems[0].message


def test_bytes_without_a_name_are_judged_by_content_alone() -> None:
    assert _code(XLSX, None) is None


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    assert _code(zipped({"hello.txt": b"hi"})) is ErrorCode.XLSFORM_FILE_TYPE


def test_a_damaged_zip_is_unreadable_not_a_traceback() -> None:
    assert _code(XLSX[: len(XLSX) // 2]) is ErrorCode.XLSFORM_UNREADABLE


def test_a_workbook_over_the_size_limit_is_refused() -> None:
    assert _code(XLSX + b"\0" * MAX_XLSFORM_BYTES) is ErrorCode.XLSFORM_TOO_LARGE


def test_a_file_over_the_limit_is_not_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * (3 * MAX_XLSFORM_BYTES))

    problem = load_xlsform(path).problems[0]

    assert problem.code is ErrorCode.XLSFORM_TOO_LARGE
    assert str(MAX_XLSFORM_BYTES + 1) in problem.message


def test_a_zip_bomb_is_refused_before_it_is_opened() -> None:
    parts = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
    bomb = zipped(parts | {"xl/worksheets/sheet1.xml": b"\0" * (MAX_EXPANDED_BYTES + 1)})

    assert len(bomb) < MAX_XLSFORM_BYTES
    assert _code(bomb) is ErrorCode.XLSFORM_EXPANDS_TOO_LARGE


def test_a_zip_of_too_many_parts_is_refused() -> None:
    parts = {f"xl/part{n}.xml": b"" for n in range(MAX_ZIP_ENTRIES + 1)}

    assert _code(zipped(parts)) is ErrorCode.XLSFORM_EXPANDS_TOO_LARGE


def test_an_xlsx_with_a_vba_project_is_refused() -> None:
    assert _code(with_part(XLSX, "xl/vbaProject.bin", b"VBA")) is ErrorCode.XLSFORM_MACRO_WORKBOOK


def test_an_xlsx_with_the_macro_enabled_content_type_is_refused() -> None:
    data = with_part(XLSX, "[Content_Types].xml", b"<Types>" + MACRO_TYPE + b"</Types>")

    assert _code(data) is ErrorCode.XLSFORM_MACRO_WORKBOOK


@pytest.mark.parametrize("storage", ["_VBA_PROJECT_CUR", "Macros"])
def test_an_xls_with_a_macro_storage_is_refused(storage: str) -> None:
    data = OLE2_MAGIC + b"\0" * 504 + storage.encode("utf-16-le") + b"\0" * 64

    assert _code(data, "form.xls") is ErrorCode.XLSFORM_MACRO_WORKBOOK


def test_an_xls_that_xlrd_cannot_read_is_unreadable() -> None:
    assert _code(OLE2_MAGIC + b"\0" * 1024, "form.xls") is ErrorCode.XLSFORM_UNREADABLE
