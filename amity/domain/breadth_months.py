"""Count dormant and active ties and the give/ask flows per month, over a few arrays.

The same numbers as `breadth._months` computes from one `TieEvent` per interaction,
but from what a database hands over cheaply. The month starts, the month ends and
the starts of their activity windows (`end - dormant_days`) cut the time line into a
few dozen spans (`window_bounds`); an event is then just its span, its person's row,
its direction and its intent, four small integers, and every count is one numpy pass:

- a tie is active at a month's end when it had an event in one of the spans of that
  month's window, so each person needs a bit per span, not their event times;
- a month's flows are the events of the spans inside that month;
- a tie is seen at the end of a month once it began (its first interaction, from the
  stored summaries).

Who was active can also come without any event: each summary stores its person's
quiet spells (`summaries.quiet_spells_of`), and at a month's end a person is out of
touch exactly when the end lies in one of them (`active_from_spells`).

Python datetimes (and the databases' times) have whole microseconds, so "up to and
including `end`" is "before `end` + 1 µs", and every span is half-open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from amity.domain.breadth import MonthPoint, month_starts
from amity.domain.summaries import quiet_gap

DIRECTIONS = ("outbound", "inbound", "mutual")
INTENTS = ("neutral", "deposit", "withdrawal")
OTHER = 3
"""The code of a direction or intent outside the lists (never counted)."""

_TICK = dt.timedelta(microseconds=1)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _month_ends(now: dt.datetime) -> list[dt.datetime]:
    return [*month_starts(now)[1:], now]


def window_bounds(now: dt.datetime, dormant_days: int) -> list[dt.datetime]:
    """Return the span boundaries, ascending: span k is bounds[k] <= time < bounds[k+1].

    Events before the first bound or from the last on never count.
    """
    gap = dt.timedelta(days=dormant_days)
    ends = _month_ends(now)
    return sorted(
        {end - gap for end in ends} | {end + _TICK for end in ends} | set(month_starts(now))
    )


@dataclass(frozen=True)
class Presence:
    """Who had an event in which span: pairs as two arrays of equal length (repeats allowed)."""

    span: npt.NDArray[np.int64]
    """Index of the span (see window_bounds)."""
    person: npt.NDArray[np.int64]
    """Row of the person, 0..people-1."""


def flow_counts(
    span: npt.NDArray[np.int64],
    direction: npt.NDArray[np.int64],
    intent: npt.NDArray[np.int64],
    spans: int,
) -> npt.NDArray[np.int64]:
    """Count events per span, direction and intent: shape (spans, 4, 4), OTHER last."""
    codes = (span * 4 + direction) * 4 + intent
    return np.bincount(codes, minlength=spans * 16).reshape(spans, 4, 4)


def _spans_within(
    bounds: Sequence[dt.datetime], start: dt.datetime, end: dt.datetime
) -> tuple[int, int]:
    """Return the first and one past the last span covering start <= time < end."""
    return bounds.index(start), bounds.index(end)


def active_from_spans(
    presence: Presence,
    bounds: Sequence[dt.datetime],
    people: int,
    *,
    now: dt.datetime,
    dormant_days: int,
) -> list[int]:
    """Return how many people were in touch in each month's window, from who was when."""
    # Whether each person had an event in each span: a few million bytes at most.
    # Span-major, so a window's "any" folds a few contiguous rows.
    present = np.zeros((len(bounds) - 1, people), dtype=bool)
    present[presence.span, presence.person] = True
    gap = dt.timedelta(days=dormant_days)
    active = []
    for end in _month_ends(now):
        low, high = _spans_within(bounds, end - gap, end + _TICK)
        active.append(int(np.count_nonzero(np.logical_or.reduce(present[low:high], axis=0))))
    return active


def active_from_spells(
    spells: npt.NDArray[np.int64], people: int, *, now: dt.datetime, dormant_days: int
) -> list[int]:
    """Return how many people were in touch in each month's window, from their quiet spells.

    `spells` holds the (start, end) pairs of `people` people (summaries.quiet_spells_of,
    microseconds, of gaps no longer than `dormant_days`): at a month's end a person was
    out of touch within exactly one of their spells, or in touch.
    """
    gap = quiet_gap(dormant_days)
    active = []
    for end in _month_ends(now):
        moment = (end - _EPOCH) // _TICK
        quiet = (spells[:, 0] < moment - gap) & (moment < spells[:, 1])
        active.append(people - int(np.count_nonzero(quiet)))
    return active


def months_from_activity(
    active: Sequence[int],
    flows: npt.NDArray[np.int64],
    bounds: Sequence[dt.datetime],
    first_ts: npt.NDArray[np.float64],
    *,
    now: dt.datetime,
) -> list[MonthPoint]:
    """Return the month points from how many were in touch at each month's end and the flows.

    `flows` is `flow_counts` of the events between the bounds; `first_ts` holds each
    person's first interaction in seconds (NaN for none).
    """
    mine = [DIRECTIONS.index("outbound"), DIRECTIONS.index("mutual")]
    theirs = [DIRECTIONS.index("inbound"), DIRECTIONS.index("mutual")]
    deposit, withdrawal = INTENTS.index("deposit"), INTENTS.index("withdrawal")
    points = []
    starts = month_starts(now)
    for index, (start, end) in enumerate(zip(starts, _month_ends(now), strict=True)):
        seen = int(np.count_nonzero(first_ts <= end.timestamp()))
        # The last month runs up to and including now; the others end where the next starts.
        last = index == len(starts) - 1
        low, high = _spans_within(bounds, start, end + _TICK if last else end)
        month = flows[low:high].sum(axis=0)
        points.append(
            MonthPoint(
                start.strftime("%Y-%m"),
                seen - active[index],
                active[index],
                int(month[mine, deposit].sum()),
                int(month[mine, withdrawal].sum()),
                int(month[theirs, deposit].sum()),
                int(month[theirs, withdrawal].sum()),
            )
        )
    return points
