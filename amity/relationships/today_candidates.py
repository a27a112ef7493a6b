"""Find today's candidates: the few hundred of a whole network worth describing.

`candidates` narrows 100,000 people to a few hundred with numpy over the scored
network (overdue, unthanked, revival value) and a few indexed queries (birthdays,
anniversaries, job changes, snoozes coming due, open introductions), then describes
those for the nudge rules of amity.domain.nudges. `reference_candidates` describes
everyone instead: the readable reference, which tests hold the shortcut to.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import BooleanField, CharField, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from amity.core import hooks
from amity.domain import nudges, strength
from amity.domain.nudges import Candidate
from amity.domain.strength import from_ts, to_ts
from amity.people.models import HAS_DATES, Person
from amity.relationships import scoring as relationships
from amity.relationships.models import PersonSummary, Snooze
from amity.relationships.scoring import Network

TOP_OVERALL = 40
TOP_PER_CIRCLE = 15
TOP_DORMANT = 15
TOP_ANNIVERSARIES = 40
TOP_UNTHANKED = 15
DORMANT_PREFILTER = 300
_PERSON_FIELDS = (
    "pk",
    "full_name",
    "company",
    "interests",
    "how_we_met",
    "birthday",
    "connected_on",
    "provenance",
)


def _top(values: np.ndarray, mask: np.ndarray, count: int) -> list[int]:
    """Return the rows of the `count` largest values where `mask` holds."""
    rows = np.flatnonzero(mask)
    if len(rows) > count:
        rows = rows[np.argpartition(-values[rows], count - 1)[:count]]
    return [int(r) for r in rows]


def _month_days(first: dt.date, last: dt.date) -> set[str]:
    """Return the "MM-DD" texts of the days from `first` to `last`, whatever the year."""
    days = set()
    day = first
    while day <= last:
        days.add(f"{day.month:02d}-{day.day:02d}")
        if day.month == 3 and day.day == 1 and not calendar.isleap(day.year):
            days.add("02-29")  # 29 February birthdays are kept on 1 March
        day += dt.timedelta(days=1)
    return days


def _month_day(field: str) -> Substr:
    """Return a date field's "MM-DD" as text, for matching whatever the year.

    A substring of the ISO text rather than month/day extraction, which SQLite runs
    as a Python function per row.
    """
    return Substr(Cast(field, CharField()), 6, 5)


def _has_job_change() -> Q | RawSQL:
    """Return the condition of the person_owner_job_changed index, as it can use it.

    SQLite takes a partial index only when the query spells the index's condition
    with the same literal; Django binds the JSON path as a parameter instead, and
    the query would read all of the owner's rows (~110 ms for 100k people, not 2 ms).
    """
    if connection.vendor != "sqlite":
        return Q(provenance__has_key="company_changed_on")
    column = connection.ops.quote_name("provenance")
    sql = f"JSON_TYPE({column}, '$.\"company_changed_on\"') IS NOT NULL"
    return RawSQL(sql, (), output_field=BooleanField())


def _event_people(owner: AbstractBaseUser, day: dt.date) -> tuple[set[int], set[int]]:
    """Return who has a birthday or a fresh job change around `day`, and who an anniversary.

    Anniversaries come apart because a large LinkedIn network has one nearly every
    day for dozens of people; the caller keeps only the strongest of those ties.
    """
    birthdays = _month_days(day, day + dt.timedelta(days=nudges.BIRTHDAY_AHEAD_DAYS))
    window = dt.timedelta(days=nudges.ANNIVERSARY_WINDOW_DAYS)
    anniversaries = _month_days(day - window, day + window)
    # Unordered (ordering would walk the name index and fetch rows one by one), and
    # each query answered from its own index (person_owner_dates, _job_changed).
    dates = (
        Person.objects.filter(HAS_DATES, owner=owner)
        .annotate(birthday_md=_month_day("birthday"), connected_md=_month_day("connected_on"))
        .filter(Q(birthday_md__in=birthdays) | Q(connected_md__in=anniversaries))
        .order_by()
        .values_list("pk", "birthday_md", "connected_md")
    )
    dated, anniversary = set(), set()
    for pk, birthday_md, connected_md in dates:
        if birthday_md in birthdays:
            dated.add(pk)
        if connected_md in anniversaries:
            anniversary.add(pk)
    oldest = day - dt.timedelta(days=nudges.JOB_CHANGE_DAYS)
    job_changes = Person.objects.filter(_has_job_change(), owner=owner).order_by()
    for pk, provenance in job_changes.values_list("pk", "provenance"):
        changed = relationships.date_or_none(provenance.get("company_changed_on"))
        if changed is not None and oldest <= changed <= day:
            dated.add(pk)
    return dated, anniversary


def candidates(
    owner: AbstractBaseUser, network: Network, day: dt.date, *, limit: int = 5
) -> list[Candidate]:
    """Pick plausible candidates with numpy, then describe only those in detail."""
    s = network.scores
    as_of_ts = to_ts(network.as_of)
    cadence = np.nan_to_num(network.cadence, nan=0.0)
    ratio = nudges.overdue_ratio(s.days_since, cadence)
    overdue = (ratio > 1) & ~s.dormant
    priority = np.where(overdue, nudges.routine_priority(ratio), -1.0)
    # Every shortlist keeps at least as many as the list may take from it: all `limit`
    # picks could come from one circle, or from the unthanked of one circle.
    rows = set(_top(priority, overdue, max(TOP_OVERALL, limit)))
    for circle in range(1, len(strength.CIRCLE_NAMES) + 1):
        rows |= set(
            _top(priority, overdue & (network.circles == circle), max(TOP_PER_CIRCLE, limit))
        )
    received, thanked = network.last_received_ts, network.last_thanked_ts
    with np.errstate(invalid="ignore"):
        unthanked = (
            ~np.isnan(received)
            & (np.isnan(thanked) | (thanked < received))
            & (as_of_ts - received <= nudges.UNTHANKED_DAYS * 86400.0)
        )
    rows |= _unthanked_rows(network, unthanked, overdue | s.dormant, day, max(TOP_UNTHANKED, limit))
    revival = _revival(owner, network)
    if revival:
        dormant_rows = list(revival)
        values = np.array([revival[r] for r in dormant_rows])
        best = _top(values, np.ones(len(values), dtype=bool), max(TOP_DORMANT, limit))
        rows |= {dormant_rows[j] for j in best}
    ids = {int(network.ids[r]) for r in rows}
    dated, anniversaries = _event_people(owner, day)
    # An anniversary alone ranks low, so only the strongest ties' count; but one that
    # comes with another reason (dormant, overdue) earns a bonus and must be considered.
    with_more = {int(pk) for pk in network.ids[s.dormant | overdue]} & anniversaries
    ids |= dated | with_more | _strongest(network, anniversaries, max(TOP_ANNIVERSARIES, limit))
    snoozes = _due_snoozes(owner, day)
    ids |= set(snoozes)
    intros = hooks.open_introductions(owner.pk, None)
    ids |= set(intros)
    return _describe(owner, network, ids, revival, snoozes, intros)


def _unthanked_rows(
    network: Network, unthanked: np.ndarray, more: np.ndarray, day: dt.date, keep: int
) -> set[int]:
    """Return the unthanked helpers today's rules could choose, per circle.

    They all share one priority, plus a bonus when another reason (overdue, dormant)
    comes with it; among equals the day's tie-break decides. So the shortlist keeps,
    in each circle, the first by that same tie-break with and without another reason.
    """
    chosen: set[int] = set()
    for with_more in (True, False):
        pool = unthanked & (more if with_more else ~more)
        for circle in range(1, len(strength.CIRCLE_NAMES) + 1):
            rows = np.flatnonzero(pool & (network.circles == circle))
            if len(rows) > keep:
                keys = [nudges.tiebreak(int(network.ids[r]), day) for r in rows]
                rows = rows[np.argsort(keys, kind="stable")[:keep]]
            chosen.update(int(r) for r in rows)
    return chosen


def _due_snoozes(owner: AbstractBaseUser, day: dt.date) -> dict[int, dt.date]:
    """Return {person id: end} of the snoozes that came due in the last few days."""
    return dict(
        Snooze.objects.filter(
            owner=owner,
            until__lte=day,
            until__gt=day - dt.timedelta(days=nudges.SNOOZE_DUE_DAYS),
        ).values_list("person_id", "until")
    )


def reference_candidates(
    owner: AbstractBaseUser, network: Network, day: dt.date
) -> list[Candidate]:
    """Describe every one of the owner's people, with no shortcut: the readable reference.

    `_candidates` must choose the same list from far fewer people (a few hundred of
    100,000); tests check the two agree on random networks.
    """
    ids = set(Person.objects.filter(owner=owner).values_list("pk", flat=True))
    revival = _revival(owner, network, prefilter=len(network.ids))
    snoozes = _due_snoozes(owner, day)
    intros = hooks.open_introductions(owner.pk, None)
    return _describe(owner, network, ids, revival, snoozes, intros)


def _strongest(network: Network, ids: set[int], count: int) -> set[int]:
    """Return the `count` people among `ids` with the strongest ties (unscored ones last)."""
    if len(ids) <= count:
        return ids
    wanted = np.isin(network.ids, np.fromiter(ids, dtype=np.int64, count=len(ids)))
    best = {int(network.ids[r]) for r in _top(network.scores.score, wanted, count)}
    unscored = sorted(ids - {int(pk) for pk in network.ids[wanted]})
    return best | set(unscored[: count - len(best)])


def _revival(
    owner: AbstractBaseUser, network: Network, *, prefilter: int | None = None
) -> dict[int, float]:
    """Return the revival value of the most promising dormant ties, by row."""
    s = network.scores
    never_asked = network.asked_count == 0
    # A cheap upper bound first (field unknown counts as "different"), then the real
    # value for the few hundred best.
    bound = (
        strength.REVIVAL_WEIGHT_FORMER * s.former
        + strength.REVIVAL_WEIGHT_FIELD
        + strength.REVIVAL_WEIGHT_NEVER_ASKED * never_asked
    )
    rows = _top(bound, s.dormant, DORMANT_PREFILTER if prefilter is None else prefilter)
    fields = dict(
        Person.objects.filter(pk__in=[int(network.ids[r]) for r in rows]).values_list("pk", "field")
    )
    mine = relationships.my_field()
    return {
        r: strength.revival_value(
            former=float(s.former[r]),
            field=fields.get(int(network.ids[r]), ""),
            my_field=mine,
            never_asked=bool(never_asked[r]),
        )
        for r in rows
    }


def _describe(
    owner: AbstractBaseUser,
    network: Network,
    ids: set[int],
    revival: dict[int, float],
    snoozes: dict[int, dt.date],
    intros: dict[int, list[str]],
) -> list[Candidate]:
    # long because: one row per candidate built from three sources (the scored
    # network, summaries, people) read in one pass; the fields map one to one.
    wanted = sorted(ids)
    found = network.rows_of(np.array(wanted, dtype=np.int64)).tolist()
    row_of = {pk: row for pk, row in zip(wanted, found, strict=True) if row >= 0}
    s = network.scores
    candidates = []
    # By primary key alone, owner checked here: with statistics sampled or stale
    # (summaries are often built after the last ANALYZE, and then have none), SQLite
    # walks an owner index instead, ~90 ms for a few hundred people, not ~1 ms.
    subtypes = {
        pk: subtype
        for pk, owner_id, subtype in PersonSummary.objects.filter(person_id__in=ids).values_list(
            "person_id", "owner_id", "last_received_subtype"
        )
        if owner_id == owner.pk
    }
    people = Person.objects.filter(pk__in=ids).values_list("owner_id", *_PERSON_FIELDS)
    for owner_id, pk, name, company, interests, how_we_met, birthday, connected, prov in people:
        if owner_id != owner.pk:
            continue
        i = row_of.get(pk)
        provenance = prov or {}
        unthanked_on = None
        if i is not None:
            received = float(network.last_received_ts[i])
            thanked = float(network.last_thanked_ts[i])
            if not math.isnan(received) and (math.isnan(thanked) or thanked < received):
                unthanked_on = timezone.localdate(from_ts(received))
        cadence = float(network.cadence[i]) if i is not None else math.nan
        days = float(s.days_since[i]) if i is not None else math.nan
        candidates.append(
            Candidate(
                person_id=pk,
                name=name,
                circle=int(network.circles[i]) if i is not None else len(strength.CIRCLE_NAMES),
                score=float(s.score[i]) if i is not None else 0.0,
                days_since=None if math.isnan(days) else days,
                cadence_days=None if math.isnan(cadence) else int(cadence),
                dormant=bool(s.dormant[i]) if i is not None else False,
                revival_value=revival.get(i, 0.0) if i is not None else 0.0,
                birthday=birthday,
                connected_on=connected,
                company=company,
                previous_company=str(provenance.get("previous_company", "")),
                company_changed_on=relationships.date_or_none(provenance.get("company_changed_on")),
                interests=[str(x) for x in interests or []],
                how_we_met=how_we_met,
                last_summary="",
                unthanked_help_on=unthanked_on,
                unthanked_help_subtype=subtypes.get(pk, ""),
                open_introductions=intros.get(pk, []),
                snoozed_until=snoozes.get(pk),
            )
        )
    return candidates
