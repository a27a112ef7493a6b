"""Pause Python's cyclic garbage collector around bulk work that makes no cycles."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting goes on) for a block.

    Building 100,000s of records (an import's rows, everyone's strength rows) makes
    millions of objects and no reference cycles, yet each collection pass rescans
    all of them as they pile up: with the collector on, such work spends most of
    its time there, for nothing to collect. The collector's state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
