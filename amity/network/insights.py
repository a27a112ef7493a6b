"""Gather the owner's people and interactions and measure the network's breadth.

Tie strength, circles and the dormancy threshold come from the relationship engine
(`amity.relationships.scoring.load_network`, Dunbar circles by rank: inner, close and
active are the strong ties); without it the breadth module's fallbacks estimate them
from interaction counts and recency, and the result says which was used.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from amity import config
from amity.domain.breadth import (
    DORMANT_DAYS,
    Breadth,
    Tie,
    TieEvent,
    fallback_circle,
    fallback_strength,
    network_breadth,
)
from amity.people.models import Interaction, Person


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


def _engine_ties(owner: AbstractBaseUser) -> tuple[dict[int, EngineTie], int] | None:
    """Ask the relationship engine for strength and circle per person, if it is there.

    Returns the ties and the engine's dormancy threshold in days, or None when the
    engine (amity.relationships.scoring) is not installed.
    """
    try:
        from amity.domain import strength as engine_strength
        from amity.relationships import scoring as relationships
    except ImportError:
        return None
    as_of, _ = relationships.resolve_as_of()
    network = relationships.load_network(owner=owner, as_of=as_of)
    names = engine_strength.CIRCLE_NAMES
    # Circles 1-3 (inner, close, active: the top 50 by rank) are the strong ties.
    strong_circles = len(engine_strength.CIRCLE_SIZES) - 1
    found: dict[int, EngineTie] = {}
    for row, pk in enumerate(network.ids.tolist()):
        score = float(network.scores.score[row])
        circle = int(network.circles[row])
        dormant = bool(network.scores.dormant[row])
        name = "dormant" if dormant else names[circle - 1] if score > 0 else "not yet in touch"
        found[int(pk)] = EngineTie(round(score, 3), name, circle <= strong_circles and not dormant)
    return found, relationships.dormant_after_days()


def gather(*, owner: AbstractBaseUser) -> tuple[list[Tie], list[TieEvent], str, int]:
    """Return the owner's ties, interaction events, the strength source and dormancy days."""
    now = timezone.now()
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
    engine = _engine_ties(owner)
    source = "relationship engine" if engine is not None else "interaction counts and recency"
    engine_ties, dormant_days = engine if engine is not None else ({}, DORMANT_DAYS)
    ties: list[Tie] = []
    people = Person.objects.filter(owner=owner).values_list(
        "id", "full_name", "field", "last_interaction_at", "interaction_count"
    )
    for pk, name, fld, last, count in people.iterator(chunk_size=20_000):
        known = engine_ties.get(pk)
        strong: bool | None = None
        if known is not None:
            strength, circle, strong = known.strength, known.circle, known.strong
        elif engine is not None:
            strength, circle, strong = 0.0, "not yet in touch", False
        else:
            strength = fallback_strength(count, last, now)
            circle = fallback_circle(strength, last, now)
        tally = counts.get(pk, Counter())
        ties.append(
            Tie(
                pk,
                name,
                fld,
                strength,
                circle,
                last,
                received=tally["received"],
                were_asked=tally["were_asked"],
                gave=tally["gave"],
                asked=tally["asked"],
                strong=strong,
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
