"""Give the people list its strength, circle and overdue columns, and sort by them.

The numbers are the ones the person page shows: scored now, circles from the day's
boundaries (`ties.peek_circle_thresholds`, which writes nothing: a list is a read).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from amity.domain import strength
from amity.relationships.scoring import Network, load_network
from amity.relationships.ties import peek_circle_thresholds

SCORE_SORTS = ("strength", "overdue")
"""The list's sorts that need everyone's score, not a column of the people table."""


@dataclass(frozen=True)
class ListScore:
    """One person's numbers for a row of the people list."""

    strength: float
    circle: int
    circle_name: str
    overdue_days: int | None
    """Days past the contact cadence (0 or more), None when not overdue or no cadence."""


def _network(owner: AbstractBaseUser, person_ids: Sequence[int] | None) -> Network:
    as_of, day = timezone.now(), timezone.localdate()
    thresholds = peek_circle_thresholds(owner=owner, day=day, as_of=as_of)
    return load_network(
        owner=owner, as_of=as_of, person_ids=person_ids, thresholds=thresholds, repair=False
    )


def _overdue(network: Network) -> np.ndarray:
    """Return days past each row's cadence; NaN when on time or without a cadence."""
    late = network.scores.days_since - network.cadence
    return np.where(late > 0, late, np.nan)


def list_scores(*, owner: AbstractBaseUser, person_ids: Sequence[int]) -> dict[int, ListScore]:
    """Return the numbers of these people (one page of the list); absent without history."""
    if not person_ids:
        return {}
    network = _network(owner, list(person_ids))
    overdue = _overdue(network)
    found: dict[int, ListScore] = {}
    for row, pk in enumerate(network.ids.tolist()):
        circle = int(network.circles[row])
        late = float(overdue[row])
        found[int(pk)] = ListScore(
            strength=float(network.scores.score[row]),
            circle=circle,
            circle_name=strength.CIRCLE_NAMES[circle - 1],
            overdue_days=None if math.isnan(late) else int(late),
        )
    return found


def order_by_score(*, owner: AbstractBaseUser, person_ids: Sequence[int], key: str) -> list[int]:
    """Return `person_ids` strongest first ("strength") or most overdue first ("overdue").

    People without a history (or not overdue) follow, in the order they were given.
    """
    network = _network(owner, None)
    ids = np.asarray(person_ids, dtype=np.int64)
    rows = network.rows_of(ids)
    values = network.scores.score if key == "strength" else _overdue(network)
    picked = np.where(rows >= 0, values[np.maximum(rows, 0)] if len(values) else 0.0, np.nan)
    # Stable sort on the negated value keeps the given (name) order among equals; NaN last.
    keys = np.where(np.isnan(picked), np.inf, -np.nan_to_num(picked, nan=0.0))
    return ids[np.argsort(keys, kind="stable")].tolist()  # type: ignore[no-any-return]
