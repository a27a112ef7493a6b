"""Gather the owner's people and interactions and measure the network's breadth.

Tie strength, circles and the dormancy threshold come from the relationship engine
(`amity.relationships.scoring.load_network`, Dunbar circles by rank: inner, close and
active are the strong ties).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from amity import config
from amity.domain import strength
from amity.domain.breadth import (
    Breadth,
    Tie,
    TieEvent,
    network_breadth,
)
from amity.people.models import Interaction, Person
from amity.relationships import scoring as relationships
from amity.relationships.ties import day_thresholds


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


def _engine_ties(owner: AbstractBaseUser) -> dict[int, EngineTie]:
    """Return the relationship engine's strength and circle per person with a history."""
    as_of, _ = relationships.resolve_as_of()
    # The day's circle boundaries, as Today and `amity strength` use (a page: no write).
    thresholds = day_thresholds(owner=owner, as_of=as_of, read_only=True)
    network = relationships.load_network(owner=owner, as_of=as_of, thresholds=thresholds)
    names = strength.CIRCLE_NAMES
    # Circles 1-3 (inner, close, active: the top 50 by rank) are the strong ties.
    strong_circles = len(strength.CIRCLE_SIZES) - 1
    found: dict[int, EngineTie] = {}
    for row, pk in enumerate(network.ids.tolist()):
        score = float(network.scores.score[row])
        circle = int(network.circles[row])
        dormant = bool(network.scores.dormant[row])
        name = "dormant" if dormant else names[circle - 1] if score > 0 else "not yet in touch"
        found[int(pk)] = EngineTie(round(score, 3), name, circle <= strong_circles and not dormant)
    return found


def gather(*, owner: AbstractBaseUser) -> tuple[list[Tie], list[TieEvent], str, int]:
    """Return the owner's ties, interaction events, the strength source and dormancy days."""
    through = Interaction.people.through
    events: list[TieEvent] = []
    counts: dict[int, Counter[str]] = {}
    rows = (
        through.objects.filter(interaction__owner=owner)
        .values_list(
            "person_id",
            "interaction__occurred_at",
            "interaction__direction",
            "interaction__intent",
        )
        .order_by()
    )
    for person_id, at, direction, intent in rows.iterator(chunk_size=20_000):
        events.append(TieEvent(person_id, at, direction, intent))
        if intent == "neutral":
            continue
        tally = counts.setdefault(person_id, Counter())
        if direction in {"inbound", "mutual"}:
            tally["received" if intent == "deposit" else "were_asked"] += 1
        if direction in {"outbound", "mutual"}:
            tally["gave" if intent == "deposit" else "asked"] += 1
    engine_ties = _engine_ties(owner)
    source = "relationship engine"
    dormant_days = relationships.dormant_after_days()
    ties: list[Tie] = []
    people = Person.objects.filter(owner=owner).values_list(
        "id", "full_name", "field", "last_interaction_at"
    )
    for pk, name, fld, last in people.iterator(chunk_size=20_000):
        known = engine_ties.get(pk, EngineTie(0.0, "not yet in touch", False))
        tally = counts.get(pk, Counter())
        ties.append(
            Tie(
                pk,
                name,
                fld,
                known.strength,
                known.circle,
                last,
                received=tally["received"],
                were_asked=tally["were_asked"],
                gave=tally["gave"],
                asked=tally["asked"],
                strong=known.strong,
            )
        )
    return ties, events, source, dormant_days


def insights(*, owner: AbstractBaseUser, now: dt.datetime | None = None) -> Insights:
    """Measure the breadth of the owner's network."""
    ties, events, source, dormant_days = gather(owner=owner)
    breadth = network_breadth(
        ties,
        events,
        now=now or timezone.now(),
        my_field=configured_field(),
        dormant_days=dormant_days,
    )
    return Insights(breadth, source)
