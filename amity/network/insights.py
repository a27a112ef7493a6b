"""Gather the owner's people and interactions and measure the network's breadth.

Tie strength, circles and the dormancy threshold come from the relationship engine
(`amity.relationships.scoring.load_network`, Dunbar circles by rank: inner, close and
active are the strong ties).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.utils import timezone

from amity import config
from amity.core.column_reads import codes, epoch_seconds, read_joined, to_seconds
from amity.domain import strength
from amity.domain.breadth import Breadth, MonthPoint, Tie, network_breadth
from amity.domain.breadth_months import (
    DIRECTIONS,
    INTENTS,
    EventArrays,
    months_from_arrays,
    window_start,
)
from amity.people.models import Interaction, Person
from amity.relationships import scoring as relationships
from amity.relationships.models import PersonSummary


@dataclass(frozen=True)
class Insights:
    """The breadth numbers and where strength and the user's field came from."""

    breadth: Breadth
    strength_source: str


def configured_field() -> str:
    """Return AMITY_MY_FIELD, or "" when it is not set."""
    return str(config.MY_FIELD.value() or "")


@dataclass(frozen=True)
class EngineTie:
    """What the relationship engine says about one tie."""

    strength: float
    circle: str
    strong: bool


def _engine_ties(network: relationships.Network) -> dict[int, EngineTie]:
    """Return the relationship engine's strength and circle per person with a history."""
    names = strength.CIRCLE_NAMES
    # Circles 1-3 (inner, close, active: the top 50 by rank) are the strong ties.
    strong_circles = len(strength.CIRCLE_SIZES) - 1
    found: dict[int, EngineTie] = {}
    scores = network.scores.score.tolist()
    circles = network.circles.tolist()
    dormant = network.scores.dormant.tolist()
    for row, pk in enumerate(network.ids.tolist()):
        score, circle = scores[row], circles[row]
        name = "dormant" if dormant[row] else names[circle - 1] if score > 0 else "not yet in touch"
        found[int(pk)] = EngineTie(
            round(score, 3), name, circle <= strong_circles and not dormant[row]
        )
    return found


def _tallies(owner: AbstractBaseUser) -> dict[int, tuple[int, int, int, int]]:
    """Return (received, were_asked, gave, asked) counts per person from the summaries.

    The stored summaries count every deposit and withdrawal each way (kept current by
    every writer, repaired by load_network), so no interaction is read here.
    """
    q = connection.ops.quote_name
    names = ("person_id", "received_count", "were_asked_count", "gave_count", "asked_count")
    columns = read_joined(
        f"FROM {q(PersonSummary._meta.db_table)} WHERE {q('owner_id')} = %s",
        [q(name) for name in names],
        [owner.pk],
    )
    ids, *counts = (np.array(column, dtype=np.int64).tolist() for column in columns)
    return {pk: tally for pk, *tally in zip(ids, *counts, strict=True)}


def _months(
    owner: AbstractBaseUser, network: relationships.Network, now: dt.datetime, dormant_days: int
) -> list[MonthPoint]:
    """Count the monthly charts from the interactions of the last months only."""
    q = connection.ops.quote_name
    since = window_start(now, dormant_days)
    person, when, direction, intent = read_joined(
        f"FROM {q(Interaction.people.through._meta.db_table)} p"
        f" JOIN {q(Interaction._meta.db_table)} i ON i.{q('id')} = p.{q('interaction_id')}"
        f" WHERE i.{q('owner_id')} = %s AND i.{q('occurred_at')} >= %s",
        [f"p.{q('person_id')}", epoch_seconds(f"i.{q('occurred_at')}"), "i.direction", "i.intent"],
        [owner.pk, connection.ops.adapt_datetimefield_value(since)],
    )
    rows = network.rows_of(np.array(person, dtype=np.int64))
    # People outside the network had no interaction up to now: their events are later.
    known = rows >= 0
    events = EventArrays(
        person=rows[known],
        ts=to_seconds(when)[known],
        direction=codes(direction, list(DIRECTIONS))[known],
        intent=codes(intent, list(INTENTS))[known],
    )
    return months_from_arrays(events, network.columns.first_ts, now=now, dormant_days=dormant_days)


def gather(
    *, owner: AbstractBaseUser, now: dt.datetime
) -> tuple[list[Tie], list[MonthPoint], str, int]:
    """Return the owner's ties, the monthly points, the strength source and dormancy days."""
    as_of, _ = relationships.resolve_as_of()
    network = relationships.load_network(owner=owner, as_of=as_of)
    engine_ties = _engine_ties(network)
    tallies = _tallies(owner)
    source = "relationship engine"
    dormant_days = relationships.dormant_after_days()
    nobody = EngineTie(0.0, "not yet in touch", False)
    ties: list[Tie] = []
    people = Person.objects.filter(owner=owner).values_list(
        "id", "full_name", "field", "last_interaction_at"
    )
    for pk, name, fld, last in people.iterator(chunk_size=20_000):
        known = engine_ties.get(pk, nobody)
        received, were_asked, gave, asked = tallies.get(pk, (0, 0, 0, 0))
        ties.append(
            Tie(
                pk,
                name,
                fld,
                known.strength,
                known.circle,
                last,
                received=received,
                were_asked=were_asked,
                gave=gave,
                asked=asked,
                strong=known.strong,
            )
        )
    return ties, _months(owner, network, now, dormant_days), source, dormant_days


def insights(*, owner: AbstractBaseUser, now: dt.datetime | None = None) -> Insights:
    """Measure the breadth of the owner's network."""
    now = now or timezone.now()
    ties, months, source, dormant_days = gather(owner=owner, now=now)
    breadth = network_breadth(
        ties,
        [],
        now=now,
        my_field=configured_field(),
        dormant_days=dormant_days,
        months=months,
    )
    return Insights(breadth, source)
