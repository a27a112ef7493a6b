"""One logged call does not jump a circle, and every surface places people alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from amity.domain import strength
from amity.people import services, timeline
from amity.relationships import ties
from amity.relationships.today import today_list

pytestmark = pytest.mark.storage


def _calls(user: Any, person: Any, days_ago: list[float], channel: str = "call") -> None:
    now = timezone.now()
    for days in days_ago:
        timeline.log_interaction(
            owner=user,
            people=[person],
            channel=channel,
            direction="mutual",
            occurred_at=now - dt.timedelta(days=days),
        )


@pytest.fixture
def network(user: Any) -> dict[str, Any]:
    """Five close friends called weekly, and Xavier, called monthly until 10 days ago."""
    friends = []
    for i in range(5):
        friend = services.create_person(owner=user, full_name=f"Friend {i}")
        _calls(user, friend, [1 + i * 0.1 + 7 * week for week in range(20)])
        friends.append(friend)
    xavier = services.create_person(owner=user, full_name="Xavier Boundary")
    _calls(user, xavier, [10 + 30 * month for month in range(8)])
    for i in range(12):
        other = services.create_person(owner=user, full_name=f"Acquaintance {i}")
        _calls(user, other, [40 + 20 * i])
    return {"friends": friends, "xavier": xavier}


def _circle_of(rows: list[dict[str, Any]], pk: int) -> int:
    return next(row["circle"] for row in rows if row["id"] == pk)


def test_one_call_at_the_boundary_does_not_jump_a_circle(
    user: Any, network: dict[str, Any], run_json: Any
) -> None:
    xavier = network["xavier"]
    today_list(owner=user)  # sets the day's boundaries and places everyone
    before = ties.person_strength(person=xavier)
    assert before["circle"] == 2

    _calls(user, xavier, [0.01])
    after = ties.person_strength(person=xavier)
    thresholds = ties.circle_thresholds(owner=user, day=timezone.localdate(), as_of=timezone.now())
    # The call lifted Xavier past the inner boundary: without hysteresis he would move.
    assert after["score"] > before["score"]
    fresh = strength.circles_from_thresholds(np.array([after["score"]]), thresholds)
    assert int(fresh[0]) == 1
    # Every surface keeps him where he was.
    assert after["circle"] == 2
    rows = ties.strength_rows(owner=user, as_of=timezone.now())
    assert _circle_of(rows, xavier.pk) == 2
    cli = run_json("strength")
    assert _circle_of(cli["people"], xavier.pk) == 2


def test_today_and_amity_strength_agree_on_every_circle(
    user: Any, network: dict[str, Any], run_json: Any
) -> None:
    _calls(user, network["xavier"], [0.01])
    items = today_list(owner=user, limit=10)["items"]
    assert items
    rows = run_json("strength")["people"]
    for item in items:
        assert item["circle"] == _circle_of(rows, item["id"]), item["name"]
        page = ties.person_strength(person=network["xavier"], read_only=True)
        assert page["circle"] == _circle_of(rows, network["xavier"].pk)


def test_a_real_change_still_moves_the_circle_the_next_day(
    user: Any, network: dict[str, Any]
) -> None:
    xavier = network["xavier"]
    today_list(owner=user)
    assert ties.person_strength(person=xavier)["circle"] == 2
    # Meeting every other day for a year: Xavier is now closer than any friend.
    _calls(user, xavier, [0.01 + 2 * k for k in range(180)], channel="meeting")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    as_of = timezone.now() + dt.timedelta(days=1)
    thresholds = ties.circle_thresholds(owner=user, day=tomorrow, as_of=as_of)
    assert thresholds
    assert ties.person_strength(person=xavier, as_of=as_of, day=tomorrow)["circle"] == 1
