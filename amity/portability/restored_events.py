"""Work out the engine summaries from the interactions a restore writes, not by reading them back.

After a restore every summary is rebuilt from the interactions: read back from the
database, that is 2.26M joined rows at 100k/2M (1.7 s on SQLite, 2.5 s on
PostgreSQL) after everything else. The restore has each interaction's time, kind and
people in hand while it writes them: `RestoredEvents` keeps them as packed arrays
(each batch's worked out where it was decoded, amity.portability.people_restore),
and once the last is written the summaries are computed in a thread while the
database builds its indexes. The result is what amity.relationships.bulk_summaries
computes from the database (tests/people/test_restored_events.py); where the restore
cannot tell (a kind outside its field's choices, a time in another shape) it says so
and the summaries are read back as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from amity.core.bulk_writing import Prepared
from amity.core.column_reads import sqlite_times
from amity.core.read_ahead import started_in_thread
from amity.relationships import bulk_summaries

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)

Summary = tuple[npt.NDArray[np.int64], dict[str, npt.NDArray[Any]]]


def batch_events(
    columns: dict[str, Any], sqlite: bool
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
    """Return each interaction's time (epoch microseconds) and kind number, or None.

    `columns` are a decoded batch's (record_columns.ColumnLoader): the time is the
    text the database stores (SQLite) or the export's UTC text (PostgreSQL), or the
    reference decoder's datetimes. None where a time is in no shape read here.
    """
    when = columns["occurred_at"]
    count = len(when.values if isinstance(when, Prepared) else when)
    try:
        micros = _micros(when, sqlite)
        parts = {name: columns[name] for name in bulk_summaries.KIND_PARTS if name in columns}
        kinds = bulk_summaries.kind_numbers(parts, count)
    except (TypeError, ValueError):
        # Nothing a checked batch holds, but the summaries can always be read back:
        # never fail a restore for them.
        return None
    return None if micros is None else (micros, kinds)


def _micros(when: Any, sqlite: bool) -> npt.NDArray[np.int64] | None:
    """Return the times of one column of occurred_at as epoch microseconds (None: unread)."""
    if isinstance(when, Prepared):
        texts: Sequence[str] = when.values
        if not sqlite:
            # The export's "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00" (the column checks let
            # only that through) as SQLite spells the same instant.
            texts = [f"{text[:10]} {text[11:-6]}" for text in texts]
        return sqlite_times(",".join(texts))
    if all(isinstance(value, dt.datetime) and value.tzinfo is not None for value in when):
        return np.fromiter(((value - _EPOCH) // _MICROSECOND for value in when), np.int64)
    return None


@dataclass
class RestoredEvents:
    """The events (one per participant) of the interactions a restore has written."""

    people: list[npt.NDArray[np.int64]] = field(default_factory=list)
    micros: list[npt.NDArray[np.int64]] = field(default_factory=list)
    kinds: list[npt.NDArray[np.int64]] = field(default_factory=list)
    complete: bool = True

    def add(
        self,
        people: Sequence[int],
        sizes: Sequence[int],
        events: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None,
    ) -> None:
        """Keep one batch's events: its participants, and per interaction their number.

        `events` is batch_events' times and kinds (None: the summaries are read back).
        """
        if events is None or not self.complete:
            self.complete = False
            return
        micros, kinds = events
        repeats = np.asarray(sizes, dtype=np.int64)
        self.people.append(np.asarray(people, dtype=np.int64))
        self.micros.append(np.repeat(micros, repeats))
        self.kinds.append(np.repeat(kinds, repeats))

    def summarize_in_thread(self, wanted: npt.NDArray[np.int64]) -> Future[Summary | None]:
        """Start the summaries of the `wanted` people (sorted ids) in a thread; return its future.

        The computation is numpy on arrays in hand: it runs while the caller's
        connection builds indexes (the database lets go of the interpreter lock).
        It answers None where read_events must read the kinds as text.
        """
        return started_in_thread(self._summarize, wanted, name="summaries")

    def _summarize(self, wanted: npt.NDArray[np.int64]) -> Summary | None:
        if not self.complete:
            return None
        empty = np.zeros(0, dtype=np.int64)
        events = bulk_summaries.events_of(
            np.concatenate(self.people) if self.people else empty,
            np.concatenate(self.micros) if self.micros else empty,
            np.concatenate(self.kinds) if self.kinds else empty,
            wanted,
        )
        if events is None:
            return None
        return wanted, bulk_summaries.summarize_owner(wanted, events)
