"""Read the survey, choices and settings sheets of a checked workbook, as rows.

pyxform reads the workbook (``pyxform.xls2json_backends.get_xlsform``): it
gives each sheet as a list of rows, keeps blank rows so that row numbers stay
true, and turns every cell into text. This module then reads each column
header the way pyxform does (its aliases, ``::`` or ``:`` before a language,
the old ``bind:`` prefix), so ``relevance``, ``bind:relevant`` and
``relevant`` are one column, and ``label::English (en)`` is the label in
English.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

from pyxform import aliases
from pyxform.errors import PyXFormError
from pyxform.xls2json_backends import get_xlsform

from instruments._xlsform_upload import Upload, UploadRefused
from instruments.errors import ErrorCode

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
FIRST_DATA_ROW = 2  # row 1 holds the column headers
_PREFIXES = ("bind", "control", "media")
_DUPLICATE_HEADER = re.compile(r"Duplicate column header: (?P<column>.*)")


@dataclass(frozen=True)
class Column:
    """One column header, read: its canonical `name` and its `language` label, if any."""

    header: str
    name: str
    language: str | None


@dataclass(frozen=True)
class Row:
    """One row of a sheet: each column's text by language label (None: no language)."""

    sheet: str
    number: int
    cells: Mapping[str, Mapping[str | None, str]]

    def get(self, column: str) -> str | None:
        """Return the text of a column without a language, or None."""
        return self.cells.get(column, {}).get(None)

    def texts(self, column: str) -> Mapping[str | None, str]:
        """Return the texts of `column` by language label."""
        return self.cells.get(column, {})


@dataclass(frozen=True)
class Sheet:
    """A sheet: its columns and its non-blank rows (numbered as in the spreadsheet)."""

    name: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def has(self, column: str) -> bool:
        """Return True when some header of the sheet reads as `column`."""
        return any(c.name == column for c in self.columns)


@dataclass(frozen=True)
class Workbook:
    """The sheets Heard reads, None where absent, and every sheet name as written."""

    survey: Sheet | None
    choices: Sheet | None
    settings: Sheet | None
    sheet_names: tuple[str, ...]
    other_sheets: tuple[str, ...] = field(default=())


def read_workbook(upload: Upload) -> Workbook:
    """Return the sheets of `upload`; raise UploadRefused when pyxform cannot read it."""
    data = _pyxform_read(upload)
    sheets = {}
    for name, aliases_ in (
        (SURVEY, aliases.survey_header),
        (CHOICES, aliases.list_header),
        (SETTINGS, aliases.settings_header),
    ):
        rows = getattr(data, name)
        header = getattr(data, f"{name}_header")
        sheets[name] = None if rows is None else _read_sheet(name, header, rows, aliases_)
    others = tuple(
        name
        for name in ("external_choices", "entities", "osm")
        if getattr(data, name, None) is not None
    )
    return Workbook(
        sheets[SURVEY],
        sheets[CHOICES],
        sheets[SETTINGS],
        tuple(data.sheet_names or ()),
        others,
    )


def _pyxform_read(upload: Upload) -> object:
    """Return pyxform's reading of the workbook, turning its failures into UploadRefused."""
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it drops (data validation,
            # extensions); none of them carry form content.
            warnings.simplefilter("ignore")
            return get_xlsform(io.BytesIO(upload.data), file_type=upload.kind)
    except PyXFormError as error:
        duplicate = _DUPLICATE_HEADER.search(str(error))
        if duplicate:
            raise UploadRefused(
                ErrorCode.XLSFORM_DUPLICATE_COLUMN, column=duplicate["column"], where=""
            ) from error
        raise UploadRefused(ErrorCode.XLSFORM_UNREADABLE, detail=_plain(error)) from error
    except Exception as error:
        raise UploadRefused(ErrorCode.XLSFORM_UNREADABLE, detail=_plain(error)) from error


def _plain(error: Exception) -> str:
    """Return a short description of a reading error, without a trailing full stop."""
    text = " ".join(str(error).split())[:300].rstrip(".") or type(error).__name__
    return text


def _read_sheet(
    sheet: str,
    header: list[dict[str, object]] | None,
    rows: list[dict[str, str]],
    header_aliases: Mapping[str, object],
) -> Sheet:
    headers = list(header[0]) if header else []
    double = any("::" in name for name in headers)
    columns = {name: read_header(name, header_aliases, double=double) for name in headers}
    read_rows = []
    for number, raw in enumerate(rows, start=FIRST_DATA_ROW):
        cells: dict[str, dict[str | None, str]] = {}
        for header_name, value in raw.items():
            column = columns.get(header_name) or read_header(header_name, header_aliases)
            cells.setdefault(column.name, {})[column.language] = str(value)
        if cells:
            read_rows.append(Row(sheet, number, cells))
    return Sheet(sheet, tuple(columns.values()), tuple(read_rows))


def read_header(
    header: str, header_aliases: Mapping[str, object], *, double: bool = True
) -> Column:
    """Return the canonical column name and language label of a header.

    Examples
    --------
    >>> read_header("bind:relevant", aliases.survey_header, double=False)
    Column(header='bind:relevant', name='relevant', language=None)
    >>> read_header("Label::English (en)", aliases.survey_header)
    Column(header='Label::English (en)', name='label', language='English (en)')
    """
    if double or "::" in header:
        tokens = [token.strip() for token in header.split("::")]
    else:
        tokens = _single_colon_tokens(header)
    if len(tokens) > 1 and tokens[0].lower() in _PREFIXES:
        tokens = tokens[1:]
    name = canonical(tokens[0], header_aliases)
    language = "::".join(tokens[1:]) or None
    return Column(header, name, language)


def _single_colon_tokens(header: str) -> list[str]:
    """Split an old-style header on ``:``, keeping ``jr:`` names whole (``bind:jr:count``)."""
    tokens = [token.strip() for token in header.split(":")]
    if "jr" in tokens[:-1]:
        at = tokens.index("jr")
        tokens[at : at + 2] = [f"jr:{tokens[at + 1]}"]
    return tokens


def canonical(name: str, header_aliases: Mapping[str, object]) -> str:
    """Return the column a header names, after pyxform's aliases (``relevance`` -> ``relevant``)."""
    key = "_".join(name.split()).lower()
    alias = header_aliases.get(key)
    if isinstance(alias, tuple):
        return str(alias[-1]).lower()
    return str(alias).lower() if alias else key
