"""Scan a large network's vectors in fewer dimensions, with exact means and spreads.

Ranking people for a shared text compares it with every facet vector of every person:
at 100,000 people that is 350,000 rows of 384 floats, half a gigabyte read per text,
and on this project's two cores the products alone took 100-190 ms. A `Sketch` keeps,
next to the full vectors, their projections on the network's main directions (the
top right singular vectors of all the rows, 128 by default: a quarter of the bytes),
and each facet's column sums and Gram matrix, from which the mean and spread of that
facet's cosines to any text follow exactly (mean = q . sum / n, sum of squares =
q' G q) without touching the rows. A first pass over the projections finds the few
hundred people worth scoring; they are then scored on their full vectors, so what is
shown is exact as long as the right people survive the first pass (checked on real
vectors in `bench/share_rank.py` and by tests).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float32]

DIMENSIONS = 128
"""Directions kept for the first pass (MiniLM's 384 span ~75% of the energy in 128)."""


@dataclass(frozen=True)
class Moments:
    """What a facet's rows add up to: enough to know its cosines' mean and spread."""

    count: int
    sums: NDArray[np.float64]
    """Column sums of the rows."""
    gram: NDArray[np.float64]
    """rows' @ rows."""

    @classmethod
    def of(cls, rows: Matrix) -> Moments:
        """Measure a facet's rows."""
        wide = rows.astype(np.float64, copy=False)
        return cls(int(rows.shape[0]), wide.sum(axis=0), wide.T @ wide)

    def totals(self, query: Matrix) -> tuple[float, float]:
        """Return the sum and the sum of squares of every row's cosine with `query`."""
        q = query.astype(np.float64)
        return float(q @ self.sums), float(q @ self.gram @ q)


@dataclass(frozen=True)
class Sketch:
    """The rows of each facet projected on a network's main directions."""

    basis: Matrix
    """dim x k: the directions (orthonormal columns)."""
    reduced: dict[str, Matrix]
    moments: dict[str, Moments]

    @classmethod
    def build(cls, facets: Mapping[str, Matrix], dimensions: int = DIMENSIONS) -> Sketch:
        """Find the main directions of all the facets' rows and project each facet on them."""
        moments = {name: Moments.of(rows) for name, rows in facets.items()}
        dim = next(iter(facets.values())).shape[1] if facets else 0
        gram = sum((m.gram for m in moments.values()), np.zeros((dim, dim)))
        # The eigenvectors of the summed Gram matrix are the right singular vectors of
        # all rows stacked: the directions that keep the most of every cosine.
        values, vectors = np.linalg.eigh(gram)
        keep = np.argsort(values)[::-1][: min(dimensions, dim)]
        basis = np.ascontiguousarray(vectors[:, keep], dtype=np.float32)
        reduced = {name: np.ascontiguousarray(rows @ basis) for name, rows in facets.items()}
        return cls(basis, reduced, moments)
