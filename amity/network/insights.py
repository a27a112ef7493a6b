"""Gather the owner's people and interactions and measure the network's breadth.

Tie strength, circles and the dormancy threshold come from the relationship engine
(`amity.relationships.scoring.load_network`, Dunbar circles by rank: inner, close and
active are the strong ties). Who was in touch each month comes from the quiet spells
the summaries store; only the year's deposits and withdrawals are read as events.
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
from amity.core.column_reads import joined, numbers, read_numbers
from amity.domain import strength
from amity.domain.breadth import Breadth, MonthPoint
from amity.domain.breadth_columns import TieTable, breadth_of_table
from amity.domain.breadth_months import (
    Presence,
    active_from_spans,
    active_from_spells,
    months_from_activity,
    window_bounds,
)
from amity.domain.summaries import unpack_spells
from amity.network import insight_events
from amity.people.models import Person
from amity.relationships import scoring as relationships
from amity.relationships.models import PersonSummary
from amity.relationships.ties import load_day_network


@dataclass(frozen=True)
class Insights:
    """The breadth numbers and where strength and the user's field came from."""

    breadth: Breadth
    strength_source: str


def configured_field() -> str:
    """Return AMITY_MY_FIELD, or "" when it is not set."""
    return str(config.MY_FIELD.value() or "")


@dataclass(frozen=True)
class _StoredColumns:
    """What insights reads of the stored summaries, in one pass over the owner's rows."""

    person_id: npt.NDArray[np.int64]
    received: npt.NDArray[np.int64]
    were_asked: npt.NDArray[np.int64]
    with_spells: int
    """How many rows hold quiet spells."""
    spells_days: int
    """The longest `quiet_days` among them (0: none)."""
    spells: bytes
    """Every row's packed quiet spells, joined."""


def _read_summaries(owner: AbstractBaseUser) -> _StoredColumns:
    """Read the deposits and asks each person made and every quiet spell, in one query.

    The stored summaries count every deposit and withdrawal each way (kept current by
    every writer, repaired by load_network), so no interaction is read here. One
    pass over the table: it has no index holding these columns.
    """
    q = connection.ops.quote_name
    # The spells as one value: bytes joined on PostgreSQL, hex text on SQLite (whose
    # group_concat joins text).
    spells = (
        f"string_agg({q('quiet_spells')}, '')"
        if connection.vendor == "postgresql"
        else f"group_concat(hex({q('quiet_spells')}), '')"
    )
    numbers_sql = [joined(q(name)) for name in ("person_id", "received_count", "were_asked_count")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(numbers_sql)}, COUNT({q('quiet_days')}), MAX({q('quiet_days')}),"
            f" {spells} FROM {q(PersonSummary._meta.db_table)} WHERE {q('owner_id')} = %s",
            [owner.pk],
        )
        ids, received, were_asked, with_spells, days, blob = cursor.fetchone()
    return _StoredColumns(
        numbers(ids or ""),
        numbers(received or ""),
        numbers(were_asked or ""),
        int(with_spells),
        int(days or 0),
        bytes.fromhex(blob or "") if isinstance(blob, str) else bytes(blob or b""),
    )


def _tallies(
    stored: _StoredColumns, people: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Return how many deposits each person made to the user and how often they asked."""
    rows = _rows(stored.person_id, people)
    # A trailing zero: row -1 (no summary) reads it.
    return np.append(stored.received, 0)[rows], np.append(stored.were_asked, 0)[rows]


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
    rounded = round_3(score)
    rows = _rows(network.ids, people)
    # A trailing entry for people without a history (row -1).
    circle_codes = np.append(circle, len(labels) - 1)[rows].tolist()
    return (
        np.append(rounded, 0.0)[rows],
        [labels[code] for code in circle_codes],
        np.append(strong, False)[rows],
    )


def round_3(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Round to 3 decimals exactly as Python's round does (correctly rounded), in bulk.

    The engine's own JSON shows strengths through Python's round; numpy's round scales
    by 1000 first, and that product's own rounding can push a value lying (within
    an error) on a half-way point to the other side. Only those few go through Python.
    Elsewhere the two agree: dividing a whole number by 1000 is correctly rounded.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = values * 1000.0
        rounded = np.round(scaled) / 1000.0
        # Half-way points after scaling, with room for the product's rounding error.
        fraction = scaled - np.floor(scaled)
        near_half = np.abs(fraction - 0.5) <= 1e-6 * np.maximum(1.0, np.abs(scaled))
    for i in np.flatnonzero(near_half | ~np.isfinite(values)).tolist():
        rounded[i] = round(float(values[i]), 3)
    return rounded


def _rows(ids: npt.NDArray[np.int64], people: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Return each of `people`'s row in `ids` (-1 for none) through one lookup array."""
    top = int(max(ids.max(initial=0), people.max(initial=0))) + 1
    index = np.full(top, -1, dtype=np.int64)
    index[ids] = np.arange(len(ids))
    return index[people]


def _months(
    owner: AbstractBaseUser,
    stored: _StoredColumns,
    network: relationships.Network,
    flows: npt.NDArray[np.int64],
    now: dt.datetime,
    dormant_days: int,
) -> list[MonthPoint]:
    """Count the monthly charts from who was in touch when, and the flows.

    Who was in touch comes from the quiet spells the summaries store; where some
    summary lacks them for these `dormant_days` (written under a shorter setting),
    from the events themselves.
    """
    bounds = window_bounds(now, dormant_days)
    first_ts = network.columns.first_ts
    found = _stored_spells(stored, dormant_days)
    if found is not None:
        people, spells = found
        active = active_from_spells(spells, people, now=now, dormant_days=dormant_days)
    else:
        span, person = insight_events.presence(owner, bounds)
        rows = _rows(network.ids, person)
        # People outside the network had no interaction up to now: their events are later.
        known = rows >= 0
        presence = Presence(span[known], rows[known])
        active = active_from_spans(
            presence, bounds, len(first_ts), now=now, dormant_days=dormant_days
        )
    return months_from_activity(active, flows, bounds, first_ts, now=now)


def _stored_spells(
    stored: _StoredColumns, dormant_days: int
) -> tuple[int, npt.NDArray[np.int64]] | None:
    """Return how many people have summaries and all their quiet spells, if they answer.

    Spells of gaps longer than `dormant_days` are all a month's activity needs; a
    summary holding only longer ones (or none) cannot answer.
    """
    people = len(stored.person_id)
    if stored.with_spells != people or stored.spells_days > dormant_days:
        return None
    return people, unpack_spells(stored.spells)


class _LastInteractions(Sequence[dt.datetime | None]):
    """Each person's last interaction, read from the database only when asked for.

    Insights shows the last interaction of the handful of people it suggests warming
    up; reading it for all 100k would take the table itself, where names and fields
    come from an index alone.
    """

    def __init__(self, owner: AbstractBaseUser, person_ids: npt.NDArray[np.int64]) -> None:
        self._owner = owner
        self._person_ids = person_ids

    def __len__(self) -> int:
        return len(self._person_ids)

    @overload
    def __getitem__(self, index: int) -> dt.datetime | None: ...
    @overload
    def __getitem__(self, index: slice) -> list[dt.datetime | None]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return (
            Person.objects.filter(owner=self._owner, pk=int(self._person_ids[index]))
            .values_list("last_interaction_at", flat=True)
            .first()
        )


def _people(owner: AbstractBaseUser) -> tuple[npt.NDArray[np.int64], list[str], list[str]]:
    """Return the ids, names and fields of every person, in the people list's order.

    A plain cursor: the ORM's per-value converters cost more than the query here.
    The (owner, sort_name, id, full_name, field) index answers it without the table.
    """
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('id')}, {q('full_name')}, {q('field')}"
            f" FROM {q(Person._meta.db_table)} WHERE {q('owner_id')} = %s"
            # The people list's order, so ties between equals break as they always did.
            f" ORDER BY {q('sort_name')}, {q('id')}",
            [owner.pk],
        )
        rows = cursor.fetchall()
    if not rows:
        return np.zeros(0, dtype=np.int64), [], []
    ids, names, fields = zip(*rows, strict=True)
    return np.array(ids, dtype=np.int64), list(names), list(fields)


def _with_history(owner: AbstractBaseUser, people: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Return which of `people` have a last interaction (from the (owner, last) index)."""
    q = connection.ops.quote_name
    (ids,) = read_numbers(
        f"FROM {q(Person._meta.db_table)}"
        f" WHERE {q('owner_id')} = %s AND {q('last_interaction_at')} IS NOT NULL",
        [q("id")],
        [owner.pk],
    )
    return np.isin(people, ids)


def gather(
    *, owner: AbstractBaseUser, now: dt.datetime
) -> tuple[TieTable, list[MonthPoint], str, int]:
    """Return the owner's ties as columns, the monthly points, the source and dormancy days."""
    as_of, _ = relationships.resolve_as_of()
    dormant_days = relationships.dormant_after_days()
    flows = insight_events.start_flows(owner, now, dormant_days)
    # The day's circle boundaries, as Today and `amity strength` use (a page: no write).
    network = load_day_network(owner=owner, as_of=as_of)
    person_ids, names, fields = _people(owner)
    score, circle, strong = _engine_columns(network, person_ids)
    stored = _read_summaries(owner)
    received, were_asked = _tallies(stored, person_ids)
    table = TieTable(
        person_id=person_ids,
        name=names,
        field=fields,
        strength=score,
        circle=circle,
        last_interaction=_LastInteractions(owner, person_ids),
        has_last=_with_history(owner, person_ids),
        received=received,
        were_asked=were_asked,
        strong=strong,
    )
    months = _months(owner, stored, network, flows(), now, dormant_days)
    return table, months, "relationship engine", dormant_days


def insights(*, owner: AbstractBaseUser, now: dt.datetime | None = None) -> Insights:
    """Measure the breadth of the owner's network."""
    now = now or timezone.now()
    table, months, source, dormant_days = gather(owner=owner, now=now)
    breadth = breadth_of_table(
        table, months, my_field=configured_field(), dormant_days=dormant_days
    )
    return Insights(breadth, source)
