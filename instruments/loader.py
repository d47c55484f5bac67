"""Load an instrument from YAML and validate it against the format (docs/instrument-format.md)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import NoReturn

from instruments._validate_reader import Reader
from instruments._validate_top import read_instrument
from instruments._validate_yaml import MAX_DOCUMENT_BYTES, compose, content_hash
from instruments.errors import ErrorCode, InstrumentInvalid, Problem
from instruments.schema import Instrument


def load_instrument(source: str | os.PathLike[str], *, filename: str | None = None) -> Instrument:
    """Load and validate an instrument from a YAML file or YAML text.

    Parameters
    ----------
    source
        A path (``str`` or :class:`os.PathLike`) to a YAML file, or YAML text.
        A ``str`` is read as YAML text when `filename` is given or when it
        contains a newline, and as a path otherwise.
    filename
        The name to show in problems when `source` is text.

    Returns
    -------
    Instrument
        The validated instrument. Its `content_hash` is the sha256 of the
        canonical JSON of the document (so comments and layout do not count)
        and its `source` is the YAML text.

    Raises
    ------
    InstrumentInvalid
        With every problem found, each with its code, key path and line.

    Examples
    --------
    >>> instrument = load_instrument("instruments/library/police-response.yaml")
    >>> instrument.id
    'police-response'
    """
    text, file = _read_source(source, filename)
    root = compose(text, file)
    reader = Reader(file)
    instrument = read_instrument(reader, root)
    if reader.problems or instrument is None:
        raise InstrumentInvalid(sorted(reader.problems, key=_reading_order))
    return dataclasses.replace(instrument, content_hash=content_hash(root), source=text)


def _read_source(source: str | os.PathLike[str], filename: str | None) -> tuple[str, str | None]:
    """Return the YAML text of `source` and the file name to report problems against."""
    if isinstance(source, str) and (filename is not None or "\n" in source):
        return source.removeprefix("\ufeff"), filename
    path = Path(source)
    file = filename or str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            data = stream.read(MAX_DOCUMENT_BYTES + 1)  # never read more than the limit
    except OSError as error:
        _fail(file, ErrorCode.FILE_UNREADABLE, detail=error.strerror or str(error))
    if len(data) > MAX_DOCUMENT_BYTES:
        size = max(size, len(data))
        _fail(file, ErrorCode.DOCUMENT_TOO_LARGE, size=size, limit=MAX_DOCUMENT_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        _fail(file, ErrorCode.FILE_UNREADABLE, detail="it is not UTF-8 text")
    return text.removeprefix("\ufeff"), file


def _fail(file: str | None, code: ErrorCode, **details: object) -> NoReturn:
    raise InstrumentInvalid([Problem(code, "", code.message(**details), file, None)])


def _reading_order(problem: Problem) -> tuple[bool, int]:
    """Sort problems by line, those without a line last; the sort is stable."""
    return (problem.line is None, problem.line or 0)
