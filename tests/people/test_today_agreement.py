"""Test that today's fast candidate search picks what describing everyone would pick."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from amity.domain import nudges
from amity.portability.demo import build_demo
from amity.relationships import scoring, today_candidates

DAY = dt.date(2026, 11, 2)


def picks(candidates: list[Any], day: dt.date) -> list[int]:
    """Return the person ids today's rules choose from `candidates`."""
    return [n.person_id for n in nudges.pick_today(candidates, today=day, limit=5)]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("tight", [False, True])
def test_it_agrees_with_the_reference_on_random_networks(
    user: Any, monkeypatch: pytest.MonkeyPatch, seed: int, tight: bool
) -> None:
    if tight:
        # Cut every shortlist to the list's length (the shortcut never keeps fewer), so
        # the shortcuts decide who is even considered.
        for name, value in {
            "TOP_OVERALL": 5,
            "TOP_PER_CIRCLE": 1,
            "TOP_DORMANT": 1,
            "TOP_UNTHANKED": 1,
            "TOP_ANNIVERSARIES": 1,
            "DORMANT_PREFILTER": 10,
        }.items():
            monkeypatch.setattr(today_candidates, name, value)
    build_demo(owner=user, seed=seed, today=DAY)
    for day in (DAY, DAY + dt.timedelta(days=3), DAY + dt.timedelta(days=40)):
        as_of = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
        network = scoring.load_network(owner=user, as_of=as_of)
        fast = today_candidates.candidates(user, network, day, limit=5)
        reference = today_candidates.reference_candidates(user, network, day)
        assert len(fast) < len(reference) / 2  # the shortcut does skip most people
        assert picks(fast, day) == picks(reference, day)
