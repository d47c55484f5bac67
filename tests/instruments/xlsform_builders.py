"""Builders of tiny XLSForm workbooks for the tests of ``instruments.xlsform``.

``workbook()`` writes an .xlsx in memory with openpyxl: each sheet is a list
of rows, the first row its headers. ``complete_settings()`` is a settings
sheet with every ``heard_`` column, so a test sees only the problems it is about.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook

from instruments.errors import ErrorCode, Problem
from instruments.schema import Consent
from instruments.xlsform import XLSFormResult, load_xlsform

EN = "English (en)"

Sheet = Sequence[Sequence[Any]]


def workbook(
    survey: Sheet | None = None,
    choices: Sheet | None = None,
    settings: Mapping[str, str] | None = None,
    **sheets: Sheet,
) -> bytes:
    """Return the bytes of an .xlsx with the given sheets (None: no such sheet)."""
    book = Workbook()
    book.remove(book.active)
    named = {"survey": survey, "choices": choices, **sheets}
    if settings is not None:
        named["settings"] = [list(settings), list(settings.values())]
    for name, rows in named.items():
        if rows is None:
            continue
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def complete_settings(**overrides: str) -> dict[str, str]:
    """Return settings with a title, an id and every text Heard needs, in English."""
    settings = {
        "form_title": "A small survey",
        "form_id": "small-survey",
        "version": "2",
        "default_language": EN,
        f"heard_purpose::{EN}": "To learn how imports work.",
        f"heard_organisation::{EN}": "Test Research Group",
        "heard_contact_email": "study@example.org",
        "heard_estimated_minutes": "5",
        **{
            f"heard_consent_{part}::{EN}": f"About {part.replace('_', ' ')}."
            for part in Consent.PARTS
        },
    }
    settings.update(overrides)
    return settings


SURVEY_HEADER = ("type", "name", f"label::{EN}")


def survey(*rows: Sequence[Any], header: Sequence[str] = SURVEY_HEADER) -> list[Sequence[Any]]:
    """Return a survey sheet: `header`, then `rows`."""
    return [list(header), *rows]


def choices(
    *rows: Sequence[Any], header: Sequence[str] = ("list_name", "name", f"label::{EN}")
) -> list:
    """Return a choices sheet: `header`, then `rows`."""
    return [list(header), *rows]


def load(
    survey_rows: Sheet,
    choices_rows: Sheet | None = None,
    settings: Mapping[str, str] | None = None,
    **sheets: Sheet,
) -> XLSFormResult:
    """Import a workbook built from the sheets (complete settings unless given)."""
    data = workbook(
        survey_rows, choices_rows, complete_settings() if settings is None else settings, **sheets
    )
    return load_xlsform(data, filename="form.xlsx")


def codes(result: XLSFormResult) -> list[tuple[ErrorCode, str, str]]:
    """Return (code, path, severity) of every problem, in order."""
    return [(problem.code, problem.path, problem.severity) for problem in result.problems]


def of_code(result: XLSFormResult, code: ErrorCode) -> list[Problem]:
    """Return the problems with `code`."""
    return [problem for problem in result.problems if problem.code is code]


def zipped(parts: Mapping[str, bytes]) -> bytes:
    """Return a zip holding `parts` (name -> content), deflated."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return stream.getvalue()


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    """Return the .xlsx `data` with one more part (a VBA project, say)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    parts[name] = content
    return zipped(parts)
