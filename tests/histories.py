"""Build people with a history for tests: real, quiet ties the engine scores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from amity.people import services, timeline
from amity.people.models import Person
from amity.relationships import ties


def with_history(
    owner: Any,
    name: str = "Grace Hopper",
    *,
    days_ago: Sequence[float] = (300, 200, 100),
    channel: str = "message",
    **fields: Any,
) -> Person:
    """Return a new person with one two-way interaction on each of `days_ago`."""
    person = services.create_person(owner=owner, full_name=name, **fields)
    for days in days_ago:
        timeline.log_interaction(
            owner=owner,
            people=[person],
            occurred_at=timezone.now() - dt.timedelta(days=days),
            channel=channel,
            direction="mutual",
        )
    return person


def engine_cadence(person: Person) -> int | None:
    """Return the cadence the relationship engine uses for `person` (network-wide rows)."""
    rows = ties.strength_rows(owner=person.owner, as_of=timezone.now())
    cadence: int | None = next(row["cadence_days"] for row in rows if row["id"] == person.pk)
    return cadence
