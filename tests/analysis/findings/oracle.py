"""An attacker's view of published counts, computed independently of analysis.disclosure.

Counts are unknowns tied by linear equations (a line adds up to its total).
Given the values a report publishes, an unknown is *determined* when its unit
vector lies in the row space of the equations plus the published values
(equivalently, the null space is zero in its coordinate): then
anyone can work it out exactly. Safety means no determined count is 1 to k-1.
This is linear algebra (numpy's SVD), not the path search the library uses.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class System:
    """Named unknowns, equations "these add up to that", and published values."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.truth: dict[str, int] = {}
        self.rows: list[dict[str, float]] = []
        self.published: set[str] = set()

    def unknown(self, name: str, value: int) -> str:
        """Add an unknown with its true value."""
        if name not in self.truth:
            self.names.append(name)
            self.truth[name] = int(value)
        return name

    def adds_up(self, parts: Sequence[str], total: str) -> None:
        """Say that `parts` add up to `total`."""
        row = dict.fromkeys(parts, 1.0)
        row[total] = row.get(total, 0.0) - 1.0
        self.rows.append(row)

    def publish(self, name: str) -> None:
        """Say that the report shows this unknown."""
        self.published.add(name)

    def _matrix(self) -> np.ndarray:
        rows = [*self.rows, *({name: 1.0} for name in sorted(self.published))]
        index = {name: i for i, name in enumerate(self.names)}
        matrix = np.zeros((len(rows), len(self.names)))
        for r, row in enumerate(rows):
            for name, value in row.items():
                matrix[r, index[name]] = value
        return matrix

    def determined(self) -> set[str]:
        """Return the unknowns anyone can work out from the published values.

        x_j is determined exactly when every solution of the homogeneous system
        has x_j = 0: when the null space has nothing in coordinate j.
        """
        matrix = self._matrix()
        _, singular, vt = np.linalg.svd(matrix)
        rank = int((singular > 1e-9 * max(1.0, singular.max(initial=0.0))).sum())
        null = vt[rank:]
        return {name for j, name in enumerate(self.names) if not (np.abs(null[:, j]) > 1e-9).any()}

    def exposed(self, k: int) -> dict[str, int]:
        """Return the determined unknowns whose true value is 1 to k-1."""
        return {name: self.truth[name] for name in self.determined() if 0 < self.truth[name] < k}
