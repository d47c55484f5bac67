"""Check an uploaded workbook before any spreadsheet library opens it.

The studio passes the bytes a researcher uploaded. Only Excel workbooks are
accepted (.xlsx, a zip of XML parts, and .xls, an OLE2 compound file), judged
by their content as well as their name; workbooks with macros are refused, and
so are files over :data:`MAX_XLSFORM_BYTES` and zips that would expand past
:data:`MAX_EXPANDED_BYTES` (a "zip bomb"). Reading the XML itself is left to
openpyxl, which parses with defusedxml (a dependency of pyxform), so entity
expansion attacks inside the parts are refused there.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from instruments.errors import ErrorCode

MAX_XLSFORM_BYTES = 1_048_576
"""The largest workbook accepted (1 MiB); real XLSForms are a few dozen KB."""

MAX_EXPANDED_BYTES = 32 * 1_048_576
"""The most that the parts of an .xlsx may add up to once decompressed."""

MAX_ZIP_ENTRIES = 1000
"""The most parts an .xlsx may hold; a plain workbook has a few dozen."""

XLSX, XLS = ".xlsx", ".xls"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
MACRO_CONTENT_TYPE = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".xlsb")
# Names of the OLE2 storages that hold VBA code (Excel: _VBA_PROJECT_CUR; Office: Macros),
# as they are written in the compound file's directory: UTF-16 little-endian.
OLE2_MACRO_NAMES = tuple(name.encode("utf-16-le") for name in ("_VBA_PROJECT", "Macros"))


class UploadRefused(Exception):
    """The upload is not a workbook Heard will open; `code` and `details` say why."""

    def __init__(self, code: ErrorCode, **details: object) -> None:
        super().__init__(code.message(**details))
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Upload:
    """The bytes of a workbook that passed every check, and which kind it is."""

    data: bytes
    kind: str  # XLSX or XLS
    name: str | None


def read_upload(source: bytes | str | os.PathLike[str], filename: str | None) -> Upload:
    """Return the checked workbook in `source` (bytes or a path); raise UploadRefused."""
    if isinstance(source, bytes | bytearray):
        data, name = bytes(source), filename
    else:
        data, name = _read_path(Path(source)), filename or Path(source).name
    if len(data) > MAX_XLSFORM_BYTES:
        raise UploadRefused(ErrorCode.XLSFORM_TOO_LARGE, size=len(data), limit=MAX_XLSFORM_BYTES)
    suffix = _check_name(name)
    kind = _kind_of(data)
    if suffix is not None and suffix != kind:
        detail = f"'{name}' is named {suffix} but holds an {kind} workbook: rename it to {kind}"
        raise UploadRefused(ErrorCode.XLSFORM_FILE_TYPE, detail=detail)
    if kind == XLSX:
        _check_xlsx(data)
    else:
        _check_xls(data)
    return Upload(data, kind, name)


def _read_path(path: Path) -> bytes:
    """Return the bytes of `path`, never reading more than one byte over the limit."""
    try:
        with path.open("rb") as stream:
            return stream.read(MAX_XLSFORM_BYTES + 1)
    except OSError as error:
        raise UploadRefused(
            ErrorCode.XLSFORM_UNREADABLE, detail=error.strerror or type(error).__name__
        ) from error


def _check_name(name: str | None) -> str | None:
    """Return the lower-case suffix of `name` (None without a name); refuse other kinds."""
    if name is None:
        return None
    suffix = Path(name).suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise UploadRefused(ErrorCode.XLSFORM_MACRO_WORKBOOK, detail=f"a {suffix} file")
    if suffix not in (XLSX, XLS):
        found = f"ends in {suffix}" if suffix else "has no extension"
        raise UploadRefused(ErrorCode.XLSFORM_FILE_TYPE, detail=f"'{name}' {found}")
    return suffix


def _kind_of(data: bytes) -> str:
    """Return XLSX or XLS from the first bytes of `data`."""
    if data.startswith(ZIP_MAGIC):
        return XLSX
    if data.startswith(OLE2_MAGIC):
        return XLS
    raise UploadRefused(ErrorCode.XLSFORM_FILE_TYPE, detail="its content is not an Excel workbook")


def _check_xlsx(data: bytes) -> None:
    """Refuse a zip that is not a workbook, holds macros, or would expand too far."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            _check_expansion(entries)
            names = {entry.filename for entry in entries}
            if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
                detail = "it is a zip file, but not an Excel workbook"
                raise UploadRefused(ErrorCode.XLSFORM_FILE_TYPE, detail=detail)
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise UploadRefused(ErrorCode.XLSFORM_MACRO_WORKBOOK, detail="a VBA project")
            if MACRO_CONTENT_TYPE in archive.read("[Content_Types].xml"):
                detail = "a macro-enabled workbook"
                raise UploadRefused(ErrorCode.XLSFORM_MACRO_WORKBOOK, detail=detail)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        detail = f"the .xlsx file is damaged ({error})"
        raise UploadRefused(ErrorCode.XLSFORM_UNREADABLE, detail=detail) from error


def _check_expansion(entries: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip with too many parts, or parts too large once decompressed.

    The sizes are those the zip declares; :mod:`zipfile` never decompresses
    more than the declared size of a part, so a part that lies cannot grow
    past them when openpyxl reads it.
    """
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UploadRefused(
            ErrorCode.XLSFORM_EXPANDS_TOO_LARGE,
            detail=f"{len(entries)} parts",
            limit=f"{MAX_ZIP_ENTRIES} parts",
        )
    total = sum(entry.file_size for entry in entries)
    if total > MAX_EXPANDED_BYTES:
        raise UploadRefused(
            ErrorCode.XLSFORM_EXPANDS_TOO_LARGE,
            detail=f"{total} bytes",
            limit=f"{MAX_EXPANDED_BYTES} bytes",
        )


def _check_xls(data: bytes) -> None:
    """Refuse an .xls whose compound file holds a VBA or macro storage."""
    if any(name in data for name in OLE2_MACRO_NAMES):
        raise UploadRefused(ErrorCode.XLSFORM_MACRO_WORKBOOK, detail="a VBA project")
