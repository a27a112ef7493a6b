"""Count dormant and active ties and the give/ask flows per month, over columns.

The same numbers as `breadth._months` computes from one `TieEvent` per interaction,
but from numpy arrays (a person index, seconds since the epoch, a direction and an
intent code per event) and each person's first interaction: two million events would
otherwise be two million Python objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from amity.domain.breadth import MonthPoint, month_starts

DIRECTIONS = ("outbound", "inbound", "mutual")
INTENTS = ("neutral", "deposit", "withdrawal")


@dataclass(frozen=True)
class EventArrays:
    """Events (one per interaction and person) as arrays of equal length."""

    person: npt.NDArray[np.int64]
    """Index of the person, 0..people-1."""
    ts: npt.NDArray[np.float64]
    direction: npt.NDArray[np.int64]
    """Index into DIRECTIONS."""
    intent: npt.NDArray[np.int64]
    """Index into INTENTS."""


def window_start(now: dt.datetime, dormant_days: int) -> dt.datetime:
    """Return the earliest moment whose events `months_from_arrays` needs."""
    return month_starts(now)[0] - dt.timedelta(days=dormant_days)


def months_from_arrays(
    events: EventArrays,
    first_ts: npt.NDArray[np.float64],
    *,
    now: dt.datetime,
    dormant_days: int,
) -> list[MonthPoint]:
    """Return the month points; `events` must cover everything from `window_start` on.

    `first_ts` holds each person's first interaction (NaN for none): a tie is seen
    at the end of a month once it began, and active when it had an event in the
    `dormant_days` before that end.
    """
    starts = month_starts(now)
    ends = [*starts[1:], now]
    people = len(first_ts)
    ts = events.ts
    mine = (events.direction == 0) | (events.direction == 2)
    theirs = (events.direction == 1) | (events.direction == 2)
    deposit, withdrawal = events.intent == 1, events.intent == 2
    points = []
    for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
        end_ts = end.timestamp()
        cutoff_ts = (end - dt.timedelta(days=dormant_days)).timestamp()
        seen = int(np.count_nonzero(first_ts <= end_ts))
        recent = (ts >= cutoff_ts) & (ts <= end_ts)
        active = int(np.count_nonzero(np.bincount(events.person[recent], minlength=people)))
        upper = ts < ends[index].timestamp() if index < len(starts) - 1 else ts <= end_ts
        month = (ts >= start.timestamp()) & upper
        points.append(
            MonthPoint(
                start.strftime("%Y-%m"),
                seen - active,
                active,
                int(np.count_nonzero(month & mine & deposit)),
                int(np.count_nonzero(month & mine & withdrawal)),
                int(np.count_nonzero(month & theirs & deposit)),
                int(np.count_nonzero(month & theirs & withdrawal)),
            )
        )
    return points
