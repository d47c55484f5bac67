"""The codebook of an export, as CSV and as one self-contained, accessible HTML page.

One entry per variable: its name, label, type, the item it came from, its
values as the chosen format writes them, its missing codes, the question, the
condition that shows it, and the instrument version.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Iterator
from pathlib import Path

from instruments.schema import Instrument
from survey.services.exports.csv_xlsx import neutralise
from survey.services.exports.plan import (
    MISSING_CODES,
    MISSING_LABELS,
    SPSS_MISSING,
    STATA_MISSING,
    Column,
)

HEADER = [
    "variable",
    "label",
    "type",
    "item_id",
    "values",
    "missing",
    "question",
    "show_if",
    "instrument_version",
]
NUMERIC_KINDS = ("coded", "number")


def entries(
    instrument: Instrument,
    columns: list[Column],
    fmt: str,
    codes: dict[str, dict[object, int]],
    kinds: dict[str, str],
) -> Iterator[list[str]]:
    """Yield one codebook entry per column, as plain strings in :data:`HEADER` order."""
    language = instrument.default_language
    for column in columns:
        item = column.item
        yield [
            column.name,
            column.label,
            column.type,
            item.id if item else "",
            _values(column, codes.get(column.name)),
            _missing(fmt, kinds.get(column.name, "text")),
            item.label.get(language) if item else "",
            item.show_if.source if item and item.show_if else "",
            instrument.version,
        ]


def _values(column: Column, codes: dict[object, int] | None) -> str:
    if codes is None:
        pairs = [(str(v), str(label)) for v, label in column.value_labels.items()]
    else:
        pairs = [(str(code), _coded_label(column, value)) for value, code in codes.items()]
    return "; ".join(f"{value}={label}" for value, label in pairs)


def _coded_label(column: Column, value: object) -> str:
    label = str(column.value_labels.get(value, value))
    return label if str(value) == label or isinstance(value, int) else f"{value} ({label})"


def _missing(fmt: str, kind: str) -> str:
    if fmt == "sav" and kind in NUMERIC_KINDS:
        shown = {code: str(SPSS_MISSING[code]) for code in MISSING_CODES}
    elif fmt == "dta" and kind in (*NUMERIC_KINDS, "date"):
        shown = {code: "." + STATA_MISSING[code] for code in MISSING_CODES}
    else:
        shown = {code: code for code in MISSING_CODES}
    return "; ".join(f"{shown[code]}={MISSING_LABELS[code]}" for code in MISSING_CODES)


def write_codebook_csv(rows: list[list[str]], path: Path) -> None:
    """Write the codebook as CSV, text neutralised for spreadsheets."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows([neutralise(cell) for cell in row] for row in rows)


def write_codebook_html(rows: list[list[str]], title: str, path: Path) -> None:
    """Write the codebook as one HTML page: a captioned table, every cell escaped."""
    head = "".join(f'<th scope="col">{html.escape(name)}</th>' for name in HEADER)
    body = "\n".join(_html_row(row) for row in rows)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Codebook: {html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #111; }}
table {{ border-collapse: collapse; }}
caption {{ text-align: left; font-weight: bold; margin-bottom: .5rem; }}
th, td {{ border: 1px solid #666; padding: .25rem .5rem; vertical-align: top; text-align: left; }}
</style>
</head>
<body>
<main>
<h1>Codebook: {html.escape(title)}</h1>
<table>
<caption>Variables of this export, with their values and missing codes</caption>
<thead><tr>{head}</tr></thead>
<tbody>
{body}
</tbody>
</table>
</main>
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")


def _html_row(row: list[str]) -> str:
    first, *rest = (html.escape(str(cell)) for cell in row)
    cells = "".join(f"<td>{cell}</td>" for cell in rest)
    return f'<tr><th scope="row">{first}</th>{cells}</tr>'
