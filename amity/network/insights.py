"""Gather the owner's people and interactions and measure the network's breadth.

Tie strength, circles and the dormancy threshold come from the relationship engine
(`amity.relationships.scoring.load_network`, Dunbar circles by rank: inner, close and
active are the strong ties).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import numpy.typing as npt
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.utils import timezone

from amity import config
from amity.core.column_reads import epoch_micros, read_numbers, to_seconds
from amity.domain import strength
from amity.domain.breadth import Breadth, MonthPoint
from amity.domain.breadth_columns import TieTable, breadth_of_table
from amity.domain.breadth_months import (
    EventArrays,
    months_from_arrays,
    window_start,
)
from amity.people.models import Interaction, Person
from amity.relationships import scoring as relationships
from amity.relationships.models import PersonSummary
from amity.relationships.ties import day_thresholds


@dataclass(frozen=True)
class Insights:
    """The breadth numbers and where strength and the user's field came from."""

    breadth: Breadth
    strength_source: str


def configured_field() -> str:
    """Return AMITY_MY_FIELD, or "" when it is not set."""
    return str(config.MY_FIELD.value() or "")


def _tallies(
    owner: AbstractBaseUser, people: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Return how many deposits each person made to the user and how often they asked.

    The stored summaries count every deposit and withdrawal each way (kept current by
    every writer, repaired by load_network), so no interaction is read here.
    """
    q = connection.ops.quote_name
    ids, received, were_asked = read_numbers(
        f"FROM {q(PersonSummary._meta.db_table)} WHERE {q('owner_id')} = %s",
        [q("person_id"), q("received_count"), q("were_asked_count")],
        [owner.pk],
    )
    rows = _rows(ids, people)
    # A trailing zero: row -1 (no summary) reads it.
    return np.append(received, 0)[rows], np.append(were_asked, 0)[rows]


def _engine_columns(
    network: relationships.Network, people: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], list[str], npt.NDArray[np.bool_]]:
    """Return the engine's strength, circle name and strong flag per person."""
    # Circles 1-3 (inner, close, active: the top 50 by rank) are the strong ties.
    strong_circles = len(strength.CIRCLE_SIZES) - 1
    labels = [*strength.CIRCLE_NAMES, "dormant", "not yet in touch"]
    score = network.scores.score
    dormant = network.scores.dormant.astype(bool)
    circle = np.where(
        dormant,
        len(labels) - 2,
        np.where(score > 0, network.circles - 1, len(labels) - 1),
    )
    strong = (network.circles <= strong_circles) & ~dormant
    # Python's round (correctly rounded), as the engine's own JSON shows strengths.
    rounded = np.array([round(value, 3) for value in score.tolist()], dtype=np.float64)
    rows = _rows(network.ids, people)
    # A trailing entry for people without a history (row -1).
    circle_codes = np.append(circle, len(labels) - 1)[rows].tolist()
    return (
        np.append(rounded, 0.0)[rows],
        [labels[code] for code in circle_codes],
        np.append(strong, False)[rows],
    )


def _rows(ids: npt.NDArray[np.int64], people: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Return each of `people`'s row in `ids` (-1 for none) through one lookup array."""
    top = int(max(ids.max(initial=0), people.max(initial=0))) + 1
    index = np.full(top, -1, dtype=np.int64)
    index[ids] = np.arange(len(ids))
    return index[people]


def _months(
    owner: AbstractBaseUser, network: relationships.Network, now: dt.datetime, dormant_days: int
) -> list[MonthPoint]:
    """Count the monthly charts from the interactions of the last months only."""
    q = connection.ops.quote_name
    since = window_start(now, dormant_days)
    # Person, direction and intent in one integer: one column of text fewer to parse.
    code = (
        f"p.{q('person_id')} * 16"
        " + CASE i.direction WHEN 'outbound' THEN 0 WHEN 'inbound' THEN 4"
        " WHEN 'mutual' THEN 8 ELSE 12 END"
        " + CASE i.intent WHEN 'neutral' THEN 0 WHEN 'deposit' THEN 1"
        " WHEN 'withdrawal' THEN 2 ELSE 3 END"
    )
    numbers, when = read_numbers(
        f"FROM {q(Interaction.people.through._meta.db_table)} p"
        f" JOIN {q(Interaction._meta.db_table)} i ON i.{q('id')} = p.{q('interaction_id')}"
        f" WHERE i.{q('owner_id')} = %s AND i.{q('occurred_at')} >= %s",
        [code, epoch_micros(f"i.{q('occurred_at')}")],
        [owner.pk, connection.ops.adapt_datetimefield_value(since)],
    )
    rows = _rows(network.ids, numbers >> 4)
    # People outside the network had no interaction up to now: their events are later.
    known = rows >= 0
    events = EventArrays(
        person=rows[known],
        ts=to_seconds(when)[known],
        direction=(numbers[known] >> 2) & 3,
        intent=numbers[known] & 3,
    )
    return months_from_arrays(events, network.columns.first_ts, now=now, dormant_days=dormant_days)


class _Times(Sequence[dt.datetime | None]):
    """Datetimes read as the database gives them, made aware only when asked for.

    Insights shows the last interaction of a handful of people; parsing all 100k
    would cost more than the rest of the page's Python.
    """

    def __init__(self, raw: list[Any]) -> None:
        self._raw = raw

    def __len__(self) -> int:
        return len(self._raw)

    @overload
    def __getitem__(self, index: int) -> dt.datetime | None: ...
    @overload
    def __getitem__(self, index: slice) -> list[dt.datetime | None]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        value = self._raw[index]
        if isinstance(value, str):  # SQLite: naive UTC text
            value = dt.datetime.fromisoformat(value)
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


def _people(owner: AbstractBaseUser) -> tuple[list[Any], list[str], list[str], _Times]:
    """Return the ids, names, fields and last interactions of every person, in one query.

    A plain cursor: the ORM's per-value converters cost more than the query here.
    """
    q = connection.ops.quote_name
    last = q("last_interaction_at")
    # On SQLite an expression has no declared type, so the driver returns the text.
    when = f"{last} || ''" if connection.vendor == "sqlite" else last
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('id')}, {q('full_name')}, {q('field')}, {when}"
            f" FROM {q(Person._meta.db_table)} WHERE {q('owner_id')} = %s"
            # The people list's order, so ties between equals break as they always did.
            f" ORDER BY {q('sort_name')}, {q('id')}",
            [owner.pk],
        )
        rows = cursor.fetchall()
    if not rows:
        return [], [], [], _Times([])
    ids, names, fields, times = (list(column) for column in zip(*rows, strict=True))
    return ids, names, fields, _Times(times)


def gather(
    *, owner: AbstractBaseUser, now: dt.datetime
) -> tuple[TieTable, list[MonthPoint], str, int]:
    """Return the owner's ties as columns, the monthly points, the source and dormancy days."""
    as_of, _ = relationships.resolve_as_of()
    # The day's circle boundaries, as Today and `amity strength` use (a page: no write).
    thresholds = day_thresholds(owner=owner, as_of=as_of, read_only=True)
    network = relationships.load_network(owner=owner, as_of=as_of, thresholds=thresholds)
    dormant_days = relationships.dormant_after_days()
    ids, names, fields, times = _people(owner)
    person_ids = np.array(ids, dtype=np.int64)
    score, circle, strong = _engine_columns(network, person_ids)
    received, were_asked = _tallies(owner, person_ids)
    table = TieTable(
        person_id=person_ids,
        name=names,
        field=fields,
        strength=score,
        circle=circle,
        last_interaction=times,
        has_last=np.array([value is not None for value in times._raw], dtype=bool),
        received=received,
        were_asked=were_asked,
        strong=strong,
    )
    months = _months(owner, network, now, dormant_days)
    return table, months, "relationship engine", dormant_days


def insights(*, owner: AbstractBaseUser, now: dt.datetime | None = None) -> Insights:
    """Measure the breadth of the owner's network."""
    now = now or timezone.now()
    table, months, source, dormant_days = gather(owner=owner, now=now)
    breadth = breadth_of_table(
        table, months, my_field=configured_field(), dormant_days=dormant_days
    )
    return Insights(breadth, source)
