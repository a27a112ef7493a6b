"""Build, keep and act on today's short list of people to contact.

The list for a day is computed once and stored (DailyList + DailyPick) with a
fingerprint of the data it came from (amity.relationships.today_cache) and the finished
answer. While nothing changes, asking again returns that answer without scoring
anyone (and `amity today` prints it without even starting Django); when something
changes (an interaction, a snooze, an edit, a step taken on a saved article, an
introduction or a referral), picks already made stay (done ones marked), snoozed
ones drop out and the gaps are filled. Yesterday's picks are never today's unless a
snooze is due.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from amity.core import hooks, undo
from amity.core.models import UndoRecord
from amity.domain import nudges, strength
from amity.domain.nudges import Nudge
from amity.people import timeline
from amity.people.models import Interaction, Person
from amity.relationships import scoring as relationships
from amity.relationships import today_cache, today_candidates
from amity.relationships.circles import store_circles
from amity.relationships.models import DailyList, DailyPick, Snooze


def fingerprint(*, owner: AbstractBaseUser, day: dt.date) -> str:
    """Hash everything today's list depends on, so an unchanged network is not rescored."""
    with connection.cursor() as cursor:
        return today_cache.fingerprint(
            cursor,
            owner_id=owner.pk,
            day=day,
            my_field=relationships.my_field(),
            dormant_after_days=relationships.dormant_after_days(),
            deposits_per_ask=relationships.deposits_per_ask(),
            placeholder="%s",  # Django's cursors take %s on every backend
        )


def today_list(
    *, owner: AbstractBaseUser, day: dt.date | None = None, limit: int = 5
) -> dict[str, Any]:
    """Return today's list (computing and storing it only when needed).

    Shape: day, cached (bool), items [{rank, id, name, circle, circle_name, score,
    priority, reason, reasons [{code, text}], action, action_subtype, done, and
    "reading" when a saved article fits them}], network {reading, introductions,
    referrals} (pending steps from the network app).
    """
    # Surfaces refuse a day to come as the user's input (`amity today --as-of`); the
    # reminders ask for a user's own day, which may be the server's tomorrow (UTC+13).
    as_of, day = relationships.resolve_as_of(day)
    if day == timezone.localdate():
        as_of = timezone.now()
    current = fingerprint(owner=owner, day=day)
    stored = DailyList.objects.filter(owner=owner, day=day).first()
    if stored is not None and stored.fingerprint == current:
        payload = stored.payload or {}
        if payload.get("fingerprint") == current and payload.get("limit") == limit:
            answer: dict[str, Any] = payload["data"]
            return answer
        if stored.size >= limit:
            data = hooks.add_today_extras(owner, _render(day, stored, limit, cached=True))
            _keep_answer(stored, current, limit, data)
            return data
    stored = _refill(owner=owner, day=day, as_of=as_of, limit=limit, current=current)
    data = hooks.add_today_extras(owner, _render(day, stored, limit, cached=False))
    _keep_answer(stored, stored.fingerprint, limit, data)
    return data


@transaction.atomic
def _refill(
    *, owner: AbstractBaseUser, day: dt.date, as_of: dt.datetime, limit: int, current: str
) -> DailyList:
    """Drop newly snoozed picks, fill the day's list up to `limit`, store its fingerprint."""
    stored, _ = DailyList.objects.get_or_create(owner=owner, day=day)
    snoozed = set(
        Snooze.objects.filter(owner=owner, until__gt=day).values_list("person_id", flat=True)
    )
    # A pick the user snoozed since makes room; done ones stay, ticked off.
    DailyPick.objects.filter(
        owner=owner, daily_list=stored, person_id__in=snoozed, done_at__isnull=True
    ).delete()
    kept = list(stored.picks.order_by("rank", "id"))
    missing = limit - len(kept)
    if missing > 0:
        yesterday = DailyPick.objects.filter(
            owner=owner, daily_list__day=day - dt.timedelta(days=1)
        ).values_list("person_id", flat=True)
        # The day's boundaries are set once: every later surface places people by them.
        network = relationships.load_network(
            owner=owner, as_of=as_of, thresholds=stored.thresholds or None
        )
        if not stored.thresholds:
            stored.thresholds = strength.circle_thresholds(network.scores.score)
            store_circles(owner, network.ids, network.circles)
        chosen = nudges.pick_today(
            today_candidates.candidates(owner, network, day, limit=missing),
            today=day,
            limit=missing,
            picked_yesterday=list(yesterday),
            exclude={p.person_id for p in kept} | snoozed,
        )
        _store(owner, stored, chosen, start=len(kept))
        if network.repaired:
            # Scoring rebuilt missing summaries (a first run, a new formula): fingerprint
            # the data the list now stands on, or the next run recomputes.
            current = fingerprint(owner=owner, day=day)
    stored.fingerprint = current
    stored.size = max(limit, stored.size)
    stored.computed_at = timezone.now()
    stored.save(update_fields=["fingerprint", "size", "thresholds", "computed_at"])
    return stored


def _keep_answer(stored: DailyList, current: str, limit: int, data: dict[str, Any]) -> None:
    """Store the finished answer, as the next unchanged call will give it.

    Both the next call here and `amity today`'s Django-free path (today_cache) read
    it back while the fingerprint holds; it is kept in its JSON form, as printed.
    """
    answer = json.loads(today_cache.to_json({**data, "cached": True}))
    stored.payload = {"fingerprint": current, "limit": limit, "data": answer}
    stored.save(update_fields=["payload"])


def _store(owner: AbstractBaseUser, daily: DailyList, chosen: list[Nudge], *, start: int) -> None:
    DailyPick.objects.bulk_create(
        DailyPick(
            owner=owner,
            daily_list=daily,
            person_id=n.person_id,
            rank=start + i,
            priority=n.priority,
            circle=n.circle,
            score=n.score,
            reasons=[{"code": r.code, "text": r.text, "priority": r.priority} for r in n.reasons],
            action=n.action,
            action_subtype=n.action_subtype,
        )
        for i, n in enumerate(chosen)
    )


def _render(day: dt.date, daily: DailyList, limit: int, *, cached: bool) -> dict[str, Any]:
    picks = daily.picks.select_related("person").order_by("rank", "id")[:limit]
    items = []
    for rank, pick in enumerate(picks, start=1):
        reasons = [{"code": r["code"], "text": r["text"]} for r in pick.reasons]
        items.append(
            {
                "rank": rank,
                "id": pick.person_id,
                "name": pick.person.full_name,
                "circle": pick.circle,
                "circle_name": strength.CIRCLE_NAMES[pick.circle - 1],
                "score": round(pick.score, 4),
                "priority": round(pick.priority, 4),
                "reason": reasons[0]["text"] if reasons else "",
                "reasons": reasons,
                "action": pick.action,
                "action_subtype": pick.action_subtype,
                "done": pick.done_at is not None,
                "reading": None,
            }
        )
    # Apps above the engine fill `network` and items' `reading` (core.hooks).
    return {"day": day.isoformat(), "cached": cached, "items": items, "network": None}


# --- acting on the list --------------------------------------------------------------


def parse_duration(raw: str, *, today: dt.date) -> dt.date:
    """Turn "30d", "2w", "3m", "1y" or a date (YYYY-MM-DD) into the day a snooze ends."""
    text = raw.strip().lower()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    units = {"d": 1, "w": 7, "m": 30, "y": 365}
    number, unit = (text[:-1], text[-1]) if text[-1:] in units else (text, "d")
    if not number.isdigit() or int(number) < 1:
        raise ValueError(f"{raw!r} is not a duration (30d, 2w, 3m, 1y) or a date (YYYY-MM-DD)")
    return today + dt.timedelta(days=int(number) * units[unit])


UNDO_SNOOZE = "today.snooze"
UNDO_DONE = "today.done"


@dataclass(frozen=True)
class Done:
    """What "Done" logged, and the record that undoes it."""

    interaction: Interaction
    undo: UndoRecord


@transaction.atomic
def snooze(*, person: Person, until: dt.date) -> UndoRecord:
    """Keep a person off the daily list until `until` (replacing an earlier snooze).

    Returns the undo record: it keeps the earlier snooze and the person's open picks
    on today's (and later) lists, which the next refill drops.
    """
    previous = Snooze.objects.filter(owner_id=person.owner_id, person=person).first()
    picks = DailyPick.objects.filter(
        owner_id=person.owner_id,
        person=person,
        done_at__isnull=True,
        daily_list__day__gte=timezone.localdate(),
    )
    record = undo.record(
        owner=person.owner,
        kind=UNDO_SNOOZE,
        label=f"Snoozed {person.full_name} until {until:%-d %b %Y}",
        payload={
            "person_id": person.pk,
            "previous": undo.snapshot_deletion([previous]) if previous else None,
            "picks": undo.snapshot_deletion(picks),
        },
    )
    Snooze.objects.update_or_create(
        owner_id=person.owner_id,
        person=person,
        defaults={"until": until, "updated_at": timezone.now()},
    )
    return record


def _undo_snooze(owner: AbstractBaseUser, payload: dict[str, Any]) -> None:
    """Lift the snooze, put back the one it replaced and the picks it dropped."""
    Snooze.objects.filter(owner=owner, person_id=payload["person_id"]).delete()
    if payload["previous"]:
        undo.restore_rows(payload["previous"])
    # A pick the refill already dropped comes back at its rank; one still there is
    # rewritten as it was. The filler that took its place ranks after it.
    undo.restore_rows(payload["picks"])


@transaction.atomic
def mark_done(
    *,
    owner: AbstractBaseUser,
    person: Person,
    subtype: str | None = None,
    channel: str = "message",
    note: str = "",
    when: dt.datetime | None = None,
    day: dt.date | None = None,
) -> Done:
    """Log that the user reached out (a deposit when the action was one) and tick it off.

    Without `subtype`, today's suggested action decides: "congrats", "thanks" or
    "shared_content" log a deposit of that kind, anything else a neutral touch. `day`
    names the list to tick (a digest's day, clicked later); by default the day of `when`.
    """
    moment = when or timezone.now()
    pick = (
        DailyPick.objects.filter(
            owner=owner, person=person, daily_list__day=day or timezone.localdate(moment)
        )
        .order_by("-id")
        .first()
    )
    chosen = subtype if subtype is not None else (pick.action_subtype if pick else "")
    interaction = timeline.log_interaction(
        owner=owner,
        people=[person],
        occurred_at=moment,
        channel=channel,
        direction="outbound",
        intent="deposit" if chosen else "neutral",
        subtype=chosen,
        summary=note or (pick.action if pick else "Got in touch"),
    )
    snoozed = Snooze.objects.filter(owner=owner, person=person).first()
    record = undo.record(
        owner=owner,
        kind=UNDO_DONE,
        label=f"Done: logged {timeline.describe(interaction, [person.full_name])}",
        payload={
            "interaction_id": interaction.pk,
            "pick_id": pick.pk if pick else None,
            "pick_done_at": pick.done_at.isoformat() if pick and pick.done_at else None,
            "snooze": undo.snapshot_deletion([snoozed]) if snoozed else None,
        },
    )
    if pick is not None:
        pick.done_at = timezone.now()
        pick.save(update_fields=["done_at"])
    if snoozed is not None:
        snoozed.delete()
    return Done(interaction=interaction, undo=record)


def _undo_done(owner: AbstractBaseUser, payload: dict[str, Any]) -> None:
    """Remove what "Done" logged, untick the pick, put back the snooze it lifted."""
    interaction = Interaction.objects.filter(owner=owner, pk=payload["interaction_id"]).first()
    if interaction is not None:
        ids = list(interaction.people.values_list("pk", flat=True))
        interaction.delete()
        timeline.refresh_summaries(person_ids=ids)
    if payload["pick_id"]:
        done_at = payload["pick_done_at"]
        DailyPick.objects.filter(owner=owner, pk=payload["pick_id"]).update(
            done_at=dt.datetime.fromisoformat(done_at) if done_at else None
        )
    if payload["snooze"]:
        undo.restore_rows(payload["snooze"])


def register_undo() -> None:
    """Let snoozes and "Done" be undone (called once at start-up)."""
    undo.register(UNDO_SNOOZE, _undo_snooze)
    undo.register(UNDO_DONE, _undo_done)
