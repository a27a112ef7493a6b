"""Test gathering the network's breadth from the database."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pytest
from django.db import connection, transaction
from django.utils import timezone

from amity import config
from amity.domain.breadth import TieEvent, _months, month_starts
from amity.network import insight_events
from amity.network.insights import configured_field, insights, round_3
from amity.people.models import Interaction
from amity.people.timeline import log_interaction
from amity.relationships.models import PersonSummary


def test_it_measures_fields_ties_and_flows(user: Any, network: dict, make_person: Any) -> None:
    make_person("Fay Dev", field="Software")
    for _ in range(6):
        log_interaction(owner=user, people=[network["engineer"]], intent="deposit", subtype="help")
    log_interaction(owner=user, people=[network["doctor"]], direction="inbound", intent="deposit")
    log_interaction(
        owner=user, people=[network["sailor"]], direction="inbound", intent="withdrawal"
    )
    result = insights(owner=user)
    b = result.breadth
    assert result.strength_source in {"interaction counts and recency", "relationship engine"}
    assert b.people == 6
    assert b.my_field == "Software"
    assert b.own_field_people_share == round(2 / 6, 3)
    assert [g.person_id for g in b.givers] == [network["doctor"].pk]
    assert [t.person_id for t in b.takers] == [network["sailor"].pk]
    assert b.months[-1].deposits == 6
    assert b.months[-1].received == 1 and b.months[-1].were_asked == 1
    assert b.strong_ties >= 1


def test_it_keeps_each_owners_network_apart(
    user: Any, other_user: Any, network: dict, make_person: Any
) -> None:
    make_person("Zed", owner=other_user, field="Art")
    assert insights(owner=other_user).breadth.people == 1
    assert insights(owner=user).breadth.people == 5


def test_it_uses_the_my_field_setting_when_declared(
    monkeypatch: pytest.MonkeyPatch, user: Any, network: dict
) -> None:
    if "AMITY_MY_FIELD" not in config.SETTINGS:
        assert configured_field() == ""
        pytest.skip("AMITY_MY_FIELD is not declared in this tree")
    monkeypatch.setenv("AMITY_MY_FIELD", "Marine")
    b = insights(owner=user).breadth
    assert (b.my_field, b.my_field_source) == ("Marine", "AMITY_MY_FIELD")


def test_it_takes_strength_and_circles_from_the_relationship_engine(
    user: Any, network: dict
) -> None:
    pytest.importorskip("amity.relationships.scoring")
    for _ in range(3):
        log_interaction(owner=user, people=[network["engineer"]], channel="call")
    result = insights(owner=user)
    assert result.strength_source == "relationship engine"
    circles = {g.name: g.people for g in result.breadth.by_circle}
    assert circles["inner"] == 1 and circles["not yet in touch"] == 4
    assert result.breadth.strong_ties == 1


@pytest.mark.parametrize(
    ("stored_days", "dormant_days"), [(40, 40), (730, 730), (40, 730), (730, 40)]
)
def test_its_monthly_charts_equal_the_per_event_reference(
    monkeypatch: pytest.MonkeyPatch,
    user: Any,
    other_user: Any,
    make_person: Any,
    stored_days: int,
    dormant_days: int,
) -> None:
    # The summaries' quiet spells (stored while the setting said `stored_days`) or,
    # when they hold only longer gaps, the events themselves, by span; the reference
    # reads every event.
    monkeypatch.setenv("AMITY_DORMANT_AFTER_DAYS", str(stored_days))
    now = timezone.now().replace(microsecond=500)
    starts = month_starts(now)
    ends = [*starts[1:], now]
    gap = dt.timedelta(days=dormant_days)
    tick = dt.timedelta(microseconds=1)
    edges = [*starts, *ends, *(end - gap for end in ends)]
    rng = np.random.default_rng(dormant_days)
    people = [make_person(f"Person {i}") for i in range(12)]
    stranger = make_person("Stranger", owner=other_user)
    for k in range(90):
        if k % 3:  # exactly on a boundary, or a microsecond either side
            at = edges[rng.integers(len(edges))] + tick * int(rng.integers(-1, 2))
        else:
            at = now - dt.timedelta(seconds=int(rng.integers(0, 4 * 365 * 86400)))
        at = min(at, now)
        chosen = rng.choice(len(people), size=int(rng.integers(1, 3)), replace=False)
        log_interaction(
            owner=user,
            people=[people[i] for i in chosen.tolist()],
            occurred_at=at,
            direction=("outbound", "inbound", "mutual")[k % 3],
            intent=("neutral", "deposit", "withdrawal")[k % 5 % 3],
        )
        if k % 10 == 0:
            log_interaction(owner=other_user, people=[stranger], occurred_at=at, intent="deposit")
    # A tie silent for longer than the dormancy threshold all year long.
    quiet = make_person("Quiet One")
    log_interaction(owner=user, people=[quiet], occurred_at=now - gap - dt.timedelta(days=400))
    events = [
        TieEvent(person.pk, interaction.occurred_at, interaction.direction, interaction.intent)
        for interaction in Interaction.objects.filter(owner=user).prefetch_related("people")
        for person in interaction.people.all()
    ]
    monkeypatch.setenv("AMITY_DORMANT_AFTER_DAYS", str(dormant_days))
    read: list[str] = []

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        read.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        found = insights(owner=user, now=now).breadth.months
    # Only spells of shorter gaps than asked about answer; otherwise each event's person.
    from_events = any('p."person_id"' in sql for sql in read)
    assert from_events == (stored_days > dormant_days)
    assert found == _months(events, now, dormant_days)
    assert any(m.dormant for m in found) and any(m.active for m in found)
    assert any(m.deposits and m.received for m in found)


def test_its_bulk_rounding_equals_pythons_round() -> None:
    rng = np.random.default_rng(18)
    values = np.concatenate(
        [
            rng.random(200_000) * 50,
            # Half-way points and their neighbours, where scaling by 1000 misleads numpy.
            (np.arange(20_000) + 0.5) / 1000,
            np.nextafter((np.arange(20_000) + 0.5) / 1000, 0),
            np.round(rng.random(20_000), 4),
            -rng.random(1_000),
            [0.0, -0.0, 2.675, 1.0005, 0.0005, 1e300, np.inf, -np.inf, np.nan],
        ]
    )
    expected = np.array([round(v, 3) for v in values.tolist()], dtype=np.float64)
    found = round_3(values)
    assert np.array_equal(found, expected, equal_nan=True)
    assert np.array_equal(np.signbit(found), np.signbit(expected))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's INCLUDE")
def test_postgresql_finds_every_column_the_months_read_in_the_time_index(
    user: Any, network: dict
) -> None:
    # What the planner picks over a handful of rows says little (at 100k people and 2M
    # events it is an index-only scan); what must hold at any size is that the index
    # carries every column of the table the two queries read.
    log_interaction(owner=user, people=[network["engineer"]], intent="deposit")
    queries: list[str] = []

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "width_bucket" in sql:
            queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        insights(owner=user)
        # Summaries without quiet spells: who was in touch when comes from the events.
        PersonSummary.objects.filter(owner=user).update(quiet_days=None)
        insights(owner=user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'interaction_owner_time'")
        (definition,) = cursor.fetchone()
    indexed = set(re.findall(r"\w+", definition.split("USING btree", 1)[1])) - {"INCLUDE"}
    read = {column for sql in queries for column in re.findall(r'\bi\."(\w+)"', sql)}
    assert len(queries) == 3  # the flows twice, the presence masks once
    assert read == {"owner_id", "occurred_at", "id", "direction", "intent"}
    assert read <= indexed


@pytest.mark.django_db(transaction=True)
def test_its_months_read_on_a_connection_of_their_own_are_the_same(
    monkeypatch: pytest.MonkeyPatch, user: Any, make_person: Any
) -> None:
    # Outside a transaction PostgreSQL counts the flows in a thread, on its own
    # connection; inside one (where only this connection sees the writes) in line.
    original = insight_events._on_own_connection
    beside: list[tuple[Any, ...]] = []

    def spy(*args: Any) -> Any:
        beside.append(args)
        return original(*args)

    monkeypatch.setattr(insight_events, "_on_own_connection", spy)
    now = timezone.now()
    people = [make_person(f"Person {i}") for i in range(4)]
    for k in range(40):
        log_interaction(
            owner=user,
            people=people[k % 4 : k % 4 + 1 + k % 2],
            occurred_at=now - dt.timedelta(days=11 * k),
            intent=("neutral", "deposit", "withdrawal")[k % 3],
        )
    found = insights(owner=user, now=now).breadth.months
    with transaction.atomic():
        in_line = insights(owner=user, now=now).breadth.months
    assert found == in_line
    assert any(m.active for m in found) and any(m.deposits for m in found)
    assert len(beside) == (connection.vendor == "postgresql")
