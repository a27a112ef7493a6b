"""Feed the relationship engine from the store and keep its summaries current.

The domain core (amity.domain.ledger/strength/nudges) scores plain data; this module
loads that data with a few owner-filtered queries, calls the domain, and persists
what must survive a run: per-person summaries, snoozes, cadence overrides and the
daily picks (amity.relationships.today builds the list itself).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from amity import config
from amity.core import hooks
from amity.domain import ledger, strength
from amity.domain.ledger import LedgerTotals
from amity.domain.strength import FloatArray, IntArray, TieColumns, from_ts, to_ts
from amity.people.models import Interaction, Person, Tag
from amity.relationships.circles import previous_circles
from amity.relationships.models import CadenceOverride, PersonSummary
from amity.relationships.stored_summaries import (
    CHUNK,
    PACKED_COLUMNS,
    PACKED_SIZE,
    ensure_summaries,
    events_for,
    refresh_engine_summaries,
    summaries_for,
    summary_values,
    unpack,
)


def my_field() -> str:
    """Return the user's own field (setting AMITY_MY_FIELD), for revival value."""
    return str(config.MY_FIELD.value() or "")


def dormant_after_days() -> int:
    """Return how long a once-real tie must be silent to count as dormant."""
    return int(config.DORMANT_AFTER_DAYS.value())


def deposits_per_ask() -> float:
    """Return the target ratio of deposits per ask (AMITY_DEPOSITS_PER_ASK)."""
    return float(config.DEPOSITS_PER_ASK.value())


def resolve_as_of(day: dt.date | None = None) -> tuple[dt.datetime, dt.date]:
    """Return the moment and the day to score at: now, or the end of `day` locally."""
    if day is None:
        return timezone.now(), timezone.localdate()
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    return timezone.make_aware(start), day


# --- the scored network ------------------------------------------------------------


@dataclass(frozen=True)
class Network:
    """Every person of one owner who has a history, scored as of one moment."""

    ids: IntArray
    columns: TieColumns
    scores: strength.Scores
    circles: IntArray
    cadence: FloatArray
    """Contact cadence in days; NaN for "no cadence"."""
    received: FloatArray
    were_asked: FloatArray
    gave_count: IntArray
    asked_count: IntArray
    last_received_ts: FloatArray
    last_thanked_ts: FloatArray
    as_of: dt.datetime
    repaired: int = 0
    """How many people's stored summaries were rebuilt while loading (normally none)."""

    def rows_of(self, person_ids: IntArray) -> IntArray:
        """Return each person's row, -1 for people without a history (vectorised)."""
        if len(self.ids) == 0:
            return np.full(len(person_ids), -1, dtype=np.int64)
        order = np.argsort(self.ids, kind="stable")
        found = np.minimum(np.searchsorted(self.ids, person_ids, sorter=order), len(order) - 1)
        rows = order[found]
        return np.where(self.ids[rows] == person_ids, rows, -1).astype(np.int64)


def _summary_matrix(
    owner: AbstractBaseUser, person_ids: Sequence[int] | None, *, repair: bool = True
) -> tuple[FloatArray, int]:
    """Return the owner's summaries as one float matrix (columns: PACKED_COLUMNS).

    One plain query of the packed rows and one numpy buffer: fetching the columns
    one value at a time costs several times more for a hundred thousand rows. NULL
    times are NaN. Rows without a packed copy (written before there was one) are
    rebuilt once.
    """
    q = connection.ops.quote_name
    table = q(PersonSummary._meta.db_table)
    # The packed blob alone (it holds the person id), so the summary_owner_packed
    # index answers without visiting the table.
    where = f" WHERE {q('owner_id')} = %s"
    params: list[Any] = [owner.pk]
    if person_ids is not None:
        if not person_ids:
            return np.zeros((0, len(PACKED_COLUMNS))), 0
        where += f" AND {q('person_id')} IN ({', '.join(['%s'] * len(person_ids))})"
        params += list(person_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q('packed')} FROM {table}{where}", params)
        blobs = list(map(itemgetter(0), cursor.fetchall()))
        # One length check for the common case where every row has its packed copy.
        if set(map(len, blobs)) <= {PACKED_SIZE}:
            return unpack(blobs), 0
        cursor.execute(f"SELECT {q('person_id')}, {q('packed')} FROM {table}{where}", params)
        unpacked = [pk for pk, blob in cursor.fetchall() if len(blob) != PACKED_SIZE]
    if not repair:
        raise RuntimeError(f"engine summaries of people {unpacked[:5]} cannot be packed")
    refresh_engine_summaries(person_ids=unpacked)
    return _summary_matrix(owner, person_ids, repair=False)[0], len(unpacked)


def load_network(
    *,
    owner: AbstractBaseUser,
    as_of: dt.datetime,
    person_ids: Sequence[int] | None = None,
    thresholds: Sequence[float] | None = None,
    repair: bool = True,
) -> Network:
    """Score everyone the owner has a history with (or just `person_ids`) as of `as_of`.

    Circles come from the boundaries of ranking everyone loaded, or from stored
    `thresholds` (see strength.circle_thresholds; the day's, so surfaces agree), placed
    with hysteresis against each person's stored circle (amity.relationships.circles).
    Loading everyone first repairs missing or outdated summaries unless `repair` is off
    (a page render).
    """
    # long because: one load: summaries to a matrix, history cut at `as_of`,
    # cadences and scores; each step feeds the next the same arrays.
    repaired = ensure_summaries(owner=owner) if person_ids is None and repair else 0
    matrix, rebuilt = _summary_matrix(owner, person_ids)
    as_of_ts = to_ts(as_of)
    pos = {name: i for i, name in enumerate(PACKED_COLUMNS)}
    later = matrix[:, pos["last_ts"]] >= as_of_ts
    if later.any():
        # Scoring the past: rebuild the summaries of people with later interactions
        # from their history up to `as_of` (slower, and only for this question).
        ids = [int(pk) for pk in matrix[later, pos["person_id"]]]
        past = unpack(_historic_rows(ids, as_of))
        matrix = np.vstack([matrix[~later], past])

    def col(name: str) -> FloatArray:
        return np.ascontiguousarray(matrix[:, pos[name]])

    def whole(name: str) -> IntArray:
        return matrix[:, pos[name]].astype(np.int64)

    columns = TieColumns(
        first_ts=col("first_ts"),
        last_ts=col("last_ts"),
        count=whole("count"),
        outbound=whole("outbound"),
        inbound=whole("inbound"),
        mutual=whole("mutual"),
        two_way=whole("two_way"),
        weighted_count=col("weighted_count"),
        depth=col("depth"),
        gave=col("gave"),
        asked=col("asked"),
    )
    scores = strength.score_columns(
        columns, as_of_ts=as_of_ts, dormant_after_days=dormant_after_days()
    )
    ids = whole("person_id")
    if thresholds is None:
        thresholds = strength.circle_thresholds(scores.score)
    # The same placement on every surface: against each person's stored circle.
    circles = strength.circles_with_hysteresis(
        scores.score, thresholds, previous_circles(owner, ids)
    )
    return Network(
        ids=ids,
        columns=columns,
        scores=scores,
        circles=circles,
        cadence=_cadences(owner, ids, circles),
        received=col("received"),
        were_asked=col("were_asked"),
        gave_count=whole("gave_count"),
        asked_count=whole("asked_count"),
        last_received_ts=col("last_received_ts"),
        last_thanked_ts=col("last_thanked_ts"),
        as_of=as_of,
        repaired=repaired + rebuilt,
    )


def _historic_rows(person_ids: list[int], as_of: dt.datetime) -> list[bytes]:
    rows = []
    for start in range(0, len(person_ids), CHUNK):
        chunk = person_ids[start : start + CHUNK]
        for pk, summary in summaries_for(chunk, until=as_of).items():
            rows.append(summary_values(pk, 0, summary, as_of)["packed"])
    return rows


def _cadences(owner: AbstractBaseUser, ids: IntArray, circles: IntArray) -> FloatArray:
    """Return each person's cadence in days (NaN: none) after person and tag overrides."""
    defaults = np.array([math.nan if d is None else float(d) for d in strength.CIRCLE_CADENCE_DAYS])
    cadence: FloatArray = defaults[circles - 1]
    overrides = list(
        CadenceOverride.objects.filter(owner=owner).values_list("person_id", "tag_id", "days")
    )
    if not overrides:
        return cadence
    by_person = {p: d for p, _, d in overrides if p is not None}
    by_tag = {t: d for _, t, d in overrides if t is not None}
    tagged: dict[int, list[strength.CadenceOverride]] = defaultdict(list)
    if by_tag:
        through = Person.tags.through
        for person_id, tag_id in through.objects.filter(tag_id__in=by_tag).values_list(
            "person_id", "tag_id"
        ):
            tagged[person_id].append(strength.CadenceOverride(by_tag[tag_id]))
    row = {int(pk): i for i, pk in enumerate(ids)}
    for person_id in set(by_person) | set(tagged):
        i = row.get(person_id)
        if i is None:
            continue
        own = strength.CadenceOverride(by_person[person_id]) if person_id in by_person else None
        days = strength.cadence_for(int(circles[i]), person=own, tags=tagged.get(person_id, ()))
        cadence[i] = math.nan if days is None else float(days)
    return cadence


def recent_counts(
    *, owner: AbstractBaseUser, as_of: dt.datetime, days: int = 90, person_ids: Sequence[int] = ()
) -> dict[int, int]:
    """Return how many interactions each person had in the `days` before `as_of`."""
    through = Interaction.people.through
    rows = through.objects.filter(
        interaction__owner=owner,
        interaction__occurred_at__gt=as_of - dt.timedelta(days=days),
        interaction__occurred_at__lt=as_of,
    )
    if person_ids:
        rows = rows.filter(person_id__in=person_ids)
    return dict(rows.values("person_id").annotate(n=Count("id")).values_list("person_id", "n"))


# --- balance and "can I ask?" --------------------------------------------------------


def _ledger_of(person: Person, as_of: dt.datetime) -> LedgerTotals:
    row = PersonSummary.objects.filter(owner_id=person.owner_id, person=person).first()
    if (
        row is None
        or row.count != person.interaction_count
        or (row.last_ts is not None and row.last_ts >= to_ts(as_of))
    ):
        events = events_for([person.pk], until=as_of).get(person.pk, [])
        return ledger.ledger_totals(events, as_of=as_of)
    anchored = LedgerTotals(
        gave=row.gave,
        received=row.received,
        asked=row.asked,
        were_asked=row.were_asked,
        gave_count=row.gave_count,
        received_count=row.received_count,
        asked_count=row.asked_count,
        were_asked_count=row.were_asked_count,
        anchor=from_ts(row.last_ts) if row.last_ts is not None else None,
    )
    return anchored.at(as_of)


def person_context(person: Person, *, as_of: dt.datetime) -> ledger.PersonContext:
    """Return what the domain needs to suggest deposits for this person."""
    provenance = person.provenance or {}
    summary = PersonSummary.objects.filter(owner_id=person.owner_id, person=person).first()
    unthanked = None
    subtype = ""
    if (
        summary is not None
        and summary.last_received_ts is not None
        and (summary.last_thanked_ts is None or summary.last_thanked_ts < summary.last_received_ts)
        and from_ts(summary.last_received_ts) <= as_of
    ):
        unthanked = timezone.localdate(from_ts(summary.last_received_ts))
        subtype = summary.last_received_subtype
    return ledger.PersonContext(
        name=person.full_name,
        interests=[str(i) for i in person.interests or []],
        field=person.field,
        company=person.company,
        title=person.title,
        looking_for=person.looking_for,
        previous_company=str(provenance.get("previous_company", "")),
        company_changed_on=date_or_none(provenance.get("company_changed_on")),
        birthday=person.birthday,
        open_introductions=hooks.open_introductions(person.owner_id, [person.pk]).get(
            person.pk, []
        ),
        unthanked_help_on=unthanked,
        unthanked_help_subtype=subtype,
    )


def date_or_none(raw: object) -> dt.date | None:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None


def balance_for(*, person: Person, as_of: dt.datetime) -> dict[str, Any]:
    """Return one person's two-sided ledger, the verdict and fitting deposits.

    Shape: person {id, name}, as_of, gave, received, asked, were_asked, counts
    {gave, received, asked, were_asked}, ratio, target, verdict, label,
    deposits_needed, explanation, suggestions [{subtype, text}].
    """
    totals = _ledger_of(person, as_of)
    judged = ledger.verdict(totals, deposits_per_ask=deposits_per_ask())
    ideas = ledger.suggest_deposits(
        person_context(person, as_of=as_of), today=timezone.localdate(as_of)
    )
    return {
        "person": {"id": person.pk, "name": person.full_name},
        "as_of": as_of.isoformat(),
        "gave": judged.gave,
        "received": judged.received,
        "asked": judged.asked,
        "were_asked": judged.were_asked,
        "counts": {
            "gave": totals.gave_count,
            "received": totals.received_count,
            "asked": totals.asked_count,
            "were_asked": totals.were_asked_count,
        },
        "ratio": judged.ratio,
        "target": judged.target,
        "verdict": judged.code,
        "label": judged.label,
        "deposits_needed": judged.deposits_needed,
        "explanation": judged.explanation,
        "suggestions": [{"subtype": i.subtype, "text": i.text} for i in ideas],
    }


def network_balance(*, owner: AbstractBaseUser, as_of: dt.datetime) -> dict[str, Any]:
    """Return the user's stance across the network and who they have only ever asked.

    Shape: stance (giver | balanced | taker | no history), gave, received, asked,
    were_asked, ratio, target, only_asked [{id, name}].
    """
    network = load_network(owner=owner, as_of=as_of)
    # Ledger sums are anchored at each person's last interaction: age them to as_of.
    factor = 0.5 ** (network.scores.days_since / ledger.LEDGER_HALF_LIFE_DAYS)
    totals = (
        (
            int(pk),
            LedgerTotals(
                gave=float(network.columns.gave[i] * factor[i]),
                asked=float(network.columns.asked[i] * factor[i]),
                received=float(network.received[i] * factor[i]),
                were_asked=float(network.were_asked[i] * factor[i]),
                gave_count=int(network.gave_count[i]),
                asked_count=int(network.asked_count[i]),
            ),
        )
        for i, pk in enumerate(network.ids)
    )
    stance = ledger.network_stance(totals, deposits_per_ask=deposits_per_ask())
    names = dict(
        Person.objects.filter(owner=owner, pk__in=stance.only_asked).values_list("pk", "full_name")
    )
    return {
        "stance": stance.label,
        "gave": stance.gave,
        "received": stance.received,
        "asked": stance.asked,
        "were_asked": stance.were_asked,
        "ratio": stance.ratio,
        "target": stance.target,
        "only_asked": sorted(
            ({"id": pk, "name": names.get(pk, "")} for pk in stance.only_asked),
            key=lambda p: p["name"],
        ),
    }


# --- cadences ------------------------------------------------------------


@transaction.atomic
def set_cadence(
    *,
    owner: AbstractBaseUser,
    days: int | None,
    person: Person | None = None,
    tag: Tag | None = None,
) -> CadenceOverride:
    """Set the contact cadence of one person or one tag (days None: never remind)."""
    if (person is None) == (tag is None):
        raise ValueError("set a cadence for exactly one person or one tag")
    target = person if person is not None else tag
    if target is None or target.owner_id != owner.pk:
        raise LookupError("unknown person or tag")
    key = {"person": person} if person is not None else {"tag": tag}
    row, _ = CadenceOverride.objects.update_or_create(
        owner=owner, **key, defaults={"days": days, "updated_at": timezone.now()}
    )
    return row


@transaction.atomic
def clear_cadence(
    *, owner: AbstractBaseUser, person: Person | None = None, tag: Tag | None = None
) -> int:
    """Remove a person's or a tag's cadence override; return how many went."""
    rows = CadenceOverride.objects.filter(owner=owner)
    rows = rows.filter(person=person) if person is not None else rows.filter(tag=tag)
    deleted, _ = rows.delete()
    return deleted
