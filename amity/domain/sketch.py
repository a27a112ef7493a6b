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

Measuring a facet (its Gram matrix, its projection) is the costly part, about a second
of CPU per 100,000 rows; when one facet's matrix is reloaded after an edit, the next
sketch measures that facet again and takes the others from the previous sketch.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field

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
        # The product in float32 (BLAS, twice float64's speed: this is most of a
        # sketch's cost) is exact enough: cosines' spread to 1e-5.
        gram = (rows.T @ rows).astype(np.float64)
        return cls(int(rows.shape[0]), rows.sum(axis=0, dtype=np.float64), gram)

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
    sources: dict[str, weakref.ref[Matrix]] = field(default_factory=dict)
    """The matrices measured, held weakly: a later sketch reuses the parts of facets
    whose matrix is still the same object (only an edited facet is measured again)."""

    @classmethod
    def build(cls, facets: Mapping[str, Matrix], dimensions: int = DIMENSIONS) -> Sketch:
        """Find the main directions of all the facets' rows and project each facet on them.

        Facets whose matrix a recent sketch already measured are taken from it, with its
        directions (any directions serve the first pass; the shortlist is scored exactly).
        """
        previous = _recent_sharing(facets)
        moments, reduced = {}, {}
        for name, rows in facets.items():
            if previous is not None and previous.measured(name, rows):
                moments[name], reduced[name] = previous.moments[name], previous.reduced[name]
            else:
                moments[name] = Moments.of(rows)
        if previous is not None:
            basis = previous.basis
        else:
            dim = next(iter(facets.values())).shape[1] if facets else 0
            gram = sum((m.gram for m in moments.values()), np.zeros((dim, dim)))
            # The eigenvectors of the summed Gram matrix are the right singular vectors
            # of all rows stacked: the directions that keep the most of every cosine.
            values, vectors = np.linalg.eigh(gram)
            keep = np.argsort(values)[::-1][: min(dimensions, dim)]
            basis = np.ascontiguousarray(vectors[:, keep], dtype=np.float32)
        for name, rows in facets.items():
            if name not in reduced:
                reduced[name] = np.ascontiguousarray(rows @ basis)
        sources = {name: weakref.ref(rows) for name, rows in facets.items()}
        sketch = cls(basis, reduced, moments, sources)
        with _RECENT_LOCK:
            _RECENT.append(sketch)
            del _RECENT[:-KEEP_RECENT]
        return sketch

    def measured(self, name: str, rows: Matrix) -> bool:
        """Say whether this sketch measured exactly this matrix as facet `name`."""
        source = self.sources.get(name)
        return source is not None and source() is rows


KEEP_RECENT = 4
"""Sketches remembered for reuse (one per owner and facet set, in practice)."""
_RECENT: list[Sketch] = []
_RECENT_LOCK = threading.Lock()


def _recent_sharing(facets: Mapping[str, Matrix]) -> Sketch | None:
    """Return the newest remembered sketch that measured one of these matrices."""
    with _RECENT_LOCK:
        for sketch in reversed(_RECENT):
            if any(sketch.measured(name, rows) for name, rows in facets.items()):
                return sketch
    return None
