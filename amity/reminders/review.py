"""Look back over a week: deposits and withdrawals, circles moved, ties revived, intros.

The review compares the relationship engine's network scored at the start and at the
end of the seven days, so "moved between circles" and "revived" mean exactly what
the engine's circles and dormancy mean elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils import timezone

from amity import config
from amity.domain.strength import CIRCLE_NAMES
from amity.network.models import Introduction
from amity.people.models import Interaction, Person
from amity.relationships.scoring import Network, load_network

DAYS = 7
MADE = (Interaction.Direction.OUTBOUND, Interaction.Direction.MUTUAL)
CLOSER = 3  # circles 1-3 (inner, close, active) are "your own" for the widening suggestion
CHART_W, CHART_H, BAR_W = 280, 80, 14


def _circle_name(circle: int) -> str:
    return CIRCLE_NAMES[circle - 1] if 1 <= circle <= len(CIRCLE_NAMES) else "beyond"


def weekly_review(*, owner: AbstractBaseUser, day: dt.date) -> dict[str, Any]:
    """Return the week ending on `day` (inclusive) as JSON-ready data.

    Shape: {"start", "end", "deposits", "withdrawals", "per_day": [{"day", "deposits",
    "withdrawals"}], "moved": [{"id", "name", "from_circle", "to_circle", "closer"}], "revived":
    [{"id", "name"}], "introductions": [{"id", "names"}], "widen": {"id", "name",
    "field", "text"} | null, "chart": {bars for the inline SVG}}.
    """
    first = day - dt.timedelta(days=DAYS - 1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    per_day = _per_day(owner, first, start, end)
    # The end first: loading everyone repairs stale summaries, which the start then reads.
    after = load_network(owner=owner, as_of=min(end, timezone.now()))
    before = load_network(owner=owner, as_of=start, repair=False)
    moved, revived = _movements(before, after)
    names = dict(
        Person.objects.filter(owner=owner, pk__in=[*moved, *revived]).values_list("pk", "full_name")
    )
    return {
        "start": first.isoformat(),
        "end": day.isoformat(),
        "deposits": sum(d["deposits"] for d in per_day),
        "withdrawals": sum(d["withdrawals"] for d in per_day),
        "per_day": per_day,
        "moved": [
            {
                "id": pk,
                "name": names.get(pk, ""),
                "from_circle": _circle_name(a),
                "to_circle": _circle_name(b),
                "closer": b < a,
            }
            for pk, (a, b) in sorted(moved.items(), key=lambda kv: kv[1][1])[:10]
        ],
        "revived": [{"id": pk, "name": names.get(pk, "")} for pk in revived[:10]],
        "introductions": _introductions(owner, start, end),
        "widen": _widen(owner, after, start),
        "chart": _chart(per_day),
    }


def _per_day(
    owner: AbstractBaseUser, first: dt.date, start: dt.datetime, end: dt.datetime
) -> list[dict[str, Any]]:
    counts: Counter[tuple[dt.date, str]] = Counter()
    rows = Interaction.objects.filter(
        owner=owner, occurred_at__gte=start, occurred_at__lt=end, direction__in=MADE
    ).values_list("occurred_at", "intent")
    for occurred_at, intent in rows:
        counts[(timezone.localdate(occurred_at), intent)] += 1
    days = [first + dt.timedelta(days=i) for i in range(DAYS)]
    return [
        {
            "day": d.isoformat(),
            "deposits": counts[(d, Interaction.Intent.DEPOSIT)],
            "withdrawals": counts[(d, Interaction.Intent.WITHDRAWAL)],
        }
        for d in days
    ]


def _movements(before: Network, after: Network) -> tuple[dict[int, tuple[int, int]], list[int]]:
    """Return who changed circle (id: (from, to)) and who was dormant and is not now."""
    was = dict(zip(before.ids.tolist(), before.circles.tolist(), strict=True))
    dormant_before = set(before.ids[before.scores.dormant].tolist())
    moved: dict[int, tuple[int, int]] = {}
    revived = []
    for pk, circle, dormant in zip(
        after.ids.tolist(), after.circles.tolist(), after.scores.dormant.tolist(), strict=True
    ):
        old = was.get(pk, len(CIRCLE_NAMES) + 1)
        if old != circle and min(old, circle) <= len(CIRCLE_NAMES):
            moved[pk] = (old, circle)
        if pk in dormant_before and not dormant:
            revived.append(pk)
    return moved, revived


def _introductions(
    owner: AbstractBaseUser, start: dt.datetime, end: dt.datetime
) -> list[dict[str, Any]]:
    done = Introduction.objects.filter(owner=owner).filter(
        Q(introduced_at__gte=start, introduced_at__lt=end)
        | Q(followed_up_at__gte=start, followed_up_at__lt=end)
    )
    return [
        {"id": i.pk, "names": [i.person_a.full_name, i.person_b.full_name]}
        for i in done.select_related("person_a", "person_b")
    ]


def _widen(owner: AbstractBaseUser, network: Network, since: dt.datetime) -> dict[str, Any] | None:
    """Suggest the strongest tie outside the user's field not already contacted this week."""
    circle = dict(zip(network.ids.tolist(), network.circles.tolist(), strict=True))
    score = dict(zip(network.ids.tolist(), network.scores.score.tolist(), strict=True))
    people = Person.objects.filter(owner=owner, pk__in=list(circle)).exclude(field="")
    fields = {pk: f.strip().lower() for pk, f in people.values_list("pk", "field")}
    # Without AMITY_MY_FIELD, "your field" is the commonest among your closer circles.
    own = Counter(f for pk, f in fields.items() if circle[pk] <= CLOSER)
    mine = config.MY_FIELD.value().strip().lower() or (own.most_common(1)[0][0] if own else "")
    touched = set(
        Interaction.objects.filter(
            owner=owner, occurred_at__gte=since, direction__in=MADE
        ).values_list("people", flat=True)
    )
    outside = [pk for pk, f in fields.items() if f != mine and pk not in touched]
    if not outside:
        return None
    best = max(outside, key=lambda pk: (score[pk], -pk))
    person = Person.objects.get(owner=owner, pk=best)
    return {
        "id": best,
        "name": person.full_name,
        "field": person.field,
        "text": f"Widen beyond {mine or 'your own field'}: say hello to {person.full_name}"
        f" ({person.field}, {_circle_name(circle[best])} circle).",
    }


def _chart(per_day: list[dict[str, Any]]) -> dict[str, Any]:
    """Lay out a bar pair per day (deposits, withdrawals) for an inline SVG."""
    top = max([1, *(max(d["deposits"], d["withdrawals"]) for d in per_day)])
    step = CHART_W / len(per_day)
    bars = []
    for i, d in enumerate(per_day):
        for offset, key in ((0, "deposits"), (BAR_W + 2, "withdrawals")):
            height = round(d[key] / top * (CHART_H - 14), 1)
            bars.append(
                {
                    "kind": key,
                    "x": round(i * step + offset, 1),
                    "y": CHART_H - 14 - height,
                    "height": height,
                    "count": d[key],
                    "day": d["day"],
                }
            )
    labels = [
        {"x": round(i * step, 1), "text": dt.date.fromisoformat(d["day"]).strftime("%a")}
        for i, d in enumerate(per_day)
    ]
    return {
        "width": CHART_W,
        "height": CHART_H,
        "bar": BAR_W,
        "bars": bars,
        "labels": labels,
        "top": top,
    }
