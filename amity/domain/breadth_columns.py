"""Measure a network's breadth over columns: what `breadth.network_breadth` measures.

A hundred thousand `Tie` objects, each asked for its field, strength and circle
several times, took seconds of Python; here each column is one array (or list) and
every per-field and per-circle number is one numpy pass. Tests compare the result
with `network_breadth` on the same ties.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from amity.domain.breadth import (
    CIRCLE_ORDER,
    DORMANT_DAYS,
    UNKNOWN_FIELD,
    Breadth,
    GroupStat,
    MonthPoint,
    PersonCount,
    WarmUp,
    _fold_fields,
    narrowness,
)


@dataclass(frozen=True)
class TieTable:
    """Every person of a network as columns of equal length (see breadth.Tie)."""

    person_id: npt.NDArray[np.int64]
    name: list[str]
    field: list[str]
    strength: npt.NDArray[np.float64]
    circle: list[str]
    last_interaction: Sequence[dt.datetime | None]
    """Read only for the few people picked to warm up."""
    has_last: npt.NDArray[np.bool_]
    received: npt.NDArray[np.int64]
    were_asked: npt.NDArray[np.int64]
    strong: npt.NDArray[np.bool_]


def _codes(values: list[str]) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Return codes and labels, labels in order of first appearance."""
    # dict.fromkeys keeps first appearances in order, and both passes run in C.
    labels = list(dict.fromkeys(values))
    index = {label: code for code, label in enumerate(labels)}
    codes = np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))
    return codes, labels


def _recode(
    codes: npt.NDArray[np.int64], labels: list[str], key: object
) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Map labels through `key` (merging equal results), keeping first-appearance order."""
    merged: dict[str, int] = {}
    mapping = np.array(
        [merged.setdefault(key(label), len(merged)) for label in labels],  # type: ignore[operator]
        dtype=np.int64,
    )
    return (mapping[codes] if len(labels) else codes), list(merged)


def _groups(
    codes: npt.NDArray[np.int64], labels: list[str], t: TieTable, order: tuple[str, ...] = ()
) -> list[GroupStat]:
    n = len(labels)
    weak = (t.strength > 0) & ~t.strong
    people = np.bincount(codes, minlength=n).tolist()
    strength = np.bincount(codes, weights=t.strength, minlength=n).tolist()
    strong = np.bincount(codes, weights=t.strong, minlength=n).astype(int).tolist()
    weak_count = np.bincount(codes, weights=weak, minlength=n).astype(int).tolist()
    rank = {name: i for i, name in enumerate(order)}
    present = [i for i in range(n) if people[i]]
    present.sort(key=lambda i: (rank.get(labels[i], len(order)), -people[i], labels[i]))
    return [
        GroupStat(labels[i], people[i], round(strength[i], 3), strong[i], weak_count[i])
        for i in present
    ]


def _counts(t: TieTable, theirs: npt.NDArray[np.int64], top: int) -> list[PersonCount]:
    """Return the `top` people by how far `theirs` exceeds the other side, then by name."""
    gap = theirs - (t.were_asked if theirs is t.received else t.received)
    candidates = np.flatnonzero(gap > 0)
    if len(candidates) > top:
        # Only a gap as large as the top-th largest can be among the first `top`; the
        # rest (tens of thousands of small gaps) need no sorting by name.
        least = np.partition(gap[candidates], len(candidates) - top)[len(candidates) - top]
        candidates = candidates[gap[candidates] >= least]
    rows = candidates.tolist()
    rows.sort(key=lambda i: (-int(gap[i]), t.name[i]))
    return [
        PersonCount(
            int(t.person_id[i]), t.name[i], t.field[i], int(t.received[i]), int(t.were_asked[i])
        )
        for i in rows[:top]
    ]


def _reachable(
    codes: npt.NDArray[np.int64],
    rarity: npt.NDArray[np.int64],
    minus: npt.NDArray[np.float64],
    *,
    fields: int,
    rows: int,
) -> npt.NDArray[np.bool_]:
    """Return which rows, sorted by (rarity, minus), the picking of warm-up ties can reach.

    Names order the rows only within a group of equal (rarity, minus). The picking takes
    the first row of each code (field) until it has `fields` of them, then fills from
    the first `rows` rows: whatever the names, those lie in the leading groups and in
    the groups where a code first appears, up to the group of the `fields`-th code.
    """
    count = len(codes)
    if not count:
        return np.zeros(0, dtype=bool)
    new = np.ones(count, dtype=bool)
    new[1:] = (rarity[1:] != rarity[:-1]) | (minus[1:] != minus[:-1])
    group = np.cumsum(new) - 1
    _, firsts = np.unique(codes, return_index=True)
    # Every group up to the `fields`-th code's first, that holds some code's first row.
    wanted = np.sort(group[firsts])[:fields]
    reach: npt.NDArray[np.bool_] = (group <= group[min(rows, count) - 1]) | np.isin(group, wanted)
    return reach


def _warm_up(
    t: TieTable, codes: npt.NDArray[np.int64], lowered: list[str], mine: str, limit: int = 8
) -> list[WarmUp]:
    """Pick weak ties outside the user's field, rarest fields first (see breadth.warm_up)."""
    size = np.bincount(codes, minlength=len(lowered))
    known = np.array([label != "" for label in lowered], dtype=bool)
    other = np.array([label not in ("", mine) for label in lowered], dtype=bool)
    weak = (
        np.flatnonzero(other[codes] & t.has_last & (t.strength > 0) & ~t.strong)
        if len(lowered)
        else np.zeros(0, dtype=np.int64)
    )
    per_field = np.where(known, size, 0)
    # Rarest field first, then strongest, then by name: sort by the numbers first and
    # name only the rows the picking below can reach (an array of tens of thousands of
    # names, to sort them all, cost more than the rest of insights' columns).
    rarity, minus = per_field[codes[weak]], -t.strength[weak]
    order = np.lexsort((minus, rarity))  # stable: equal rows keep the people list's order
    weak, rarity, minus = weak[order], rarity[order], minus[order]
    reach = _reachable(codes[weak], rarity, minus, fields=limit, rows=limit * 2)
    weak, rarity, minus = weak[reach], rarity[reach], minus[reach]
    names = np.array([t.name[i] for i in weak.tolist()], dtype=str)
    ordered = weak[np.lexsort((names, minus, rarity))].tolist()
    picked: list[int] = []
    used: set[int] = set()
    for row in ordered:
        if codes[row] not in used:
            picked.append(row)
            used.add(int(codes[row]))
        if len(picked) >= limit:
            break
    chosen = set(picked)
    picked.extend(row for row in ordered[: limit * 2] if row not in chosen)
    result = []
    for row in picked[:limit]:
        count = int(per_field[codes[row]])
        others = "the only one" if count == 1 else f"one of {count}"
        result.append(
            WarmUp(
                int(t.person_id[row]),
                t.name[row],
                t.field[row],
                float(t.strength[row]),
                t.last_interaction[row],
                f"weak tie in {t.field[row]} ({others} in that field)",
            )
        )
    return result


def _my_field(
    stripped: npt.NDArray[np.int64], labels: list[str], configured: str
) -> tuple[str, str]:
    """Return the user's field and its source, as breadth.pick_my_field decides them."""
    if configured.strip():
        return configured.strip(), "AMITY_MY_FIELD"
    counts = Counter(
        {
            label: int(n)
            for label, n in zip(labels, np.bincount(stripped, minlength=len(labels)), strict=True)
            if label
        }
    )
    if not counts:
        return "", "unknown (no one has a field yet)"
    return counts.most_common(1)[0][0], "the most common field in your network"


def breadth_of_table(
    t: TieTable,
    months: list[MonthPoint],
    *,
    my_field: str = "",
    top: int = 5,
    dormant_days: int = DORMANT_DAYS,
) -> Breadth:
    """Measure the network as `breadth.network_breadth` does, over columns."""
    raw, raw_labels = _codes(t.field)
    stripped, stripped_labels = _recode(raw, raw_labels, str.strip)
    field_name, source = _my_field(stripped, stripped_labels, my_field)
    named, named_labels = _recode(raw, raw_labels, lambda f: f.strip() or UNKNOWN_FIELD)
    lowered_codes, lowered = _recode(raw, raw_labels, lambda f: f.strip().lower())
    mine = field_name.lower()
    own_rows = (
        np.array([label == mine for label in lowered], dtype=bool)[lowered_codes]
        if mine and lowered
        else np.zeros(len(raw), dtype=bool)
    )
    strengths = t.strength.tolist()
    total_strength = sum(strengths)
    circle_codes, circle_labels = _codes(t.circle)
    people = len(t.name)
    result = Breadth(
        people=people,
        my_field=field_name,
        my_field_source=source,
        by_field=_fold_fields(_groups(named, named_labels, t)),
        by_circle=_groups(circle_codes, circle_labels, t, CIRCLE_ORDER),
        own_field_people_share=round(int(own_rows.sum()) / people, 3) if people else 0.0,
        own_field_strength_share=(
            round(sum(t.strength[own_rows].tolist()) / total_strength, 3) if total_strength else 0.0
        ),
        strong_ties=int(t.strong.sum()),
        weak_ties=int(((t.strength > 0) & ~t.strong).sum()),
        no_ties=int((t.strength <= 0).sum()),
        givers=_counts(t, t.received, top),
        takers=_counts(t, t.were_asked, top),
        months=months,
        suggestions=[],
        warm_up=_warm_up(t, lowered_codes, lowered, mine),
        dormant_days=dormant_days,
    )
    result.suggestions.extend(narrowness(result))
    return result
