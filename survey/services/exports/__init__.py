"""Export a study's completed responses as CSV, XLSX, SPSS or Stata, with a codebook.

`export_study` reads responses in batches, lets the export plan (the role:
full or de-identified) shape columns and rows, writes the data file and the
codebook (HTML and CSV) beside it. Every file is written as ``NAME.partial``
and renamed into place only when complete, so a failed export leaves nothing
that looks finished. See docs/exports.md.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pyreadstat import PyreadstatError, ReadstatError
from sqlalchemy.orm import Session

from instruments.schema import Instrument
from survey.models import Study
from survey.services.exports.codebook import (
    HEADER,
    entries,
    write_codebook_csv,
    write_codebook_html,
)
from survey.services.exports.columns import MAX_NAME, columns_for
from survey.services.exports.csv_xlsx import neutralise, write_csv, write_xlsx
from survey.services.exports.errors import ExportError
from survey.services.exports.plan import (
    MISSING_CODES,
    SUPPRESSED,
    WITHHELD,
    Column,
    ExportPlan,
    FullPlan,
    Row,
)
from survey.services.exports.rows import cell_for, count_rows, row_batches
from survey.services.exports.spss_stata import Frame, kind_of, write_dta, write_sav
from survey.services.studies import instrument_of

FORMATS = ("csv", "xlsx", "sav", "dta")

__all__ = [
    "FORMATS",
    "MISSING_CODES",
    "SUPPRESSED",
    "WITHHELD",
    "Column",
    "ExportError",
    "ExportPlan",
    "FullPlan",
    "Written",
    "cell_for",
    "columns_for",
    "export_study",
    "neutralise",
]


@dataclass(frozen=True)
class Written:
    """What an export wrote: how many rows, the data file and the two codebook files."""

    rows: int
    data: Path
    codebook_html: Path
    codebook_csv: Path


def export_study(
    session: Session, study: Study, fmt: str, out: Path, *, plan: ExportPlan | None = None
) -> Written:
    """Write `study`'s completed responses to `out` in `fmt`, and its codebook beside it."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    plan = plan or FullPlan()
    out = Path(out)
    instrument = instrument_of(study.instrument_version)
    base = columns_for(instrument, MAX_NAME[fmt])
    columns = plan.columns(list(base))
    _check_names(columns)
    batches = (plan.rows(batch) for batch in row_batches(session, study, base))
    targets = {
        "data": out,
        "html": out.with_name(f"{out.stem}_codebook.html"),
        "csv": out.with_name(f"{out.stem}_codebook.csv"),
    }
    partial = {key: path.with_name(path.name + ".partial") for key, path in targets.items()}
    try:
        rows, codes = _write_data(
            session, study, fmt, columns, batches, partial["data"], instrument
        )
        book = list(entries(instrument, columns, fmt, codes, _kinds(columns)))
        write_codebook_csv(book, partial["csv"])
        write_codebook_html(book, f"{study.slug}, instrument {instrument.version}", partial["html"])
        for key in targets:
            os.replace(partial[key], targets[key])
    except BaseException as error:
        _remove(partial.values())
        failure = _as_export_error(error, out)
        if failure is error:
            raise
        raise failure from error
    return Written(rows, targets["data"], targets["html"], targets["csv"])


def _write_data(
    session: Session,
    study: Study,
    fmt: str,
    columns: list[Column],
    batches: Iterable[list[Row]],
    path: Path,
    instrument: Instrument,
) -> tuple[int, dict]:
    if fmt == "csv":
        return write_csv(columns, batches, path), {}
    if fmt == "xlsx":
        sheet = (HEADER, entries(instrument, columns, fmt, {}, _kinds(columns)))
        return write_xlsx(columns, batches, path, sheet), {}
    frame = Frame(columns, count_rows(session, study))
    for batch in batches:
        frame.add(batch)
    frame.finish()
    (write_sav if fmt == "sav" else write_dta)(frame, path)
    return frame.filled, frame.codes


def _kinds(columns: list[Column]) -> dict[str, str]:
    return {c.name: kind_of(c) for c in columns}


def _check_names(columns: list[Column]) -> None:
    seen: set[str] = set()
    for column in columns:
        if column.name.lower() in seen:
            raise ExportError(f"Two variables are called {column.name!r}; names must be unique.")
        seen.add(column.name.lower())


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _as_export_error(error: BaseException, out: Path) -> BaseException:
    if isinstance(error, ExportError):
        return error
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return ExportError(f"The disk is full: {out} was not written. Free some space and retry.")
    if isinstance(error, OSError):
        return ExportError(f"Could not write {out}: {error.strerror or error}.")
    if isinstance(error, PyreadstatError | ReadstatError):
        return ExportError(f"The file could not be written: {error}.")
    return error
