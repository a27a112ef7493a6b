"""Test that the monthly charts counted over arrays match the per-event reference."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from amity.domain.breadth import TieEvent, _months
from amity.domain.breadth_months import (
    DIRECTIONS,
    INTENTS,
    EventArrays,
    months_from_arrays,
    window_start,
)

NOW = dt.datetime(2026, 6, 15, 12, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize("dormant_days", [30, 180])
def test_it_counts_what_the_event_reference_counts(dormant_days: int) -> None:
    rng = np.random.default_rng(7)
    people, count = 500, 1500
    span = 3 * 365 * 86400
    ts = NOW.timestamp() - rng.integers(-20 * 86400, span, size=count).astype(float)
    person = rng.integers(0, people, size=count)
    direction = rng.integers(0, 3, size=count)
    intent = rng.integers(0, 3, size=count)
    events = [
        TieEvent(
            int(p),
            dt.datetime.fromtimestamp(float(t), tz=dt.UTC),
            DIRECTIONS[d],
            INTENTS[i],
        )
        for p, t, d, i in zip(person, ts, direction, intent, strict=True)
    ]
    expected = _months(events, NOW, dormant_days)
    first = np.full(people, np.nan)
    for p, t in zip(person.tolist(), ts.tolist(), strict=True):
        first[p] = t if np.isnan(first[p]) else min(first[p], t)
    # Only the window is read from the database; earlier events matter through `first`.
    window = ts >= window_start(NOW, dormant_days).timestamp()
    arrays = EventArrays(person[window], ts[window], direction[window], intent[window])
    found = months_from_arrays(arrays, first, now=NOW, dormant_days=dormant_days)
    assert found == expected
    assert any(point.dormant for point in found) and any(point.deposits for point in found)
