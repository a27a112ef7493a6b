"""Test that breadth measured over columns equals the per-tie reference."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from amity.domain.breadth import Tie, network_breadth
from amity.domain.breadth_columns import TieTable, breadth_of_table

NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
FIELDS = ["Software", " software ", "Design", "", "Law", "Climate", "Music", "Food", "Art"]
FIELDS += [f"Field {i}" for i in range(12)]
CIRCLES = ["inner", "close", "active", "wider", "outer", "dormant", "not yet in touch"]


def random_ties(seed: int, count: int) -> list[Tie]:
    rng = np.random.default_rng(seed)
    ties = []
    for i in range(count):
        strength = float(rng.choice([0.0, round(float(rng.random()), 3)]))
        ties.append(
            Tie(
                person_id=i + 1,
                name=f"Person {int(rng.integers(0, count // 3))}",
                field=FIELDS[int(rng.integers(0, len(FIELDS)))],
                strength=strength,
                circle=CIRCLES[int(rng.integers(0, len(CIRCLES)))],
                last_interaction=None if rng.random() < 0.2 else NOW - dt.timedelta(days=i),
                received=int(rng.integers(0, 4)),
                were_asked=int(rng.integers(0, 4)),
                strong=bool(rng.random() < 0.1) and strength > 0,
            )
        )
    return ties


def table_of(ties: list[Tie]) -> TieTable:
    return TieTable(
        person_id=np.array([t.person_id for t in ties], dtype=np.int64),
        name=[t.name for t in ties],
        field=[t.field for t in ties],
        strength=np.array([t.strength for t in ties], dtype=np.float64),
        circle=[t.circle for t in ties],
        last_interaction=[t.last_interaction for t in ties],
        has_last=np.array([t.last_interaction is not None for t in ties], dtype=bool),
        received=np.array([t.received for t in ties], dtype=np.int64),
        were_asked=np.array([t.were_asked for t in ties], dtype=np.int64),
        strong=np.array([bool(t.strong) for t in ties], dtype=bool),
    )


@pytest.mark.parametrize(("seed", "count", "my_field"), [(1, 400, ""), (2, 50, "Law"), (3, 0, "")])
def test_it_measures_what_the_reference_measures(seed: int, count: int, my_field: str) -> None:
    ties = random_ties(seed, count)
    expected = network_breadth(ties, [], now=NOW, my_field=my_field)
    found = breadth_of_table(table_of(ties), expected.months, my_field=my_field)
    assert found == expected
    if count > 100:
        assert found.givers and found.takers and found.warm_up and len(found.by_field) > 5


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_it_picks_the_warm_up_ties_the_reference_picks_among_many_equals(seed: int) -> None:
    # Few strengths, names and fields: the order within long runs of equal rarity and
    # strength rests on the names (and then on the list's order) alone.
    rng = np.random.default_rng(seed)
    ties = [
        Tie(
            person_id=i + 1,
            name=f"Person {int(rng.integers(0, 40))}",
            field=FIELDS[int(rng.integers(0, 4 + seed))],
            strength=float(rng.choice([0.125, 0.25, 0.5])),
            circle="wider",
            last_interaction=NOW - dt.timedelta(days=i),
            received=0,
            were_asked=0,
            strong=False,
        )
        for i in range(3000)
    ]
    expected = network_breadth(ties, [], now=NOW)
    found = breadth_of_table(table_of(ties), expected.months)
    assert found.warm_up == expected.warm_up and len(found.warm_up) == 8
