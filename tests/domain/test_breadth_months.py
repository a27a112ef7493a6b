"""Test that the monthly charts counted over spans or spells match the per-event reference."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from typing import Any

import numpy as np
import pytest

from amity.domain.breadth import TieEvent, _months, month_starts
from amity.domain.breadth_months import (
    DIRECTIONS,
    INTENTS,
    Presence,
    active_from_spans,
    active_from_spells,
    flow_counts,
    months_from_activity,
    window_bounds,
)
from amity.domain.summaries import pack_spells, quiet_gap, quiet_spells_of, unpack_spells

NOW = dt.datetime(2026, 6, 15, 12, 30, tzinfo=dt.UTC)


def moments(rng: np.random.Generator, count: int, dormant_days: int) -> list[dt.datetime]:
    """Return random moments over three years, a third of them exactly on a boundary."""
    span = 3 * 365 * 86400
    seconds = NOW.timestamp() - rng.integers(-20 * 86400, span, size=count)
    found = [dt.datetime.fromtimestamp(float(s), tz=dt.UTC) for s in seconds]
    starts = month_starts(NOW)
    gap = dt.timedelta(days=dormant_days)
    edges = [*starts, NOW, *(end - gap for end in [*starts[1:], NOW])]
    tick = dt.timedelta(microseconds=1)
    for i in rng.choice(count, size=count // 3, replace=False).tolist():
        found[i] = edges[rng.integers(len(edges))] + tick * int(rng.integers(-1, 2))
    return found


def _random_events(
    seed: int, people: int, count: int, dormant_days: int
) -> tuple[list[dt.datetime], np.ndarray, np.ndarray, np.ndarray, Any]:
    """Return random events (times, person, direction, intent) and the reference's months."""
    rng = np.random.default_rng(seed)
    at = moments(rng, count, dormant_days)
    person = rng.integers(0, people, size=count)
    direction = rng.integers(0, 3, size=count)
    intent = rng.integers(0, 3, size=count)
    events = [
        TieEvent(int(p), t, DIRECTIONS[d], INTENTS[i])
        for p, t, d, i in zip(person, at, direction, intent, strict=True)
    ]
    return at, person, direction, intent, _months(events, NOW, dormant_days)


@pytest.mark.parametrize("dormant_days", [30, 180, 730])
def test_it_counts_what_the_event_reference_counts(dormant_days: int) -> None:
    people = 500
    at, person, direction, intent, expected = _random_events(
        dormant_days, people, 3000, dormant_days
    )
    first = np.full(people, np.nan)
    for p, t in zip(person.tolist(), at, strict=True):
        first[p] = min(first[p], t.timestamp()) if not np.isnan(first[p]) else t.timestamp()
    # Only the events between the bounds are read from the database, each with its span.
    bounds = window_bounds(NOW, dormant_days)
    inside = [i for i, t in enumerate(at) if bounds[0] <= t < bounds[-1]]
    span = np.array([bisect_right(bounds, at[i]) - 1 for i in inside], dtype=np.int64)
    flows = flow_counts(span, direction[inside], intent[inside], len(bounds) - 1)
    presence = Presence(span, person[inside])
    active = active_from_spans(presence, bounds, people, now=NOW, dormant_days=dormant_days)
    found = months_from_activity(active, flows, bounds, first, now=NOW)
    assert found == expected
    assert any(point.dormant for point in found) and any(point.deposits for point in found)


@pytest.mark.parametrize(("stored_days", "dormant_days"), [(30, 30), (30, 180), (730, 730)])
def test_quiet_spells_count_what_the_event_reference_counts(
    stored_days: int, dormant_days: int
) -> None:
    people = 400
    at, person, direction, intent, expected = _random_events(
        dormant_days + stored_days, people, 2500, dormant_days
    )
    tick = dt.timedelta(microseconds=1)
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    times: dict[int, list[int]] = {}
    for p, t in zip(person.tolist(), at, strict=True):
        times.setdefault(p, []).append((t - epoch) // tick)
    # The summaries' spells, of gaps longer than the days they were stored for.
    spells = np.concatenate(
        [
            unpack_spells(pack_spells(quiet_spells_of(ts, quiet_gap(stored_days))))
            for ts in times.values()
        ]
    )
    first = np.array([min(ts) / 1e6 for ts in times.values()])
    bounds = window_bounds(NOW, dormant_days)
    inside = [i for i, t in enumerate(at) if bounds[0] <= t < bounds[-1]]
    span = np.array([bisect_right(bounds, at[i]) - 1 for i in inside], dtype=np.int64)
    flows = flow_counts(span, direction[inside], intent[inside], len(bounds) - 1)
    active = active_from_spells(spells, len(times), now=NOW, dormant_days=dormant_days)
    found = months_from_activity(active, flows, bounds, first, now=NOW)
    assert found == expected
    assert any(point.dormant for point in found) and any(point.active for point in found)
