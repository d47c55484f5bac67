"""Internals of :mod:`coding.agreement`: checking tables and rating vectors, ordering categories."""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
import pandas as pd

from coding._alpha import as_table


def as_vector(values: npt.ArrayLike, name: str) -> np.ndarray:
    """Return `values` as a non-empty 1-D object array."""
    vector = np.asarray(
        values.to_numpy() if isinstance(values, pd.Series) else values, dtype=object
    )
    if vector.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got {vector.ndim} dimension(s)")
    if vector.size == 0:
        raise ValueError(f"{name} is empty: there is nothing to compare")
    return vector


def count_table(table: npt.ArrayLike, what: str) -> np.ndarray:
    """Return `table` as a non-empty 2-D float array of finite counts of 0 or more."""
    array = as_table(table, what)
    try:
        numbers = array.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must hold counts (numbers)") from exc
    if (
        not np.isfinite(numbers).all()
        or (numbers < 0).any()
        or (numbers != np.round(numbers)).any()
    ):
        raise ValueError(f"{what} must hold whole counts of 0 or more, with nothing missing")
    return numbers


def square_counts(table: npt.ArrayLike) -> np.ndarray:
    """Return a square contingency table of counts, or raise ValueError."""
    counts = count_table(table, "the contingency table")
    if counts.shape[0] != counts.shape[1]:
        raise ValueError(
            f"the contingency table must be square (the same categories for both raters); "
            f"got {counts.shape[0]} rows and {counts.shape[1]} columns"
        )
    return counts


def sorted_categories(values: np.ndarray) -> list[object]:
    """Return the distinct values in natural order: numbers by value, then labels."""
    return sorted(pd.unique(values), key=natural_key)


def natural_key(value: object) -> tuple:
    """Return a sort key: numbers first by value, then text with digit runs as numbers."""
    if isinstance(value, int | float | np.number) and not isinstance(value, str):
        return (0, float(value), (), "")
    parts = re.split(r"(\d+)", str(value))
    words = tuple(int(part) if i % 2 else part.casefold() for i, part in enumerate(parts))
    return (1, 0.0, words, str(value))
