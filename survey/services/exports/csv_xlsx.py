"""Write CSV and XLSX exports row by row, with text that spreadsheets never run as a formula.

Missing values are written as their codes (``skipped``, ``prefer_not_to_say``,
...); the codebook beside the file says what each means. Only text cells are
neutralised: the number -3 stays a number.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from openpyxl import Workbook

from survey.services.exports.plan import Column, Row

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CELL_LIMIT = 32767
# Characters XML 1.0 cannot hold (openpyxl refuses them): C0 controls but tab, LF and CR.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(cell: object) -> object:
    """Stop a spreadsheet from reading text as a formula (prefix a quote)."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _plain(cell: object) -> object:
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return neutralise(cell)


def write_csv(columns: list[Column], batches: Iterable[list[Row]], path: Path) -> int:
    """Write a header of variable names, then one line per row; return the row count."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.name for c in columns])
        for batch in batches:
            writer.writerows([_plain(cells.get(c.name, "")) for c in columns] for _, cells in batch)
            count += len(batch)
    return count


def xlsx_cell(cell: object) -> object:
    """Return `cell` as an XLSX cell holds it: neutralised, legal XML, within Excel's limit."""
    if cell is None:
        return None
    if isinstance(cell, dt.date | int | float) and not isinstance(cell, bool):
        return cell
    text = XML_ILLEGAL.sub("", str(cell))[:XLSX_CELL_LIMIT]
    return neutralise(text)


def write_xlsx(
    columns: list[Column],
    batches: Iterable[list[Row]],
    path: Path,
    codebook: tuple[list[str], Iterator[list[object]]],
) -> int:
    """Write a `data` sheet (streamed) and a `codebook` sheet; return the row count."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append([c.name for c in columns])
    count = 0
    for batch in batches:
        for _, cells in batch:
            sheet.append([xlsx_cell(cells.get(c.name)) for c in columns])
        count += len(batch)
    header, entries = codebook
    notes = book.create_sheet("codebook")
    notes.append(header)
    for entry in entries:
        notes.append([xlsx_cell(value) for value in entry])
    book.save(path)
    return count
