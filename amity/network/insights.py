"""Gather the owner's people and interactions and measure the network's breadth.

Tie strength, circles and the dormancy threshold come from the relationship engine
(`amity.relationships.scoring.load_network`, Dunbar circles by rank: inner, close and
active are the strong ties).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import numpy.typing as npt
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from amity import config
from amity.core.column_reads import joined, numbers, read_numbers
from amity.domain import strength
from amity.domain.breadth import Breadth, MonthPoint, month_starts
from amity.domain.breadth_columns import TieTable, breadth_of_table
from amity.domain.breadth_months import (
    DIRECTIONS,
    INTENTS,
    OTHER,
    Presence,
    active_from_spans,
    active_from_spells,
    flow_counts,
    months_from_activity,
    window_bounds,
)
from amity.domain.summaries import unpack_spells
from amity.people.models import Interaction, Person
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
        span, person = _presence(owner, bounds)
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


def _start_flows(
    owner: AbstractBaseUser, now: dt.datetime, dormant_days: int
) -> Callable[[], npt.NDArray[np.int64]]:
    """Start counting the year's flows; return the function that waits for them.

    On PostgreSQL the count runs in a thread on a connection of its own, so the server
    joins the year's deposits and withdrawals to their people while this process loads
    the network, the people and their columns. Inside a transaction it stays on this
    connection, which alone sees what the transaction wrote.
    """
    bounds = window_bounds(now, dormant_days)
    flows_from = month_starts(now)[0]
    if connection.vendor != "postgresql":
        return lambda: _flows_by_range(owner, bounds, flows_from=flows_from)
    if connection.in_atomic_block:
        return lambda: _flows_postgresql(owner, bounds, flows_from=flows_from)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="insights-flows")
    future = pool.submit(_on_own_connection, owner, bounds, flows_from)
    # Nothing else goes to the pool: its thread ends with the read, and only the
    # caller, through future.result, waits for it.
    pool.shutdown(wait=False)
    return future.result


def _on_own_connection(
    owner: AbstractBaseUser, bounds: list[dt.datetime], flows_from: dt.datetime
) -> npt.NDArray[np.int64]:
    """Run _flows_postgresql on this thread's connection, and close it afterwards."""
    try:
        return _flows_postgresql(owner, bounds, flows_from=flows_from)
    finally:
        connection.close()


def _code(column: str, labels: tuple[str, ...]) -> str:
    """Return SQL for a choice column as its index in `labels` (OTHER for the rest)."""
    whens = " ".join(f"WHEN '{label}' THEN {i}" for i, label in enumerate(labels))
    return f"CASE i.{connection.ops.quote_name(column)} {whens} ELSE {OTHER} END"


def _events(owner: AbstractBaseUser) -> tuple[str, list[Any]]:
    """Return FROM ... WHERE for the owner's events between two times, and its owner."""
    q = connection.ops.quote_name
    when = f"i.{q('occurred_at')}"
    return (
        f"FROM {q(Interaction.people.through._meta.db_table)} p"
        f" JOIN {q(Interaction._meta.db_table)} i ON i.{q('id')} = p.{q('interaction_id')}"
        f" WHERE i.{q('owner_id')} = %s AND {when} >= %s AND {when} < %s"
    ), [owner.pk]


def _flows_by_range(
    owner: AbstractBaseUser, bounds: list[dt.datetime], *, flows_from: dt.datetime
) -> npt.NDArray[np.int64]:
    """Count the flows one range of the (owner, occurred_at) index at a time (SQLite).

    Nothing is grouped per row: each deposit or withdrawal comes back as one small
    number (direction and intent) and numpy counts them.
    """
    q = connection.ops.quote_name
    events, params = _events(owner)
    what = f"{_code('direction', DIRECTIONS)} * 4 + {_code('intent', INTENTS)}"
    adapt = connection.ops.adapt_datetimefield_value
    spans, codes = [], []
    for k, (low, high) in enumerate(zip(bounds, bounds[1:], strict=False)):
        if low < flows_from:
            continue
        (found,) = read_numbers(
            f"{events} AND i.{q('intent')} <> 'neutral'",
            [what],
            [*params, adapt(low), adapt(high)],
        )
        spans.append(np.full(len(found), k, dtype=np.int64))
        codes.append(found)
    span = np.concatenate(spans) if spans else np.zeros(0, dtype=np.int64)
    code = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
    return flow_counts(span, code >> 2, code & 3, len(bounds) - 1)


def _presence(
    owner: AbstractBaseUser, bounds: list[dt.datetime]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Return (span, person id) pairs of who was in touch when, from the events themselves.

    Only when the summaries' quiet spells cannot answer (see _stored_spells).
    """
    if connection.vendor != "postgresql":
        return _presence_by_range(owner, bounds)
    with transaction.atomic(), connection.cursor() as cursor, _tuned(cursor):
        return _presence_postgresql(owner, bounds)


def _presence_by_range(
    owner: AbstractBaseUser, bounds: list[dt.datetime]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Read the people in touch one range of the (owner, occurred_at) index at a time."""
    q = connection.ops.quote_name
    events, params = _events(owner)
    adapt = connection.ops.adapt_datetimefield_value
    spans, people = [], []
    for k, (low, high) in enumerate(zip(bounds, bounds[1:], strict=False)):
        (found,) = read_numbers(events, [f"p.{q('person_id')}"], [*params, adapt(low), adapt(high)])
        spans.append(np.full(len(found), k, dtype=np.int64))
        people.append(found)
    return np.concatenate(spans), np.concatenate(people)


def _presence_postgresql(
    owner: AbstractBaseUser, bounds: list[dt.datetime]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Read who was in touch when as one bit mask per person (PostgreSQL).

    One (parallel) join; width_bucket finds an event's span by binary search, bit_or
    folds a person's spans, so a few thousand rows come back.
    """
    q = connection.ops.quote_name
    events, params = _events(owner)
    span = f"width_bucket(i.{q('occurred_at')}, %s::timestamptz[]) - 1"
    people, mask = read_numbers(
        f"FROM (SELECT p.{q('person_id')} AS person, bit_or(1::bigint << ({span})) AS mask"
        f" {events} GROUP BY p.{q('person_id')}) AS spans",
        ["person", "mask"],
        [bounds, *params, bounds[0], bounds[-1]],
    )
    bits = (mask[:, None] >> np.arange(len(bounds) - 1)) & 1
    who, where = np.nonzero(bits)
    return where.astype(np.int64), people[who]


def _flows_postgresql(
    owner: AbstractBaseUser, bounds: list[dt.datetime], *, flows_from: dt.datetime
) -> npt.NDArray[np.int64]:
    """Count the year's deposits and withdrawals per span, direction and intent (PostgreSQL).

    The events' id, time, direction and intent come from the (owner, occurred_at)
    index alone (its INCLUDE columns), not from the wide table.
    """
    q = connection.ops.quote_name
    events, params = _events(owner)
    span = f"width_bucket(i.{q('occurred_at')}, %s::timestamptz[]) - 1"
    # A year of deposits and withdrawals is a tenth of the events: looking each one's
    # people up in the (interaction) index costs half of hashing the whole table of
    # participants, which the planner would pick (measured at 100k people, 2M events).
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        _tuned(cursor),
        _local_settings(cursor, enable_hashjoin="off", enable_mergejoin="off"),
    ):
        cursor.execute(
            f"SELECT {span}, {_code('direction', DIRECTIONS)}, {_code('intent', INTENTS)},"
            f" COUNT(*) {events} AND i.{q('intent')} <> 'neutral' GROUP BY 1, 2, 3",
            [bounds, *params, flows_from, bounds[-1]],
        )
        rows = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 4)
    flows = np.zeros((len(bounds) - 1, 4, 4), dtype=np.int64)
    np.add.at(flows, (rows[:, 0], rows[:, 1], rows[:, 2]), rows[:, 3])
    return flows


def _tuned(cursor: Any) -> contextlib.AbstractContextManager[None]:
    """Give the block's joins room and no JIT (inside a transaction)."""
    # The window's events hashed for the join take tens of MB at 100k people: with the
    # default 4 MB the hash and the grouping spill to temporary files. JIT compiling
    # the expressions costs more than it saves on queries this short.
    return _local_settings(cursor, work_mem="64MB", jit="off")


@contextlib.contextmanager
def _local_settings(cursor: Any, **settings: str) -> Iterator[None]:
    """Change PostgreSQL settings for a block of a transaction, then restore them."""
    names = list(settings)
    cursor.execute(f"SELECT {', '.join('current_setting(%s)' for _ in names)}", names)
    before = cursor.fetchone()
    # is_local: the settings end with the transaction at the latest.
    cursor.execute(
        f"SELECT {', '.join('set_config(%s, %s, true)' for _ in names)}",
        [value for item in settings.items() for value in item],
    )
    try:
        yield
    finally:
        cursor.execute(
            f"SELECT {', '.join('set_config(%s, %s, true)' for _ in names)}",
            [value for name, old in zip(names, before, strict=True) for value in (name, old)],
        )


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
    flows = _start_flows(owner, now, dormant_days)
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
