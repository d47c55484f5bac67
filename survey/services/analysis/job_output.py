"""Small helpers the jobs share: JSON-safe numbers, library versions, the corpus's language."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np

LIBRARIES = ("scikit-learn", "nltk", "numpy", "scipy", "pandas", "heard")


def plain(value: Any, digits: int = 6) -> Any:
    """Return `value` with numpy scalars and arrays as Python ones, floats rounded, NaN as None."""
    if isinstance(value, Mapping):
        return {str(key): plain(item, digits) for key, item in value.items()}
    if isinstance(value, np.ndarray):
        return [plain(item, digits) for item in value.tolist()]
    if isinstance(value, list | tuple):
        return [plain(item, digits) for item in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return round(number, digits) if math.isfinite(number) else None
    return value


def library_versions(found: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the versions of the libraries a result depends on (`found` takes precedence)."""
    versions: dict[str, str] = {}
    for library in LIBRARIES:
        try:
            versions[library] = version(library)
        except PackageNotFoundError:
            versions[library] = "unknown"
    versions.update({str(k): str(v) for k, v in (found or {}).items()})
    return versions


def main_language(languages: Iterable[str], default: str = "en") -> str:
    """Return the most common language code (the first seen on a tie), or `default`."""
    counts = Counter(language for language in languages if language)
    return counts.most_common(1)[0][0] if counts else default
