"""One tiny workbook per XLSForm error code, and where the problem must be reported.

``tests/instruments/test_error_codes.py`` checks that these cases and its own
table together cover every code of the catalogue;
``tests/instruments/test_xlsform_codes.py`` checks each case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from instruments.errors import ERROR, WARNING, ErrorCode
from instruments.xlsform import MAX_XLSFORM_BYTES
from tests.instruments.xlsform_builders import (
    EN,
    choices,
    complete_settings,
    survey,
    with_part,
    workbook,
    zipped,
)


@dataclass(frozen=True)
class XLSFormCase:
    """How to trigger `code` with an upload, and the place and severity it is reported with."""

    code: ErrorCode
    upload: Callable[[], bytes]
    path: str
    severity: str = ERROR
    filename: str = "form.xlsx"

    @property
    def line(self) -> int | None:
        """Return the row named in `path` (``survey row 3`` -> 3), or None."""
        return int(self.path.rsplit(" ", 1)[1]) if " row " in self.path else None


def _one(
    *rows: list, extra: tuple[str, ...] = (), lists: list | None = None, **settings: str
) -> bytes:
    """Return a workbook whose survey has `rows` (after a text question `q1`)."""
    header = (*survey()[0], *extra)
    return workbook(
        survey(["text", "q1", "Where did you work?"], *rows, header=header),
        lists,
        complete_settings(**settings),
    )


def _zip_bomb() -> bytes:
    parts = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
    return zipped(parts | {"xl/worksheets/sheet1.xml": b"\0" * (33 * 1_048_576)})


_YES_NO = [["yes_no", "yes", "Yes"], ["yes_no", "no", "No"]]

XLSFORM_CASES = [
    XLSFormCase(ErrorCode.XLSFORM_FILE_TYPE, lambda: b"just some text", ""),
    XLSFormCase(ErrorCode.XLSFORM_TOO_LARGE, lambda: b"PK\x03\x04" + b"0" * MAX_XLSFORM_BYTES, ""),
    XLSFormCase(ErrorCode.XLSFORM_EXPANDS_TOO_LARGE, _zip_bomb, ""),
    XLSFormCase(ErrorCode.XLSFORM_MACRO_WORKBOOK,
                lambda: with_part(_one(), "xl/vbaProject.bin", b"VBA"), ""),
    XLSFormCase(ErrorCode.XLSFORM_UNREADABLE, lambda: b"PK\x03\x04 not really a zip", ""),
    XLSFormCase(ErrorCode.XLSFORM_SHEET_MISSING,
                lambda: workbook(None, choices(*_YES_NO), questions=survey()), ""),
    XLSFormCase(ErrorCode.XLSFORM_COLUMN_MISSING,
                lambda: _one(lists=[["name", "label"], ["yes", "Yes"]]), "choices row 1"),
    XLSFormCase(ErrorCode.XLSFORM_DUPLICATE_COLUMN,
                lambda: _one(["text", "q2", "Why?", "", ""], extra=("relevant", "relevance")),
                "survey row 1"),
    XLSFormCase(ErrorCode.XLSFORM_COLUMN_UNSUPPORTED,
                lambda: _one(["select_one yes_no", "q2", "Was it?", "true()"],
                             extra=("choice_filter",), lists=choices(*_YES_NO)),
                "survey row 3"),
    XLSFormCase(ErrorCode.XLSFORM_COLUMN_IGNORED,
                lambda: _one(["integer", "q2", "How many?", "3"], extra=("default",)),
                "survey row 3", WARNING),
    XLSFormCase(ErrorCode.XLSFORM_TRANSLATION_CODE_MISSING,
                lambda: workbook(survey(["text", "q1", "Where?"],
                                        header=("type", "name", "label::Mother tongue")),
                                 None, complete_settings(default_language="")),
                "survey row 1"),
    XLSFormCase(ErrorCode.XLSFORM_LANGUAGE_CODE_ASSUMED,
                lambda: workbook(survey(["text", "q1", "Where?"],
                                        header=("type", "name", "label::English")),
                                 None, complete_settings(default_language="")),
                "survey row 1", WARNING),
    XLSFormCase(ErrorCode.XLSFORM_LANGUAGE_ASSUMED,
                lambda: workbook(survey(["text", "q", "Where?"], header=("type", "name", "label"))),
                "settings", WARNING),
    XLSFormCase(ErrorCode.XLSFORM_UNSUPPORTED_TYPE, lambda: _one(["geopoint", "q2", "Where?"]),
                "survey row 3"),
    XLSFormCase(ErrorCode.XLSFORM_IDENTIFYING_METADATA, lambda: _one(["deviceid", "device"]),
                "survey row 3"),
    XLSFormCase(ErrorCode.XLSFORM_TYPE_CONVERTED, lambda: _one(["acknowledge", "ok", "Got it?"]),
                "survey row 3", WARNING),
    XLSFormCase(ErrorCode.XLSFORM_DATE_AS_MONTH_YEAR, lambda: _one(["date", "q2", "When?"]),
                "survey row 3", WARNING),
    XLSFormCase(ErrorCode.XLSFORM_LIST_MISSING, lambda: _one(["select_one colours", "q2", "Hue?"]),
                "survey row 3"),
    XLSFormCase(ErrorCode.XLSFORM_NON_ANSWER_CHOICE,
                lambda: _one(["select_one ok", "q2", "Was it?"],
                             lists=choices(["ok", "yes", "Yes"], ["ok", "dont_know", "Not sure"])),
                "choices row 3", WARNING),
    XLSFormCase(ErrorCode.XLSFORM_GROUP_UNBALANCED, lambda: _one(["end group"]), "survey row 3"),
    XLSFormCase(ErrorCode.XLSFORM_NESTED_GROUP,
                lambda: _one(["begin group", "outer", "Outer"], ["begin group", "inner", "Inner"],
                             ["text", "q2", "Why?"], ["end group"], ["end group"]),
                "survey row 4", WARNING),
    XLSFormCase(ErrorCode.XLSFORM_NAME_CHANGED, lambda: _one(["integer", "Age", "How old?"]),
                "survey row 3", WARNING),
    XLSFormCase(ErrorCode.XLSFORM_LABEL_REFERENCE, lambda: _one(["note", "n", "You said ${q1}."]),
                "survey row 3"),
    XLSFormCase(ErrorCode.XLSFORM_RELEVANT_UNSUPPORTED,
                lambda: _one(["text", "q2", "Why?", "string-length(${q1}) > 3"],
                             extra=("relevant",)),
                "survey row 3"),
    XLSFormCase(ErrorCode.XLSFORM_CONSTRAINT_IGNORED,
                lambda: _one(["integer", "q2", "How many?", "regex(., '^[0-9]$')"],
                             extra=("constraint",)),
                "survey row 3", WARNING),
    XLSFormCase(ErrorCode.XLSFORM_PLACEHOLDER,
                lambda: _one(**{f"heard_purpose::{EN}": ""}), "settings row 2", WARNING),
]  # fmt: skip
"""Every XLSForm code, in the order of the catalogue."""
