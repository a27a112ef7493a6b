"""Measure how broad the user's network is and say where it is narrow.

Pure functions over plain data: one `Tie` per person (their field, strength, circle
and give/ask counts) and one `TieEvent` per interaction with a person. Tie strength
and circles come from the relationship engine (the caller scores them).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

STRONG_TIE: Final = 0.5
"""Strength (0..1) from which a tie counts as strong; weaker non-zero ties are weak."""
DORMANT_DAYS: Final = 180
"""A tie with no interaction for this many days is dormant."""
MONTHS: Final = 12
"""How many months the time charts cover."""
TOP_FIELDS: Final = 12
"""Fields shown by name; the rest are summed as "other"."""
UNKNOWN_FIELD: Final = "(no field)"
CIRCLE_ORDER: Final = ("inner", "close", "active", "wider", "outer", "dormant", "not yet in touch")
"""How circles are listed (the relationship engine's names, then the fallback's)."""


@dataclass(frozen=True)
class Tie:
    """One person as the breadth measures see them."""

    person_id: int
    name: str
    field: str
    strength: float
    circle: str
    last_interaction: dt.datetime | None = None
    received: int = 0
    """Deposits they made to the user (inbound deposits)."""
    were_asked: int = 0
    """Things they asked the user for (inbound withdrawals)."""
    gave: int = 0
    """Deposits the user made to them."""
    asked: int = 0
    """Things the user asked of them."""
    strong: bool | None = None
    """Whether the tie is strong, when the caller knows (the engine's inner circles);
    None means "strength at least STRONG_TIE"."""

    @property
    def is_strong(self) -> bool:
        """Say whether this tie counts as strong."""
        return self.strength >= STRONG_TIE if self.strong is None else self.strong

    @property
    def is_weak(self) -> bool:
        """Say whether this is a weak tie: some contact, but not a strong tie."""
        return self.strength > 0 and not self.is_strong


@dataclass(frozen=True)
class TieEvent:
    """One interaction with one person: when, which way, deposit or withdrawal."""

    person_id: int
    at: dt.datetime
    direction: str = "outbound"
    intent: str = "neutral"


@dataclass(frozen=True)
class GroupStat:
    """People and strength in one field or circle."""

    name: str
    people: int
    strength: float
    strong: int
    weak: int

    @property
    def mean_strength(self) -> float:
        """Return the average strength of the group's ties."""
        return round(self.strength / self.people, 3) if self.people else 0.0


@dataclass(frozen=True)
class PersonCount:
    """A person with a number (how much they gave, or asked)."""

    person_id: int
    name: str
    field: str
    gave: int
    asked: int


@dataclass(frozen=True)
class MonthPoint:
    """One month of the time charts."""

    month: str
    dormant: int
    active: int
    deposits: int
    withdrawals: int
    received: int
    were_asked: int


@dataclass(frozen=True)
class WarmUp:
    """A weak tie outside the user's field worth warming up, and why."""

    person_id: int
    name: str
    field: str
    strength: float
    last_interaction: dt.datetime | None
    reason: str


@dataclass(frozen=True)
class Breadth:
    """Everything the Insights page and `amity insights` show."""

    people: int
    my_field: str
    my_field_source: str
    by_field: list[GroupStat]
    by_circle: list[GroupStat]
    own_field_people_share: float
    own_field_strength_share: float
    strong_ties: int
    weak_ties: int
    no_ties: int
    givers: list[PersonCount]
    takers: list[PersonCount]
    months: list[MonthPoint]
    suggestions: list[str]
    warm_up: list[WarmUp] = field(default_factory=list)
    dormant_days: int = DORMANT_DAYS
    """Days of silence after which the monthly charts count a tie as dormant."""


def _group(ties: Sequence[Tie], key: str, order: Sequence[str] = ()) -> list[GroupStat]:
    people: Counter[str] = Counter()
    strength: dict[str, float] = defaultdict(float)
    strong: Counter[str] = Counter()
    weak: Counter[str] = Counter()
    for tie in ties:
        name = (tie.field.strip() or UNKNOWN_FIELD) if key == "field" else tie.circle
        people[name] += 1
        strength[name] += tie.strength
        strong[name] += tie.is_strong
        weak[name] += tie.is_weak
    names = sorted(
        people, key=lambda n: (order.index(n) if n in order else len(order), -people[n], n)
    )
    return [GroupStat(n, people[n], round(strength[n], 3), strong[n], weak[n]) for n in names]


def _fold_fields(groups: list[GroupStat]) -> list[GroupStat]:
    """Keep the biggest fields by name and sum the rest as "other"."""
    if len(groups) <= TOP_FIELDS:
        return groups
    kept, rest = groups[: TOP_FIELDS - 1], groups[TOP_FIELDS - 1 :]
    other = GroupStat(
        f"other ({len(rest)} fields)",
        sum(g.people for g in rest),
        round(sum(g.strength for g in rest), 3),
        sum(g.strong for g in rest),
        sum(g.weak for g in rest),
    )
    return [*kept, other]


def pick_my_field(ties: Sequence[Tie], configured: str) -> tuple[str, str]:
    """Return the user's own field and where it came from (the setting or a guess)."""
    if configured.strip():
        return configured.strip(), "AMITY_MY_FIELD"
    fields = Counter(t.field.strip() for t in ties if t.field.strip())
    if not fields:
        return "", "unknown (no one has a field yet)"
    return fields.most_common(1)[0][0], "the most common field in your network"


def month_starts(now: dt.datetime, months: int = MONTHS) -> list[dt.datetime]:
    """Return the first instant of each of the last `months` months, oldest first."""
    year, month = now.year, now.month
    starts = []
    for _ in range(months):
        starts.append(
            now.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
        )
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def _months(events: Sequence[TieEvent], now: dt.datetime, dormant_days: int) -> list[MonthPoint]:
    starts = month_starts(now)
    ends = [*starts[1:], now]
    by_person: dict[int, list[dt.datetime]] = defaultdict(list)
    flows: dict[int, Counter[str]] = defaultdict(Counter)
    for event in events:
        by_person[event.person_id].append(event.at)
        index = bisect_right(starts, event.at) - 1
        if 0 <= index < len(starts) and event.at <= now and event.intent != "neutral":
            if event.direction in {"outbound", "mutual"}:
                flows[index]["deposits" if event.intent == "deposit" else "withdrawals"] += 1
            if event.direction in {"inbound", "mutual"}:
                flows[index]["received" if event.intent == "deposit" else "were_asked"] += 1
    for dates in by_person.values():
        dates.sort()
    points = []
    for index, end in enumerate(ends):
        dormant = active = 0
        cutoff = end - dt.timedelta(days=dormant_days)
        for dates in by_person.values():
            seen = bisect_right(dates, end)
            if seen == 0:
                continue
            if dates[seen - 1] < cutoff:
                dormant += 1
            else:
                active += 1
        point = flows[index]
        points.append(
            MonthPoint(
                starts[index].strftime("%Y-%m"),
                dormant,
                active,
                point["deposits"],
                point["withdrawals"],
                point["received"],
                point["were_asked"],
            )
        )
    return points


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def narrowness(b: Breadth) -> list[str]:
    """Say, in plain sentences, where the network is narrow."""
    notes: list[str] = []
    if b.people == 0:
        return ["Add some people to see how broad your network is."]
    known = [g for g in b.by_field if g.name != UNKNOWN_FIELD]
    if not known:
        return ["No one has a field yet: add fields to people to see your network's breadth."]
    if b.my_field and b.own_field_people_share >= 0.5:
        notes.append(
            f"{_percent(b.own_field_people_share)} of your people are in your own field "
            f"({b.my_field}); ties outside it bring news you would not hear otherwise."
        )
    if b.my_field and b.own_field_strength_share >= 0.6 and b.strong_ties:
        notes.append(
            f"{_percent(b.own_field_strength_share)} of your tie strength sits in {b.my_field}: "
            "your strong ties all point the same way."
        )
    top = sum(g.people for g in known[:3])
    total = sum(g.people for g in known)
    if len(known) > 3 and top / total >= 0.8:
        names = ", ".join(g.name for g in known[:3])
        notes.append(f"{_percent(top / total)} of the people with a field are in {names}.")
    if len(known) <= 2:
        notes.append(f"Your people span only {len(known)} field(s).")
    if b.weak_ties < b.strong_ties:
        notes.append(
            "You have fewer weak ties than strong ones; weak ties are where new "
            "opportunities usually come from."
        )
    dormant = next((g.people for g in b.by_circle if g.name == "dormant"), 0)
    if dormant and dormant / b.people >= 0.5:
        notes.append(f"{_percent(dormant / b.people)} of your ties are dormant.")
    if not notes:
        notes.append("Your network is broad: no single field or circle dominates.")
    return notes


def warm_up(ties: Sequence[Tie], my_field: str, *, limit: int = 8) -> list[WarmUp]:
    """Pick weak ties outside the user's field, rarest fields first, one per field first."""
    fields = Counter(t.field.strip().lower() for t in ties if t.field.strip())
    mine = my_field.strip().lower()
    weak = [
        t
        for t in ties
        if t.field.strip()
        and t.field.strip().lower() != mine
        and t.last_interaction is not None
        and t.is_weak
    ]
    weak.sort(key=lambda t: (fields[t.field.strip().lower()], -t.strength, t.name))
    picked: list[Tie] = []
    used: set[str] = set()
    for tie in weak:
        if tie.field.strip().lower() not in used:
            picked.append(tie)
            used.add(tie.field.strip().lower())
        if len(picked) >= limit:
            break
    chosen = {t.person_id for t in picked}
    picked.extend(t for t in weak[: limit * 2] if t.person_id not in chosen)
    result = []
    for tie in picked[:limit]:
        count = fields[tie.field.strip().lower()]
        others = "the only one" if count == 1 else f"one of {count}"
        result.append(
            WarmUp(
                tie.person_id,
                tie.name,
                tie.field,
                tie.strength,
                tie.last_interaction,
                f"weak tie in {tie.field} ({others} in that field)",
            )
        )
    return result


def network_breadth(
    ties: Sequence[Tie],
    events: Sequence[TieEvent],
    *,
    now: dt.datetime,
    my_field: str = "",
    top: int = 5,
    dormant_days: int = DORMANT_DAYS,
    months: list[MonthPoint] | None = None,
) -> Breadth:
    """Measure the network: fields, circles, own-field share, ties, flows and advice.

    `months`, when given, are the monthly points already counted (see
    amity.domain.breadth_months, which counts them from arrays); `events` then go unused.
    """
    field_name, source = pick_my_field(ties, my_field)
    by_field = _group(ties, "field")
    mine = field_name.lower()
    own = [t for t in ties if t.field.strip().lower() == mine] if mine else []
    total_strength = sum(t.strength for t in ties)
    givers = sorted(
        (t for t in ties if t.received > t.were_asked),
        key=lambda t: (-(t.received - t.were_asked), t.name),
    )[:top]
    takers = sorted(
        (t for t in ties if t.were_asked > t.received),
        key=lambda t: (-(t.were_asked - t.received), t.name),
    )[:top]
    result = Breadth(
        people=len(ties),
        my_field=field_name,
        my_field_source=source,
        by_field=_fold_fields(by_field),
        by_circle=_group(ties, "circle", CIRCLE_ORDER),
        own_field_people_share=round(len(own) / len(ties), 3) if ties else 0.0,
        own_field_strength_share=(
            round(sum(t.strength for t in own) / total_strength, 3) if total_strength else 0.0
        ),
        strong_ties=sum(t.is_strong for t in ties),
        weak_ties=sum(t.is_weak for t in ties),
        no_ties=sum(t.strength <= 0 for t in ties),
        givers=[
            PersonCount(t.person_id, t.name, t.field, t.received, t.were_asked) for t in givers
        ],
        takers=[
            PersonCount(t.person_id, t.name, t.field, t.received, t.were_asked) for t in takers
        ],
        months=_months(events, now, dormant_days) if months is None else months,
        suggestions=[],
        warm_up=warm_up(ties, field_name),
        dormant_days=dormant_days,
    )
    result.suggestions.extend(narrowness(result))
    return result
