"""Keep the relationship engine's per-person summaries in step with the interactions.

`refresh_engine_summaries` is called by `services.refresh_summaries`, the hook every
writer uses (logging, deleting, merging, importing); `ensure_summaries` repairs
anything missing or stale (a database from before the engine, a new formula) before
the network is scored.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone

from amity.core.bulk_writing import insert_rows
from amity.core.column_reads import read_numbers
from amity.domain import strength
from amity.domain.ledger import Event
from amity.domain.strength import TieSummary
from amity.domain.summaries import (
    EventColumns,
    pack_spells,
    quiet_gap,
    quiet_spells_of,
    summarize_many,
)
from amity.people.models import Interaction, Person
from amity.relationships import bulk_summaries
from amity.relationships.bulk_summaries import quiet_days
from amity.relationships.models import PersonSummary

CHUNK = 500


def events_for(
    person_ids: Sequence[int], *, until: dt.datetime | None = None
) -> dict[int, list[Event]]:
    """Return the interactions of these people as domain events, grouped by person."""
    through = Interaction.people.through
    rows = through.objects.filter(person_id__in=person_ids)
    if until is not None:
        rows = rows.filter(interaction__occurred_at__lt=until)
    events: dict[int, list[Event]] = defaultdict(list)
    for person_id, at, channel, direction, intent, subtype in rows.values_list(
        "person_id",
        "interaction__occurred_at",
        "interaction__channel",
        "interaction__direction",
        "interaction__intent",
        "interaction__subtype",
    ).iterator(chunk_size=5000):
        events[person_id].append(Event(at, channel, direction, intent, subtype))
    return events


_TIME_SQL = {
    # Seconds since the epoch, computed by the database so millions of rows need no
    # datetime parsing in Python. SQLite keeps naive UTC text with optional microseconds.
    # Whole seconds of the first 19 characters: SQLite rounds a parsed fraction to the
    # millisecond, which would carry 59.9995 s or more into the next second.
    "sqlite": (
        "CAST(strftime('%%s', substr(i.{t}, 1, 19)) AS REAL)"
        " + CAST('0' || substr(i.{t}, 20) AS REAL)"
    ),
    "postgresql": "EXTRACT(EPOCH FROM i.{t})::float8",
}


def summaries_for(
    person_ids: Sequence[int],
    *,
    until: dt.datetime | None = None,
    spells: dict[int, bytes] | None = None,
) -> dict[int, TieSummary]:
    """Summarise these people's interactions (before `until`) in one query and numpy.

    `spells`, when given, receives each person's packed quiet spells (quiet_days).
    """
    if not person_ids:
        return {}
    through = Interaction.people.through
    template = _TIME_SQL.get(connection.vendor)
    if template is None:  # another database: let the ORM convert the times
        events = events_for(person_ids, until=until)
        return {pk: strength.summarize(events[pk]) for pk in person_ids if events.get(pk)}
    q = connection.ops.quote_name
    time_sql = template.format(t=q("occurred_at"))
    sql = (
        f"SELECT p.{q('person_id')}, {time_sql}, i.{q('channel')}, i.{q('direction')},"
        f" i.{q('intent')}, i.{q('subtype')}"
        f" FROM {q(through._meta.db_table)} p"
        f" JOIN {q(Interaction._meta.db_table)} i ON i.{q('id')} = p.{q('interaction_id')}"
        f" WHERE p.{q('person_id')} IN ({', '.join(['%s'] * len(person_ids))})"
    )
    params: list[Any] = list(person_ids)
    if until is not None:
        sql += f" AND i.{q('occurred_at')} < %s"
        params.append(connection.ops.adapt_datetimefield_value(until))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    index = {pk: i for i, pk in enumerate(person_ids)}
    columns = EventColumns(
        group=np.array([index[r[0]] for r in rows], dtype=np.int64),
        ts=np.array([r[1] for r in rows], dtype=np.float64),
        channel=[r[2] for r in rows],
        direction=[r[3] for r in rows],
        intent=[r[4] for r in rows],
        subtype=[r[5] for r in rows],
    )
    summaries = summarize_many(columns, len(person_ids))
    if spells is not None:
        # A few hundred people at a time: the readable version is fast enough here.
        times: dict[int, list[int]] = defaultdict(list)
        for row in rows:
            times[row[0]].append(round(row[1] * 1e6))
        gap = quiet_gap(quiet_days())
        spells.update({pk: pack_spells(quiet_spells_of(ts, gap)) for pk, ts in times.items()})
    return {pk: summaries[i] for i, pk in enumerate(person_ids) if summaries[i].count}


# The numbers the engine scores with, packed into each row as little-endian float64
# (NULL as NaN) in this order: a whole network then loads as one buffer, several
# times faster than fetching 18 columns of 100k rows as Python objects.
PACKED_COLUMNS = (
    "person_id",
    "first_ts",
    "last_ts",
    "count",
    "outbound",
    "inbound",
    "mutual",
    "two_way",
    "weighted_count",
    "depth",
    "gave",
    "received",
    "asked",
    "were_asked",
    "gave_count",
    "asked_count",
    "last_received_ts",
    "last_thanked_ts",
)
PACKED_SIZE = len(PACKED_COLUMNS) * 8


def pack(values: Mapping[str, Any]) -> bytes:
    """Return a summary row's PACKED_COLUMNS as bytes (None as NaN)."""
    numbers = [np.nan if values[name] is None else values[name] for name in PACKED_COLUMNS]
    return np.array(numbers, dtype="<f8").tobytes()


def unpack(blobs: Iterable[bytes | memoryview]) -> npt.NDArray[np.float64]:
    """Return packed rows as a matrix with one column per PACKED_COLUMNS entry."""
    flat = np.frombuffer(b"".join(blobs), dtype="<f8")
    return flat.reshape(-1, len(PACKED_COLUMNS)).astype(np.float64)


_STORED = (
    "person_id",
    "owner_id",
    "version",
    "first_ts",
    "last_ts",
    "count",
    "outbound",
    "inbound",
    "mutual",
    "two_way",
    "weighted_count",
    "depth",
    "gave",
    "received",
    "asked",
    "were_asked",
    "gave_count",
    "received_count",
    "asked_count",
    "were_asked_count",
    "last_received_ts",
    "last_received_subtype",
    "last_thanked_ts",
    "updated_at",
    "packed",
    "quiet_days",
    "quiet_spells",
)


def summary_values(
    person_id: int,
    owner_id: int,
    summary: TieSummary,
    now: dt.datetime,
    spells: tuple[int, bytes] | None = None,
) -> dict[str, Any]:
    """Return a PersonSummary row's values by column (in _STORED order).

    `spells`: the days and packed quiet spells to store (none: not stored).
    """
    book = summary.ledger
    values: dict[str, Any] = {
        "person_id": person_id,
        "owner_id": owner_id,
        "version": strength.SUMMARY_VERSION,
        "first_ts": summary.first_ts,
        "last_ts": summary.last_ts,
        "count": summary.count,
        "outbound": summary.outbound,
        "inbound": summary.inbound,
        "mutual": summary.mutual,
        "two_way": summary.two_way,
        "weighted_count": summary.weighted_count,
        "depth": summary.depth,
        "gave": book.gave,
        "received": book.received,
        "asked": book.asked,
        "were_asked": book.were_asked,
        "gave_count": book.gave_count,
        "received_count": book.received_count,
        "asked_count": book.asked_count,
        "were_asked_count": book.were_asked_count,
        "last_received_ts": summary.last_received_ts,
        "last_received_subtype": summary.last_received_subtype,
        "last_thanked_ts": summary.last_thanked_ts,
        "updated_at": now,
    }
    values["packed"] = pack(values)
    values["quiet_days"], values["quiet_spells"] = spells or (None, b"")
    return values


@transaction.atomic
def refresh_engine_summaries(*, person_ids: Iterable[int], owner_id: int | None = None) -> None:
    """Rebuild the engine summaries of these people from their interactions.

    Called by `services.refresh_summaries`, the hook every writer uses; the work is
    proportional to the interactions of the people touched, not to the network.
    Rows are replaced (delete, then one prepared INSERT per chunk): the ORM's
    bulk_create costs more than the database work for a large import. A caller
    that found the people by their owner says so with `owner_id`, sparing the
    lookup of each person's owner.
    """
    ids = sorted(set(person_ids))
    if len(ids) >= bulk_summaries.BULK_PEOPLE:
        # Many people (a restore, a big import, a new formula): owners with enough of
        # them get one pass over all their interactions; the rest go below.
        rest: list[int] = []
        grouped = (
            bulk_summaries.people_by_owner(ids)
            if owner_id is None
            else {owner_id: np.array(ids, dtype=np.int64)}
        )
        for each_owner, wanted in grouped.items():
            if bulk_summaries.worth_a_pass(each_owner, len(wanted)):
                bulk_summaries.rebuild_owner(each_owner, wanted)
            else:
                rest.extend(wanted.tolist())
        ids = rest
    now = timezone.now()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        owners = dict(Person.objects.filter(pk__in=chunk).values_list("pk", "owner_id"))
        spells: dict[int, bytes] = {}
        summaries = summaries_for(chunk, spells=spells)
        # Spells by person (none where the ORM read the times: another database).
        days = quiet_days()
        stored = {pk: (days, blob) for pk, blob in spells.items()}

        # A row's circle is where the person was last placed, not derived from their
        # interactions: it survives the rebuild, or circles would move on every write.
        placed = PersonSummary.objects.filter(person_id__in=chunk, circle__gt=0)
        circles = dict(placed.values_list("person_id", "circle"))
        PersonSummary.objects.filter(person_id__in=chunk).delete()
        rows = [
            tuple(summary_values(pk, owners[pk], summary, now, stored.get(pk)).values())
            for pk, summary in summaries.items()
            if pk in owners
        ]
        insert_rows(PersonSummary, _STORED, rows)
        for circle in set(circles.values()):
            people = [pk for pk, c in circles.items() if c == circle]
            PersonSummary.objects.filter(person_id__in=people).update(circle=circle)


def ensure_summaries(*, owner: AbstractBaseUser) -> int:
    """Rebuild summaries that are missing or stale (older data, a new formula).

    Returns how many people were refreshed; normally none, since writers keep them
    current.
    """
    people = Person.objects.filter(owner=owner, interaction_count__gt=0).aggregate(
        n=Count("pk"), total=Sum("interaction_count")
    )
    # COUNT(*), not of the key: the (owner, updated_at, version, count) index then
    # answers alone, without reading the table.
    rows = PersonSummary.objects.filter(owner=owner).aggregate(
        n=Count("*"), total=Sum("count"), low=Min("version"), high=Max("version")
    )
    current = (rows["low"], rows["high"]) == (strength.SUMMARY_VERSION,) * 2 or not rows["n"]
    if current and (people["n"], people["total"]) == (rows["n"], rows["total"]):
        # Two aggregates agree: nothing to look for person by person.
        return 0
    if not rows["n"]:
        # None stored (a restore, every summary dropped): everyone with a history,
        # read as one text rather than joined row by row to summaries that are not there.
        q = connection.ops.quote_name
        (everyone,) = read_numbers(
            f"FROM {q(Person._meta.db_table)}"
            f" WHERE {q('owner_id')} = %s AND {q('interaction_count')} > 0",
            [q("id")],
            [owner.pk],
        )
        stale = everyone.tolist()
    else:
        stale = list(
            Person.objects.filter(owner=owner, interaction_count__gt=0)
            .filter(
                Q(engine_summary__isnull=True)
                | ~Q(engine_summary__count=F("interaction_count"))
                | ~Q(engine_summary__version=strength.SUMMARY_VERSION)
            )
            .values_list("pk", flat=True)
        )
    if stale:
        refresh_engine_summaries(person_ids=stale, owner_id=owner.pk)
    return len(stale)
