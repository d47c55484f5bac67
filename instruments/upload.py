"""Check and load an uploaded instrument: Heard YAML or an XLSForm workbook.

The studio passes the bytes a researcher uploaded and the name they had.
Only ``.yaml``, ``.yml``, ``.xlsx`` and ``.xls`` files are accepted. A YAML
file must be UTF-8 text without NUL characters and at most the size limit;
a workbook goes through :func:`instruments.xlsform.load_xlsform`, which
checks its content (kind, macros, zip bombs) before any spreadsheet library
opens it. Nothing here raises for a bad upload: every problem is in the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from instruments._xlsform_upload import MACRO_SUFFIXES
from instruments.errors import ErrorCode, InstrumentInvalid, Problem
from instruments.loader import load_instrument
from instruments.schema import Instrument
from instruments.xlsform import MAX_XLSFORM_BYTES, load_xlsform

YAML_SUFFIXES = (".yaml", ".yml")
WORKBOOK_SUFFIXES = (".xlsx", ".xls")
UPLOAD_SUFFIXES = YAML_SUFFIXES + WORKBOOK_SUFFIXES
MAX_UPLOAD_BYTES = 1_048_576
"""The largest upload accepted by default (1 MiB)."""


@dataclass(frozen=True)
class UploadResult:
    """What an upload gave: the instrument (None on any error) and every problem.

    `kind` is ``"yaml"`` or ``"xlsform"`` (None when the name was refused).
    """

    instrument: Instrument | None
    problems: tuple[Problem, ...]
    kind: str | None = None

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Return the problems that stopped the upload."""
        return tuple(problem for problem in self.problems if problem.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Return the problems that did not stop it."""
        return tuple(problem for problem in self.problems if not problem.is_error)


def load_upload(data: bytes, filename: str, *, max_bytes: int = MAX_UPLOAD_BYTES) -> UploadResult:
    """Check an uploaded file and load the instrument in it.

    Parameters
    ----------
    data
        The bytes uploaded.
    filename
        The name they were uploaded under; its suffix says which kind of file
        is expected, and the content must agree.
    max_bytes
        The largest upload accepted (never more than 1 MiB for a workbook).

    Returns
    -------
    UploadResult
        The instrument, or None with every problem found (each with its line
        or its sheet and row where it has one).

    Examples
    --------
    >>> load_upload(b"hello", "notes.txt").problems[0].code.code
    'UPLOAD_FILE_TYPE'
    >>> load_upload(b"a: 1\\x00", "study.yaml").problems[0].code.code
    'FILE_UNREADABLE'
    """
    name = PurePath(filename or "").name or "upload"
    suffix = PurePath(name).suffix.lower()
    if suffix in WORKBOOK_SUFFIXES + MACRO_SUFFIXES:  # the importer says why macros are refused
        return _workbook(data, name, max_bytes)
    if suffix in YAML_SUFFIXES:
        return _yaml(data, name, max_bytes)
    found = f"'{name}' ends in {suffix}" if suffix else f"'{name}' has no extension"
    return UploadResult(None, (_problem(ErrorCode.UPLOAD_FILE_TYPE, name, detail=found),))


def _workbook(data: bytes, name: str, max_bytes: int) -> UploadResult:
    limit = min(max_bytes, MAX_XLSFORM_BYTES)
    if len(data) > limit:
        problem = _problem(ErrorCode.XLSFORM_TOO_LARGE, name, size=len(data), limit=limit)
        return UploadResult(None, (problem,), "xlsform")
    result = load_xlsform(data, filename=name)
    return UploadResult(result.instrument, result.problems, "xlsform")


def _yaml(data: bytes, name: str, max_bytes: int) -> UploadResult:
    problem = _yaml_refusal(data, name, max_bytes)
    if problem is not None:
        return UploadResult(None, (problem,), "yaml")
    try:
        instrument = load_instrument(data.decode("utf-8"), filename=name)
    except InstrumentInvalid as invalid:
        return UploadResult(None, invalid.problems, "yaml")
    return UploadResult(instrument, (), "yaml")


def _yaml_refusal(data: bytes, name: str, max_bytes: int) -> Problem | None:
    """Return why `data` is not YAML text Heard will read, or None."""
    if len(data) > max_bytes:
        return _problem(ErrorCode.DOCUMENT_TOO_LARGE, name, size=len(data), limit=max_bytes)
    if data.startswith((b"PK\x03\x04", bytes.fromhex("D0CF11E0A1B11AE1"))):
        detail = "it is a spreadsheet, not YAML text: give it the name .xlsx or .xls"
        return _problem(ErrorCode.FILE_UNREADABLE, name, detail=detail)
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        detail = f"it holds a NUL character on line {line}, so it is not plain text"
        return _problem(ErrorCode.FILE_UNREADABLE, name, line=line, detail=detail)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        detail = f"it is not UTF-8 text (line {line}): save it as UTF-8"
        return _problem(ErrorCode.FILE_UNREADABLE, name, line=line, detail=detail)
    return None


def _problem(code: ErrorCode, name: str, line: int | None = None, **details: object) -> Problem:
    return Problem(code, "", code.message(**details), name, line)
