"""Write SPSS (.sav) and Stata (.dta) files with labels and labelled missing values.

pyreadstat writes a whole DataFrame, so rows are gathered column by column
into preallocated arrays in compact types: float64 for numbers and codes
(8 bytes a cell), one object array per text column, dates shared per day.
Choice values become integer codes (their own number when every value is a
whole number, else 1..n in the instrument's order) with value labels.
Missing codes: SPSS user-missing -991..-997 (a declared range) on numeric
variables; Stata extended missing .a .. .g; text variables hold the code word.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from survey.services.exports.errors import ExportError
from survey.services.exports.plan import (
    MISSING_CODES,
    MISSING_LABELS,
    SPSS_MISSING,
    STATA_MISSING,
    Column,
    Row,
    is_missing,
)

SAV_LABEL_BYTES = 256
SAV_VALUE_LABEL_BYTES = 120
DTA_LABEL_CHARS = 80
SPSS_RANGE = {"lo": min(SPSS_MISSING.values()), "hi": max(SPSS_MISSING.values())}


class Frame:
    """The columns of one export, filled batch by batch into preallocated arrays."""

    def __init__(self, columns: list[Column], size: int) -> None:
        self.columns = columns
        self.size = size
        self.filled = 0
        self.codes = {c.name: code_map(c) for c in columns if kind_of(c) == "coded"}
        self.repeated: dict[object, object] = {}
        self.values: dict[str, np.ndarray] = {}
        self.missing: dict[str, np.ndarray] = {}
        for column in columns:
            if kind_of(column) in ("coded", "number"):
                self.values[column.name] = np.zeros(size, dtype=np.float64)
                self.missing[column.name] = np.zeros(size, dtype=np.int8)
            else:
                self.values[column.name] = np.empty(size, dtype=object)

    def add(self, batch: Iterable[Row]) -> None:
        """Put one batch of rows into the arrays."""
        for _, cells in batch:
            if self.filled == self.size:
                self._grow()
            for column in self.columns:
                self._put(column, cells.get(column.name, "skipped"))
            self.filled += 1

    def finish(self) -> None:
        """Cut the arrays to the rows filled (a plan may have dropped some)."""
        self._resize(self.filled)

    def _grow(self) -> None:
        # Responses completed after the count: make room rather than fail.
        self._resize(self.size + max(self.size // 10, 500))

    def _resize(self, size: int) -> None:
        for store in (self.values, self.missing):
            for name, array in store.items():
                grown = np.zeros(size, dtype=array.dtype) if array.dtype != object else None
                grown = np.empty(size, dtype=object) if grown is None else grown
                keep = min(size, self.size)
                grown[:keep] = array[:keep]
                store[name] = grown
        self.size = size

    def _put(self, column: Column, cell: object) -> None:
        index, name = self.filled, column.name
        if name in self.missing:
            if is_missing(cell):
                self.missing[name][index] = MISSING_CODES.index(cell) + 1  # type: ignore[arg-type]
            else:
                self.values[name][index] = self._number(column, cell)
        elif is_missing(cell) and kind_of(column) == "date":
            self.values[name][index] = cell
        elif kind_of(column) == "date":
            self.values[name][index] = self._shared(cell if isinstance(cell, dt.date) else None)
        elif column.item is None and name != "response_id":  # a few values, many rows
            self.values[name][index] = self._shared(clean(cell))
        else:
            self.values[name][index] = clean(cell)

    def _shared(self, value: object) -> object:
        # One object per distinct value: each row's copy from the database would cost
        # a Python object per cell (about 25 MB at 100,000 responses).
        return self.repeated.setdefault(value, value)

    def _number(self, column: Column, cell: object) -> float:
        codes = self.codes.get(column.name)
        if codes is None:
            return _float(column, cell)
        if cell not in codes:
            codes[cell] = max(codes.values(), default=0) + 1
        return float(codes[cell])


def kind_of(column: Column) -> str:
    """Return how `column` is stored: 'coded', 'number', 'date' or 'text'."""
    if column.type == "date":
        return "date"
    if column.value_labels:
        return "coded"
    if column.type in ("number", "binary"):
        return "number"
    return "text"


def code_map(column: Column) -> dict[object, int]:
    """Return ``{value: integer code}``: the value itself if all are whole numbers, else 1..n."""
    keys = list(column.value_labels)
    if all(isinstance(k, int) and not isinstance(k, bool) for k in keys):
        return {k: k for k in keys}
    return {k: i for i, k in enumerate(keys, start=1)}


def _float(column: Column, cell: object) -> float:
    try:
        return float(cell)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ExportError(
            f"Variable {column.name} holds {cell!r}, which is not a number."
        ) from None


def clean(cell: object) -> str:
    """Return a text cell as SPSS and Stata can hold it: a string without NUL."""
    if cell is None:
        return ""
    return str(cell).replace("\x00", "")


def clip(text: str, limit: int) -> str:
    """Return `text` cut to at most `limit` UTF-8 bytes, never inside a character."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", "ignore")


def write_sav(frame: Frame, path: Path) -> None:
    """Write `frame` as an SPSS file: numeric missing codes declared user-missing."""
    data, labels, ranges = {}, {}, {}
    for column in frame.columns:
        name = column.name
        if name in frame.missing:
            values, missing = frame.values[name], frame.missing.pop(name)
            _check_no_collision(column, values, missing)
            coded = missing > 0
            values[coded] = _spss_lookup()[missing[coded]]  # in place: no second copy
            data[name] = values
            labels[name] = {**_value_labels(frame, column), **_missing_labels(SPSS_MISSING)}
            ranges[name] = [dict(SPSS_RANGE)]
        else:
            data[name] = _text_or_dates(frame, column, stata=False)
            if column.value_labels or kind_of(column) == "text":
                labels[name] = _missing_labels({c: c for c in MISSING_CODES})
    labels = {
        n: {k: clip(v, SAV_VALUE_LABEL_BYTES) for k, v in m.items()} for n, m in labels.items()
    }
    pyreadstat.write_sav(
        pd.DataFrame(data, copy=False),
        str(path),
        column_labels=[clip(c.label, SAV_LABEL_BYTES) for c in frame.columns],
        variable_value_labels=labels,
        missing_ranges=ranges,
    )


def write_dta(frame: Frame, path: Path) -> None:
    """Write `frame` as a Stata 15 file: missing codes as extended missing values .a to .g."""
    data, labels, user_missing = {}, {}, {}
    letters = list(STATA_MISSING.values())
    for column in frame.columns:
        name = column.name
        if name in frame.missing:
            data[name] = _stata_numbers(frame, column)
            del frame.values[name], frame.missing[name]  # the float copy is no longer needed
            labels[name] = {**_value_labels(frame, column), **_missing_labels(STATA_MISSING)}
            user_missing[name] = letters
        else:
            data[name] = _text_or_dates(frame, column, stata=True)
            if kind_of(column) == "date":
                user_missing[name] = letters
    pyreadstat.write_dta(
        pd.DataFrame(data, copy=False),
        str(path),
        version=15,
        column_labels=[_short(c.label) for c in frame.columns],
        variable_value_labels=labels,
        missing_user_values=user_missing,
    )


def _spss_lookup() -> np.ndarray:
    return np.array([np.nan, *SPSS_MISSING.values()], dtype=np.float64)


def _check_no_collision(column: Column, values: np.ndarray, missing: np.ndarray) -> None:
    clash = (missing == 0) & (values >= SPSS_RANGE["lo"]) & (values <= SPSS_RANGE["hi"])
    if clash.any():
        raise ExportError(
            f"Variable {column.name} holds a value between {SPSS_RANGE['lo']} and "
            f"{SPSS_RANGE['hi']}, the codes SPSS files use for missing values; "
            "export this study as CSV, XLSX or Stata instead."
        )


def _stata_numbers(frame: Frame, column: Column) -> pd.Series:
    values, missing = frame.values[column.name], frame.missing[column.name]
    whole = column.name in frame.codes or column.type == "binary"
    if not missing.any():
        return pd.Series(values.astype(np.int32) if whole else values, copy=False)
    cells = np.empty(frame.size, dtype=object)
    present = missing == 0
    # One Python object per distinct value, not per cell: a column of object cells stays small.
    distinct, where = np.unique(values[present], return_inverse=True)
    cast = int if whole else float
    objects = np.empty(len(distinct), dtype=object)
    objects[:] = [cast(v) for v in distinct]
    cells[present] = objects[where]
    for position, letter in enumerate(STATA_MISSING.values(), start=1):
        cells[missing == position] = letter
    return pd.Series(cells, dtype=object, copy=False)


def _text_or_dates(frame: Frame, column: Column, *, stata: bool) -> pd.Series:
    values = frame.values[column.name]
    if kind_of(column) == "date":
        letters = STATA_MISSING if stata else {}
        values = np.array([letters.get(v) if isinstance(v, str) else v for v in values], object)
    return pd.Series(values, dtype=object, copy=False)


def _value_labels(frame: Frame, column: Column) -> dict:
    codes = frame.codes.get(column.name)
    if codes is None:
        return {}
    return {code: str(column.value_labels.get(value, value)) for value, code in codes.items()}


def _missing_labels(codes: dict) -> dict:
    return {value: MISSING_LABELS[code] for code, value in codes.items()}


def _short(label: str) -> str:
    return label if len(label) <= DTA_LABEL_CHARS else label[: DTA_LABEL_CHARS - 1] + "…"
