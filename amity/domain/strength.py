"""Score how strong each tie is, sort people into circles and find dormant ties.

Tie strength is a weighted geometric mean of six components, each in (0, 1]::

    tie_strength = R^0.45 * F^0.20 * D^0.15 * Q^0.10 * P^0.05 * B^0.05

    R  recency      1 / (1 + days_since / RECENCY_SCALE_DAYS)           (power-law decay)
    F  frequency    n / (n + FREQUENCY_HALF_COUNT), n = interactions decayed with
                    a FREQUENCY_HALF_LIFE_DAYS half-life
    D  duration     0.5 + 0.5 * d / (d + DURATION_HALF_DAYS), d = days first..last
    Q  reciprocity  0.5 + 0.5 * 2 min(out, in) / (out + in)  (mutual counts both ways)
    P  depth        decayed mean of CHANNEL_DEPTH (meeting 1 > call 0.7 > message 0.35)
    B  balance      0.5 + 0.5 * (gave - asked) / (gave + asked + BALANCE_SMOOTHING),
                    from the give/ask ledger (see amity.domain.ledger)

Someone with no interactions scores 0. A geometric mean means a tie must be decent on
every axis: a hundred messages two years ago do not outweigh silence since. Recency
decays as a power law rather than exponentially because silences in human contact are
heavy-tailed: the ranking then hardly depends on the time unit, so the same constants
fit a chatty network (days) and a professional one (months). The weights were chosen
on one cut date of the CollegeMsg benchmark and checked on four later ones (see
docs/benchmarks.md, "Relationship engine").

Circles follow Dunbar's layers by rank: the top 5 people are circle 1, the next 10
circle 2, then up to 50 and 150, and everyone else circle 5, each with a default
contact cadence (weekly, monthly, half-yearly, yearly, none) that a person or a tag
can override. A tie is dormant when it was once real (DORMANT_MIN_TWO_WAY two-way
exchanges) and has been silent for at least the dormancy threshold (default 730 days);
the revival queue orders dormant ties by how much reconnecting is worth.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from amity.domain.ledger import (
    HELP_SUBTYPES,
    SECONDS_PER_DAY,
    THANKS_SUBTYPES,
    Event,
    LedgerTotals,
    ledger_totals,
)
from amity.domain.versions import SUMMARY_VERSION as SUMMARY_VERSION

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

RECENCY_SCALE_DAYS: Final = 7.0
FREQUENCY_HALF_LIFE_DAYS: Final = 180.0
FREQUENCY_HALF_COUNT: Final = 5.0
DURATION_HALF_DAYS: Final = 180.0
BALANCE_SMOOTHING: Final = 1.0
COMPONENT_FLOOR: Final = 0.5
"""Lowest value of the duration and reciprocity components (one-way, brand-new ties)."""

WEIGHT_RECENCY: Final = 0.45
WEIGHT_FREQUENCY: Final = 0.20
WEIGHT_DURATION: Final = 0.15
WEIGHT_RECIPROCITY: Final = 0.10
WEIGHT_DEPTH: Final = 0.05
WEIGHT_BALANCE: Final = 0.05

CHANNEL_DEPTH: Final[dict[str, float]] = {
    "in_person": 1.0,
    "meeting": 1.0,
    "call": 0.7,
    "letter": 0.5,
    "email": 0.45,
    "message": 0.35,
    "social": 0.25,
}
CONVERSATION_CHANNELS: Final = frozenset({"in_person", "meeting", "call"})
"""Channels that are two-way by nature, whoever logged them."""

CIRCLE_SIZES: Final = (5, 15, 50, 150)
"""Cumulative rank limits of circles 1-4; everyone else is circle 5."""
CIRCLE_NAMES: Final = ("inner", "close", "active", "wider", "outer")
CADENCE_NAMES: Final[dict[str, int | None]] = {
    "weekly": 7,
    "fortnightly": 14,
    "monthly": 30,
    "quarterly": 91,
    "half-yearly": 182,
    "yearly": 365,
    "none": None,
    "never": None,
}
CIRCLE_CADENCE_DAYS: Final[tuple[int | None, ...]] = (7, 30, 182, 365, None)

DORMANT_AFTER_DAYS: Final = 730
DORMANT_MIN_TWO_WAY: Final = 3
REVIVAL_WEIGHT_FORMER: Final = 0.5
REVIVAL_WEIGHT_FIELD: Final = 0.3
REVIVAL_WEIGHT_NEVER_ASKED: Final = 0.2


def to_ts(moment: dt.datetime) -> float:
    """Return seconds since the epoch for an aware datetime."""
    return moment.timestamp()


def from_ts(seconds: float) -> dt.datetime:
    """Return the aware UTC datetime for seconds since the epoch."""
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


@dataclass(frozen=True, slots=True)
class TieSummary:
    """Everything the engine needs about one tie, anchored at its last interaction.

    Times are seconds since the epoch (floats load fast by the hundred thousand).
    `weighted_count` and the ledger sums are decayed to `last_ts`; ratios such as
    `depth` do not change with age, so a store can save this once per write.
    """

    first_ts: float | None = None
    last_ts: float | None = None
    count: int = 0
    outbound: int = 0
    inbound: int = 0
    mutual: int = 0
    two_way: int = 0
    weighted_count: float = 0.0
    depth: float = 0.0
    ledger: LedgerTotals = field(default_factory=LedgerTotals)
    last_received_ts: float | None = None
    last_received_subtype: str = ""
    last_thanked_ts: float | None = None


def summarize(events: Iterable[Event]) -> TieSummary:
    """Condense one person's interactions into a `TieSummary`."""
    ordered = sorted(events, key=lambda e: e.at)
    if not ordered:
        return TieSummary()
    last = ordered[-1].at
    directions = [e.direction for e in ordered]
    talks = sum(1 for e in ordered if e.channel in CONVERSATION_CHANNELS or e.direction == "mutual")
    rest_out = sum(
        1 for e in ordered if e.direction == "outbound" and e.channel not in CONVERSATION_CHANNELS
    )
    rest_in = sum(
        1 for e in ordered if e.direction == "inbound" and e.channel not in CONVERSATION_CHANNELS
    )
    weights = [
        0.5 ** ((last - e.at).total_seconds() / SECONDS_PER_DAY / FREQUENCY_HALF_LIFE_DAYS)
        for e in ordered
    ]
    depth = sum(
        w * CHANNEL_DEPTH.get(e.channel, 0.35) for w, e in zip(weights, ordered, strict=True)
    )
    received = [
        e
        for e in ordered
        if e.intent == "deposit" and e.direction != "outbound" and e.subtype in HELP_SUBTYPES
    ]
    thanked = [
        e
        for e in ordered
        if e.intent == "deposit" and e.direction != "inbound" and e.subtype in THANKS_SUBTYPES
    ]
    return TieSummary(
        first_ts=to_ts(ordered[0].at),
        last_ts=to_ts(last),
        count=len(ordered),
        outbound=directions.count("outbound"),
        inbound=directions.count("inbound"),
        mutual=directions.count("mutual"),
        two_way=talks + min(rest_out, rest_in),
        weighted_count=sum(weights),
        depth=depth / sum(weights),
        ledger=ledger_totals(ordered),
        last_received_ts=to_ts(received[-1].at) if received else None,
        last_received_subtype=received[-1].subtype if received else "",
        last_thanked_ts=to_ts(thanked[-1].at) if thanked else None,
    )


@dataclass(frozen=True)
class TieColumns:
    """Many `TieSummary` rows as numpy columns (NaN times for people never met)."""

    first_ts: FloatArray
    last_ts: FloatArray
    count: IntArray
    outbound: IntArray
    inbound: IntArray
    mutual: IntArray
    two_way: IntArray
    weighted_count: FloatArray
    depth: FloatArray
    gave: FloatArray
    asked: FloatArray

    def __len__(self) -> int:
        return int(self.count.shape[0])

    @classmethod
    def from_summaries(cls, summaries: Sequence[TieSummary]) -> TieColumns:
        """Build columns from summaries (handy for tests and small networks)."""

        def floats(values: Iterable[float | None]) -> FloatArray:
            return np.array([math.nan if v is None else v for v in values], dtype=np.float64)

        def ints(values: Iterable[int]) -> IntArray:
            return np.array(list(values), dtype=np.int64)

        return cls(
            first_ts=floats(s.first_ts for s in summaries),
            last_ts=floats(s.last_ts for s in summaries),
            count=ints(s.count for s in summaries),
            outbound=ints(s.outbound for s in summaries),
            inbound=ints(s.inbound for s in summaries),
            mutual=ints(s.mutual for s in summaries),
            two_way=ints(s.two_way for s in summaries),
            weighted_count=floats(s.weighted_count for s in summaries),
            depth=floats(s.depth for s in summaries),
            gave=floats(s.ledger.gave for s in summaries),
            asked=floats(s.ledger.asked for s in summaries),
        )


@dataclass(frozen=True)
class Scores:
    """Tie strength and its components for every row of a `TieColumns`."""

    score: FloatArray
    recency: FloatArray
    frequency: FloatArray
    duration: FloatArray
    reciprocity: FloatArray
    depth: FloatArray
    balance: FloatArray
    former: FloatArray
    """The score the tie had on the day of its last interaction (recency 1)."""
    days_since: FloatArray
    dormant: BoolArray


def score_columns(
    columns: TieColumns, *, as_of_ts: float, dormant_after_days: float = DORMANT_AFTER_DAYS
) -> Scores:
    """Score every tie as of `as_of_ts` (seconds since the epoch), vectorised."""
    met = columns.count > 0
    last = np.where(met, columns.last_ts, as_of_ts)
    first = np.where(met, columns.first_ts, as_of_ts)
    days_since = np.maximum(as_of_ts - last, 0.0) / SECONDS_PER_DAY
    recency = 1.0 / (1.0 + days_since / RECENCY_SCALE_DAYS)
    decayed = np.where(met, columns.weighted_count, 0.0) * 0.5 ** (
        days_since / FREQUENCY_HALF_LIFE_DAYS
    )
    frequency = decayed / (decayed + FREQUENCY_HALF_COUNT)
    span = np.maximum(last - first, 0.0) / SECONDS_PER_DAY
    duration = COMPONENT_FLOOR + (1 - COMPONENT_FLOOR) * span / (span + DURATION_HALF_DAYS)
    outs = (columns.outbound + columns.mutual).astype(np.float64)
    ins = (columns.inbound + columns.mutual).astype(np.float64)
    total = np.maximum(outs + ins, 1.0)
    reciprocity = COMPONENT_FLOOR + (1 - COMPONENT_FLOOR) * 2 * np.minimum(outs, ins) / total
    depth = np.clip(np.where(met, columns.depth, 0.0), 0.05, 1.0)
    # Ledger sums age alike, so their ratio needs no decay.
    gave = np.where(met, columns.gave, 0.0)
    asked = np.where(met, columns.asked, 0.0)
    balance = 0.5 + 0.5 * (gave - asked) / (gave + asked + BALANCE_SMOOTHING)
    balance = np.clip(balance, 0.05, 1.0)
    with np.errstate(divide="ignore"):
        rest = (
            WEIGHT_DURATION * np.log(duration)
            + WEIGHT_RECIPROCITY * np.log(reciprocity)
            + WEIGHT_DEPTH * np.log(depth)
            + WEIGHT_BALANCE * np.log(balance)
        )
        former_frequency = np.where(met, columns.weighted_count, 0.0)
        former_frequency = former_frequency / (former_frequency + FREQUENCY_HALF_COUNT)
        log_score = WEIGHT_RECENCY * np.log(recency) + WEIGHT_FREQUENCY * np.log(frequency) + rest
        log_former = WEIGHT_FREQUENCY * np.log(former_frequency) + rest
    score = np.where(met, np.exp(log_score), 0.0)
    former = np.where(met, np.exp(log_former), 0.0)
    dormant = met & (columns.two_way >= DORMANT_MIN_TWO_WAY) & (days_since >= dormant_after_days)
    return Scores(
        score=score,
        recency=np.where(met, recency, 0.0),
        frequency=frequency,
        duration=np.where(met, duration, 0.0),
        reciprocity=np.where(met, reciprocity, 0.0),
        depth=np.where(met, depth, 0.0),
        balance=np.where(met, balance, 0.5),
        former=former,
        days_since=np.where(met, days_since, np.nan),
        dormant=dormant,
    )


@dataclass(frozen=True, slots=True)
class TieScore:
    """One tie's strength, components, circle-independent flags and raw numbers."""

    score: float
    recency: float
    frequency: float
    duration: float
    reciprocity: float
    depth: float
    balance: float
    former: float
    days_since: float | None
    dormant: bool


def tie_strength(
    summary: TieSummary, *, as_of: dt.datetime, dormant_after_days: float = DORMANT_AFTER_DAYS
) -> TieScore:
    """Score one tie as of `as_of` (see the module docstring for the formula)."""
    scores = score_columns(
        TieColumns.from_summaries([summary]),
        as_of_ts=to_ts(as_of),
        dormant_after_days=dormant_after_days,
    )
    days = float(scores.days_since[0])
    return TieScore(
        score=float(scores.score[0]),
        recency=float(scores.recency[0]),
        frequency=float(scores.frequency[0]),
        duration=float(scores.duration[0]),
        reciprocity=float(scores.reciprocity[0]),
        depth=float(scores.depth[0]),
        balance=float(scores.balance[0]),
        former=float(scores.former[0]),
        days_since=None if math.isnan(days) else days,
        dormant=bool(scores.dormant[0]),
    )


def assign_circles(scores: FloatArray) -> IntArray:
    """Return each person's circle (1-5) by rank of score; nobody with 0 is above 5.

    Ties in score keep their input order, so results are stable.
    """
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.int64)
    ranks[order] = np.arange(len(scores))
    circles = np.searchsorted(np.array(CIRCLE_SIZES), ranks, side="right") + 1
    return np.where(scores > 0, circles, len(CIRCLE_SIZES) + 1).astype(np.int64)


def circle_thresholds(scores: FloatArray) -> list[float]:
    """Return the lowest score inside each of circles 1-4 (0 when a circle is not full)."""
    ordered = np.sort(scores[scores > 0])[::-1]
    return [float(ordered[n - 1]) if len(ordered) >= n else 0.0 for n in CIRCLE_SIZES]


def circles_from_thresholds(scores: FloatArray, thresholds: Sequence[float]) -> IntArray:
    """Return circles (1-5) from scores and stored `circle_thresholds`, without ranking."""
    above = np.zeros(len(scores), dtype=np.int64)
    for limit in thresholds:
        above += scores < limit
    return np.where(scores > 0, 1 + above, len(CIRCLE_SIZES) + 1).astype(np.int64)


CIRCLE_MARGIN: Final = 0.15
"""How far past a circle boundary a score must go to move someone (15% of the boundary)."""


def circles_with_hysteresis(
    scores: FloatArray,
    thresholds: Sequence[float],
    previous: IntArray,
    margin: float = CIRCLE_MARGIN,
) -> IntArray:
    """Return circles (1-5) that move only when the change is real.

    `previous` is each person's last circle (0: never placed, circled afresh). To rise
    above their previous circle, a score must clear the higher circle's boundary raised
    by `margin` (at most halfway to 1); to fall below it, it must drop under their
    circle's boundary lowered by `margin`. In between they stay put: one call that
    nudges a score across a boundary moves nobody, nor does a score wobbling around it
    from day to day.
    """
    fresh = circles_from_thresholds(scores, thresholds)
    # Raised boundaries are harder to clear (circle numbers grow), lowered ones easier.
    # A raised boundary stays halfway below the top score (1), or a tight inner circle
    # (boundary 0.9) could never be joined however close someone became.
    raised = [min(t * (1 + margin), (t + 1) / 2) for t in thresholds]
    strict = circles_from_thresholds(scores, raised)
    lenient = circles_from_thresholds(scores, [t * (1 - margin) for t in thresholds])
    kept = np.where(strict < previous, strict, np.where(lenient > previous, lenient, previous))
    return np.where(previous > 0, kept, fresh).astype(np.int64)


def parse_cadence(raw: str) -> int | None:
    """Parse a cadence ("monthly", "45d", "6w", "3m", "1y", "none") into days or None."""
    text = raw.strip().lower().replace("_", "-").replace(" ", "-")
    if text in {"half-year", "halfyearly", "biannual"}:
        text = "half-yearly"
    if text in CADENCE_NAMES:
        return CADENCE_NAMES[text]
    units = {"d": 1, "w": 7, "m": 30, "y": 365}
    number, unit = text[:-1], text[-1:]
    if unit in units and number.isdigit() and int(number) > 0:
        return int(number) * units[unit]
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise ValueError(
        f"unknown cadence {raw!r}: use {', '.join(CADENCE_NAMES)} or a number of days (45d, 6w, 3m)"
    )


def cadence_label(days: int | None) -> str:
    """Name a cadence in days ("monthly") or say "every N days"."""
    for name, value in CADENCE_NAMES.items():
        if value == days:
            return name
    return f"every {days} days"


@dataclass(frozen=True, slots=True)
class CadenceOverride:
    """A cadence the user set for a person or a tag; `days` None means "never remind"."""

    days: int | None


def cadence_for(
    circle: int,
    *,
    person: CadenceOverride | None = None,
    tags: Sequence[CadenceOverride] = (),
) -> int | None:
    """Return the contact cadence in days (None: no reminders) for one person.

    The person's own override wins; among tag overrides the most frequent cadence
    wins (a tag saying "never" only wins when every tag says so); otherwise the
    circle's default applies.
    """
    if person is not None:
        return person.days
    if tags:
        concrete = [t.days for t in tags if t.days is not None]
        return min(concrete) if concrete else None
    return CIRCLE_CADENCE_DAYS[circle - 1]


def revival_value(*, former: float, field: str, my_field: str, never_asked: bool) -> float:
    """Score in 0..1 how valuable reviving a dormant tie is.

    Formerly strong ties are worth most; a different field than the user's own brings
    new information (half credit when either field is unknown); a tie never asked for
    anything has its full goodwill left.
    """
    if field.strip() and my_field.strip():
        different = 0.0 if field.strip().lower() == my_field.strip().lower() else 1.0
    else:
        different = 0.5
    return (
        REVIVAL_WEIGHT_FORMER * min(max(former, 0.0), 1.0)
        + REVIVAL_WEIGHT_FIELD * different
        + REVIVAL_WEIGHT_NEVER_ASKED * (1.0 if never_asked else 0.0)
    )
