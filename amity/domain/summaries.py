"""Summarise many people's interactions at once with numpy (bulk imports, rebuilds).

`summarize_many` gives exactly what `strength.summarize` gives person by person (the
readable reference, which tests compare it against), but over columns: a two-million
row import is summarised in seconds instead of minutes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from amity.domain.ledger import (
    DEPOSIT_WEIGHTS,
    HELP_SUBTYPES,
    LEDGER_HALF_LIFE_DAYS,
    SECONDS_PER_DAY,
    THANKS_SUBTYPES,
    UNSPECIFIED_WEIGHT,
    WITHDRAWAL_WEIGHTS,
    LedgerTotals,
)
from amity.domain.strength import (
    CHANNEL_DEPTH,
    CONVERSATION_CHANNELS,
    FREQUENCY_HALF_LIFE_DAYS,
    IntArray,
    TieSummary,
    from_ts,
)

DEFAULT_DEPTH = 0.35
NEVER_BEFORE = np.iinfo(np.int64).min
"""The start of a quiet spell before a person's first interaction."""
NEVER_AFTER = np.iinfo(np.int64).max
"""The end of a quiet spell after a person's last interaction."""


@dataclass(frozen=True)
class Coded:
    """A column of strings as small integer codes into `labels` (fast for millions).

    Labels may repeat: columns naming parts of one coded whole (an event's kind) share
    its codes, each with its own label per code.
    """

    codes: IntArray
    labels: tuple[str, ...]

    @staticmethod
    def of(values: Sequence[str] | Coded) -> Coded:
        """Return `values` coded (each distinct string gets the next code)."""
        if isinstance(values, Coded):
            return values
        table: dict[str, int] = {}
        codes = [table.setdefault(v, len(table)) for v in values]
        return Coded(np.array(codes, dtype=np.int64), tuple(table))

    def where(self, test: Callable[[str], bool]) -> npt.NDArray[np.bool_]:
        """Return a mask of the rows whose label passes `test` (decided once per label)."""
        per_label = np.array([bool(test(label)) for label in self.labels], dtype=bool)
        return per_label[self.codes] if len(self.labels) else np.zeros(len(self.codes), bool)

    def mapped(self, table: dict[str, float], default: float) -> npt.NDArray[np.float64]:
        """Return each row's number from `table` (default for labels not in it)."""
        per_label = np.array([table.get(label, default) for label in self.labels], dtype=float)
        return per_label[self.codes] if len(self.labels) else np.zeros(len(self.codes))


@dataclass(frozen=True)
class EventColumns:
    """Interactions as columns: whose (a group index), when, and what kind.

    The kind columns are lists of strings or `Coded` columns (a bulk reader codes
    them as it reads, sparing millions of string comparisons).
    """

    group: IntArray
    ts: npt.NDArray[np.float64]
    channel: Sequence[str] | Coded
    direction: Sequence[str] | Coded
    intent: Sequence[str] | Coded
    subtype: Sequence[str] | Coded


def _last_per_group(mask: npt.NDArray[np.bool_], group: IntArray) -> tuple[IntArray, IntArray]:
    """Return (groups, row) of the last masked row of each group (rows sorted by time)."""
    rows = np.flatnonzero(mask)
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    groups = group[rows]
    last = np.r_[groups[1:] != groups[:-1], True]
    return groups[last], rows[last]


def _sorted_codes(
    column: Sequence[str] | Coded, order: IntArray, done: dict[int, tuple[IntArray, IntArray]]
) -> Coded:
    """Return `column` coded and put in `order`.

    Columns sharing one codes array (a reader coding whole kinds, each column
    naming its part of every kind) are put in order once: `done` remembers them,
    holding each original so that its id cannot pass to a newer array.
    """
    coded = Coded.of(column)
    key = id(coded.codes)
    if key not in done:
        done[key] = (coded.codes, coded.codes[order])
    return Coded(done[key][1], coded.labels)


def quiet_gap(days: int) -> int:
    """Return `days` in microseconds, the unit of quiet spells."""
    return days * 86_400 * 1_000_000


def quiet_spells_of(times: Sequence[int], gap: int) -> list[tuple[int, int]]:
    """Return the quiet spells of one person's interactions, `times` in microseconds.

    A spell (a, b) is two interactions in a row more than `gap` apart, or
    (NEVER_BEFORE, first) and (last, NEVER_AFTER): at a moment `end` the person had
    no interaction in [end - gap, end] exactly when a < end - gap and end < b for
    one of their spells, whatever longer gap is asked about later.
    """
    ordered = sorted(times)
    if not ordered:
        return []
    inner = [(a, b) for a, b in zip(ordered, ordered[1:], strict=False) if b - a > gap]
    return [(NEVER_BEFORE, ordered[0]), *inner, (ordered[-1], NEVER_AFTER)]


def pack_spells(spells: Sequence[tuple[int, int]]) -> bytes:
    """Return spells as little-endian int64 pairs, as `quiet_spells` packs them."""
    return np.array(spells, dtype="<i8").reshape(-1, 2).tobytes()


def unpack_spells(blob: bytes) -> npt.NDArray[np.int64]:
    """Return packed spells (one or many people's, joined) as an (n, 2) array."""
    return np.frombuffer(blob, dtype="<i8").reshape(-1, 2).astype(np.int64)


def quiet_spells(
    group: IntArray, ts: npt.NDArray[np.float64], groups: int, gap: int
) -> npt.NDArray[np.object_]:
    """Return each group's `quiet_spells_of`, packed, from rows sorted by group and time.

    `ts` are seconds that were whole microseconds divided by a million (correctly
    rounded), so rounding them back is exact; only the few rows that begin or end a
    spell are turned back, not millions of times.
    """
    spells = np.full(groups, b"", dtype=object)
    if not len(group):
        return spells

    def micros(rows: IntArray) -> IntArray:
        return np.rint(ts[rows] * 1e6).astype(np.int64)

    edge = np.flatnonzero(group[1:] != group[:-1])
    firsts, lasts = np.r_[0, edge + 1], np.r_[edge, len(group) - 1]
    # Gaps near `gap` in seconds (within a float's error), then exactly in microseconds.
    near = np.flatnonzero(np.diff(ts) > (gap - 2) / 1e6) + 1
    near = near[group[near] == group[near - 1]]
    inner = near[micros(near) - micros(near - 1) > gap]
    who, inner_group = group[firsts], group[inner]
    # Each group's spells in time order: the leading one, those between, the trailing one.
    size = np.bincount(inner_group, minlength=groups)
    size[who] += 2
    start = np.cumsum(size) - size
    pairs = np.empty((int(size.sum()), 2), dtype="<i8")
    pairs[start[who], 0], pairs[start[who], 1] = NEVER_BEFORE, micros(firsts)
    trailing = start[who] + size[who] - 1
    pairs[trailing, 0], pairs[trailing, 1] = micros(lasts), NEVER_AFTER
    # Rows are sorted by group: an inner spell's rank within its group by a search.
    rank = np.arange(len(inner)) - np.searchsorted(inner_group, inner_group)
    between = start[inner_group] + 1 + rank
    pairs[between, 0], pairs[between, 1] = micros(inner - 1), micros(inner)
    flat = pairs.tobytes()
    bounds = (np.r_[0, np.cumsum(size)] * 16).tolist()
    spells[:] = [flat[low:high] for low, high in zip(bounds[:-1], bounds[1:], strict=True)]
    return spells


def summarize_columns(
    events: EventColumns, groups: int, *, quiet_gap: int | None = None
) -> dict[str, npt.NDArray[Any]]:
    """Return every TieSummary field as one array over groups 0..groups-1.

    Keys are TieSummary's fields with the ledger's spelled out (gave, received, asked,
    were_asked and their *_count); times of groups without the event are NaN and
    `last_received_subtype` is an object array of strings ("" for none). With
    `quiet_gap` (microseconds), "quiet_spells" holds each group's packed spells.
    """
    # long because: one vectorised pass computes every column of every summary
    # from the same sorted arrays; split, each part would re-sort or pass them all around.
    order = np.lexsort((events.ts, events.group))
    g = events.group[order]
    t = events.ts[order]
    done: dict[int, tuple[IntArray, IntArray]] = {}
    channel = _sorted_codes(events.channel, order, done)
    direction = _sorted_codes(events.direction, order, done)
    intent = _sorted_codes(events.intent, order, done)
    subtype = _sorted_codes(events.subtype, order, done)

    def count(mask: npt.NDArray[np.bool_]) -> IntArray:
        return np.bincount(g[mask], minlength=groups).astype(np.int64)

    def total(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.bincount(g, weights=values, minlength=groups).astype(np.float64)

    out: dict[str, npt.NDArray[Any]] = {"count": np.bincount(g, minlength=groups)}
    first_ts = np.full(groups, math.nan)
    last_ts = np.full(groups, math.nan)
    if len(g):
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        ends = np.r_[starts[1:], len(g)] - 1
        first_ts[g[starts]] = t[starts]
        last_ts[g[ends]] = t[ends]
    out["first_ts"], out["last_ts"] = first_ts, last_ts
    age_days = (last_ts[g] - t) / SECONDS_PER_DAY
    outbound = direction.where(lambda d: d == "outbound")
    inbound = direction.where(lambda d: d == "inbound")
    mutual = direction.where(lambda d: d == "mutual")
    talk = channel.where(lambda c: c in CONVERSATION_CHANNELS)
    out["outbound"], out["inbound"], out["mutual"] = count(outbound), count(inbound), count(mutual)
    out["two_way"] = count(talk | mutual) + np.minimum(
        count(outbound & ~talk), count(inbound & ~talk)
    )
    weights: npt.NDArray[np.float64] = 0.5 ** (age_days / FREQUENCY_HALF_LIFE_DAYS)
    out["weighted_count"] = weighted = total(weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        depths = channel.mapped(CHANNEL_DEPTH, DEFAULT_DEPTH)
        out["depth"] = total(np.multiply(weights, depths)) / weighted
    deposit = intent.where(lambda i: i == "deposit")
    withdrawal = intent.where(lambda i: i == "withdrawal")
    entry = np.where(
        deposit,
        subtype.mapped(DEPOSIT_WEIGHTS, UNSPECIFIED_WEIGHT),
        np.where(withdrawal, subtype.mapped(WITHDRAWAL_WEIGHTS, UNSPECIFIED_WEIGHT), 0.0),
    ) * 0.5 ** (age_days / LEDGER_HALF_LIFE_DAYS)
    mine = outbound | mutual
    theirs = inbound | mutual
    sides = {
        "gave": deposit & mine,
        "received": deposit & theirs,
        "asked": withdrawal & mine,
        "were_asked": withdrawal & theirs,
    }
    for name, mask in sides.items():
        out[name] = total(entry * mask)
        out[f"{name}_count"] = count(mask)
    helped = deposit & theirs & subtype.where(lambda s: s in HELP_SUBTYPES)
    received_groups, received_rows = _last_per_group(helped, g)
    out["last_received_ts"] = np.full(groups, math.nan)
    out["last_received_ts"][received_groups] = t[received_rows]
    labels = np.array([*subtype.labels, ""], dtype=object)
    out["last_received_subtype"] = np.full(groups, "", dtype=object)
    out["last_received_subtype"][received_groups] = labels[subtype.codes[received_rows]]
    thanked = deposit & ~inbound & subtype.where(lambda s: s in THANKS_SUBTYPES)
    thanked_groups, thanked_rows = _last_per_group(thanked, g)
    out["last_thanked_ts"] = np.full(groups, math.nan)
    out["last_thanked_ts"][thanked_groups] = t[thanked_rows]
    if quiet_gap is not None:
        out["quiet_spells"] = quiet_spells(g, t, groups, quiet_gap)
    return out


def _optional(value: float) -> float | None:
    return None if math.isnan(value) else value


def summarize_many(events: EventColumns, groups: int) -> list[TieSummary]:
    """Return one `TieSummary` per group index 0..groups-1 (empty for no events)."""
    c = {name: values.tolist() for name, values in summarize_columns(events, groups).items()}
    result = []
    for i in range(groups):
        if c["count"][i] == 0:
            result.append(TieSummary())
            continue
        result.append(
            TieSummary(
                first_ts=c["first_ts"][i],
                last_ts=c["last_ts"][i],
                count=c["count"][i],
                outbound=c["outbound"][i],
                inbound=c["inbound"][i],
                mutual=c["mutual"][i],
                two_way=c["two_way"][i],
                weighted_count=c["weighted_count"][i],
                depth=c["depth"][i],
                ledger=LedgerTotals(
                    gave=c["gave"][i],
                    received=c["received"][i],
                    asked=c["asked"][i],
                    were_asked=c["were_asked"][i],
                    gave_count=c["gave_count"][i],
                    received_count=c["received_count"][i],
                    asked_count=c["asked_count"][i],
                    were_asked_count=c["were_asked_count"][i],
                    anchor=from_ts(c["last_ts"][i]),
                ),
                last_received_ts=_optional(c["last_received_ts"][i]),
                last_received_subtype=c["last_received_subtype"][i],
                last_thanked_ts=_optional(c["last_thanked_ts"][i]),
            )
        )
    return result
