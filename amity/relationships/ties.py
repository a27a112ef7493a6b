"""Describe tie strength for the surfaces: everyone's rows, or one person's panel.

A row's shape (the CLI's `amity strength --json`, the API and the person page)::

    {"id", "name", "score" (0..1), "circle" (1-5), "circle_name", "cadence_days" | null,
     "last_interaction" (ISO time) | null, "days_since" | null, "count_90d",
     "reciprocity" (0..1), "dormant", "revival" (0..1, dormant only) | null,
     "components": {"recency", "frequency", "duration", "reciprocity", "depth", "balance"}}
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.utils import timezone

from amity.core.collector import collector_paused
from amity.domain import strength
from amity.domain.strength import IntArray
from amity.people.models import Person
from amity.relationships import scoring as relationships
from amity.relationships.circles import store_circles
from amity.relationships.models import DailyList, PersonSummary
from amity.relationships.scoring import Network, load_network, my_field, recent_counts
from amity.relationships.stored_summaries import refresh_engine_summaries

COMPONENTS = ("recency", "frequency", "duration", "reciprocity", "depth", "balance")


def strength_rows(
    *, owner: AbstractBaseUser, as_of: dt.datetime, person: Person | None = None
) -> list[dict[str, Any]]:
    """Return everyone's (or one person's) strength row, strongest first.

    Circles rank the whole network, so this scores everyone even for one person.
    """
    # A hundred thousand rows are a few million new objects, none in a reference
    # cycle: the cyclic collector would rescan them again and again as they pile up
    # (0.3 to 0.8 s of a fresh `amity strength --json`), for nothing to collect.
    with collector_paused():
        return _strength_rows(owner=owner, as_of=as_of, person=person)


def _strength_rows(
    *, owner: AbstractBaseUser, as_of: dt.datetime, person: Person | None
) -> list[dict[str, Any]]:
    network = load_network(
        owner=owner, as_of=as_of, thresholds=day_thresholds(owner=owner, as_of=as_of)
    )
    names = _names(owner, person)
    counts = recent_counts(
        owner=owner, as_of=as_of, person_ids=[person.pk] if person is not None else ()
    )
    # Names come sorted (by surname, as lists are); a stable sort by score keeps that order
    # among equals, which is cheaper than sorting 100k rows by (score, name) in Python.
    where = network.rows_of(_ids(names))
    rounded = np.round(network.scores.score, 4)
    keys = np.where(where >= 0, rounded[np.maximum(where, 0)] if len(rounded) else 0.0, 0.0)
    order = np.argsort(-keys, kind="stable")
    return _rows(network, [names[i] for i in order.tolist()], counts, where=where[order])


def _ids(names: list[tuple[int, str, str]]) -> IntArray:
    return np.fromiter((pk for pk, _, _ in names), dtype=np.int64, count=len(names))


def _names(owner: AbstractBaseUser, person: Person | None) -> list[tuple[int, str, str]]:
    """Return (id, name, field) of the owner's people (or one), with one plain query."""
    q = connection.ops.quote_name
    sql = (
        f"SELECT {q('id')}, {q('full_name')}, {q('field')} FROM {q(Person._meta.db_table)}"
        f" WHERE {q('owner_id')} = %s"
    )
    order = f" ORDER BY {q('sort_name')}, {q('id')}"
    params = [owner.pk]
    if person is not None:
        sql += f" AND {q('id')} = %s"
        params.append(person.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql + order, params)
        return list(cursor.fetchall())


def circle_thresholds(*, owner: AbstractBaseUser, day: dt.date, as_of: dt.datetime) -> list[float]:
    """Return the day's circle boundaries, scoring the network once a day at most.

    Setting them also stores everyone's circle for the day (see relationships.circles).
    """
    daily, _ = DailyList.objects.get_or_create(owner=owner, day=day)
    if not daily.thresholds:
        network = load_network(owner=owner, as_of=as_of)
        daily.thresholds = strength.circle_thresholds(network.scores.score)
        daily.save(update_fields=["thresholds"])
        store_circles(owner, network.ids, network.circles)
    return [float(t) for t in daily.thresholds]


def day_thresholds(
    *, owner: AbstractBaseUser, as_of: dt.datetime, read_only: bool = False
) -> list[float] | None:
    """Return the circle boundaries of `as_of`'s day when it is today, else None.

    Today's boundaries are shared by every surface; a past or future day is ranked
    afresh (and never stored: asking about another day writes nothing).
    """
    day = timezone.localdate(as_of) if timezone.is_aware(as_of) else as_of.date()
    if day != timezone.localdate():
        return None
    if read_only:
        return peek_circle_thresholds(owner=owner, day=day, as_of=as_of)
    return circle_thresholds(owner=owner, day=day, as_of=as_of)


def peek_circle_thresholds(
    *, owner: AbstractBaseUser, day: dt.date, as_of: dt.datetime
) -> list[float]:
    """Return the day's circle boundaries without writing: stored, or computed and kept
    in this process for the day (a page render must not write)."""
    stored = (
        DailyList.objects.filter(owner=owner, day=day).values_list("thresholds", flat=True).first()
    )
    if stored:
        return [float(t) for t in stored]
    key = (owner.pk, day)
    if key not in _PEEKED:
        network = load_network(owner=owner, as_of=as_of, repair=False)
        _PEEKED.clear()  # one day of one user at a time is all a page needs
        _PEEKED[key] = [float(t) for t in strength.circle_thresholds(network.scores.score)]
    return _PEEKED[key]


_PEEKED: dict[tuple[Any, dt.date], list[float]] = {}


def load_day_network(*, owner: AbstractBaseUser, as_of: dt.datetime) -> Network:
    """Load everyone with the circle boundaries `day_thresholds` gives, writing nothing.

    The same network as `load_network(thresholds=day_thresholds(read_only=True))`, but
    when today's boundaries are not stored yet they come from ranking this very load
    (what `peek_circle_thresholds` would rank), not from a second load of everyone.
    """
    day = timezone.localdate(as_of) if timezone.is_aware(as_of) else as_of.date()
    if day != timezone.localdate():
        return load_network(owner=owner, as_of=as_of)
    key = (owner.pk, day)
    stored = (
        DailyList.objects.filter(owner=owner, day=day).values_list("thresholds", flat=True).first()
    )
    known = [float(t) for t in stored] if stored else _PEEKED.get(key)
    if known is not None:
        return load_network(owner=owner, as_of=as_of, thresholds=known)
    network = load_network(owner=owner, as_of=as_of)
    _PEEKED.clear()
    _PEEKED[key] = [float(t) for t in strength.circle_thresholds(network.scores.score)]
    return network


def person_strength(
    *,
    person: Person,
    as_of: dt.datetime | None = None,
    day: dt.date | None = None,
    read_only: bool = False,
) -> dict[str, Any]:
    """Return one person's strength row quickly (for a page or an API call).

    The circle comes from the day's stored thresholds instead of ranking everyone.
    `read_only` (a page render) writes nothing: a stale summary is scored as it is
    (every write refreshes summaries, so only an upgrade leaves one stale, and the
    next Today repairs it) and the day's thresholds are computed, not stored.
    """
    when, today = relationships.resolve_as_of(day)
    as_of = as_of or when
    summary = (
        PersonSummary.objects.filter(owner_id=person.owner_id, person=person)
        .values_list("count", "version")
        .first()
    )
    stale = summary != (person.interaction_count, strength.SUMMARY_VERSION)
    if person.interaction_count and stale and not read_only:
        refresh_engine_summaries(person_ids=[person.pk])
    owner = person.owner
    if read_only:
        thresholds = peek_circle_thresholds(owner=owner, day=today, as_of=as_of)
    else:
        thresholds = circle_thresholds(owner=owner, day=today, as_of=as_of)
    network = load_network(owner=owner, as_of=as_of, person_ids=[person.pk], thresholds=thresholds)
    counts = recent_counts(owner=owner, as_of=as_of, person_ids=[person.pk])
    return _rows(network, [(person.pk, person.full_name, person.field)], counts)[0]


ROW_KEYS = (
    "id",
    "name",
    "score",
    "circle",
    "circle_name",
    "cadence_days",
    "last_interaction",
    "days_since",
    "count_90d",
    "reciprocity",
    "dormant",
    "revival",
    "components",
)


def _optional_ints(values: np.ndarray, present: np.ndarray) -> list[int | None]:
    """Return whole numbers as a list, None where absent or NaN."""
    ok = present & ~np.isnan(values)
    return np.where(ok, np.nan_to_num(values).astype(np.int64), None).tolist()  # type: ignore[no-any-return]


def _rows(
    network: Network,
    names: list[tuple[int, str, str]],
    counts: dict[int, int],
    *,
    where: IntArray | None = None,
) -> list[dict[str, Any]]:
    """Build the rows column by column with numpy, then zip them into dicts (fast).

    `where` is each name's row in the network (-1 without a history) when the
    caller has it already; otherwise it is looked up here.
    """
    if not names:
        return []
    if where is None:
        where = network.rows_of(_ids(names))
    present = where >= 0
    at = np.where(present, where, 0)
    s, c = network.scores, network.columns
    if len(s.score) == 0:  # nobody has a history: every row is empty
        return [_empty_row(pk, name) for pk, name, _ in names]
    outs = (c.outbound + c.mutual)[at]
    ins = (c.inbound + c.mutual)[at]
    with np.errstate(invalid="ignore", divide="ignore"):
        recip = np.where(outs + ins > 0, 2 * np.minimum(outs, ins) / (outs + ins), 0.0)
    outer = len(strength.CIRCLE_NAMES)
    circles = np.where(present, network.circles[at], outer).tolist()
    seconds = np.nan_to_num(c.last_ts[at]).astype(np.int64).astype("datetime64[s]")
    stamps = np.char.add(np.datetime_as_string(seconds, unit="s"), "+00:00")
    dormant = present & s.dormant[at]
    mine = my_field()
    revival: list[float | None] = [None] * len(names)
    for j in np.flatnonzero(dormant).tolist():
        i = int(at[j])
        value = strength.revival_value(
            former=float(s.former[i]),
            field=names[j][2],
            my_field=mine,
            never_asked=bool(network.asked_count[i] == 0),
        )
        revival[j] = round(value, 4)
    parts = [np.round(np.where(present, getattr(s, p)[at], 0.0), 4).tolist() for p in COMPONENTS]
    columns: list[list[Any]] = [
        [pk for pk, _, _ in names],
        [name for _, name, _ in names],
        np.round(np.where(present, s.score[at], 0.0), 4).tolist(),
        circles,
        [strength.CIRCLE_NAMES[circle - 1] for circle in circles],
        _optional_ints(network.cadence[at], present),
        np.where(present, stamps, None).tolist(),
        _optional_ints(s.days_since[at], present),
        [counts.get(pk, 0) for pk, _, _ in names],
        np.round(np.where(present, recip, 0.0), 3).tolist(),
        dormant.tolist(),
        revival,
        [dict(zip(COMPONENTS, values, strict=True)) for values in zip(*parts, strict=True)],
    ]
    return [dict(zip(ROW_KEYS, values, strict=True)) for values in zip(*columns, strict=True)]


def _empty_row(pk: int, name: str) -> dict[str, Any]:
    return {
        "id": pk,
        "name": name,
        "score": 0.0,
        "circle": len(strength.CIRCLE_NAMES),
        "circle_name": strength.CIRCLE_NAMES[-1],
        "cadence_days": None,
        "last_interaction": None,
        "days_since": None,
        "count_90d": 0,
        "reciprocity": 0.0,
        "dormant": False,
        "revival": None,
        "components": dict.fromkeys(COMPONENTS, 0.0),
    }
