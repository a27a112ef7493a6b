"""Read the few events insights still needs: the year's flows, and (rarely) who was when.

The monthly flows count the deposits and withdrawals of each month, per direction,
straight from the interactions; who was in touch when comes from the summaries'
quiet spells, except for summaries stored under a shorter dormancy setting, where
`presence` reads it from every event of the window.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction

from amity.core.column_reads import read_numbers
from amity.core.read_ahead import started_in_thread
from amity.domain.breadth import month_starts
from amity.domain.breadth_months import DIRECTIONS, INTENTS, OTHER, flow_counts, window_bounds
from amity.people.models import Interaction


def start_flows(
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
    future = started_in_thread(_on_own_connection, owner, bounds, flows_from, name="insights-flows")
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


def presence(
    owner: AbstractBaseUser, bounds: list[dt.datetime]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Return (span, person id) pairs of who was in touch when, from the events themselves.

    Only when the summaries' quiet spells cannot answer (insights._stored_spells).
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
