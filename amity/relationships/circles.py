"""Remember each person's circle, so circles move only when the change is real.

Every surface (Today, `amity strength`, the person page, the API, insights, the
people list) gets its circles from `scoring.load_network`, which places people with
`strength.circles_with_hysteresis` against the circle they were last placed in,
stored in their summary row (`PersonSummary.circle`). The placement is stored when
the day's circle boundaries are set (`store_circles`, once a day, by Today or the
first surface that needs them), so within a day every surface agrees.
"""

from __future__ import annotations

import numpy as np
from django.contrib.auth.models import AbstractBaseUser

from amity.domain import strength
from amity.domain.strength import IntArray
from amity.relationships.models import PersonSummary

OUTER = len(strength.CIRCLE_NAMES)


def previous_circles(owner: AbstractBaseUser, ids: IntArray) -> IntArray:
    """Return each person's stored circle; 0 for everyone when none was ever stored.

    Only placements are stored: a person without one (new, or never above the outer
    circle) counts as outer once the owner has any, so entering a circle also needs
    the margin.
    """
    stored = dict(
        PersonSummary.objects.filter(owner=owner, circle__gt=0).values_list("person_id", "circle")
    )
    if not stored:
        return np.zeros(len(ids), dtype=np.int64)
    return np.array([stored.get(int(pk), OUTER) for pk in ids.tolist()], dtype=np.int64)


def store_circles(owner: AbstractBaseUser, ids: IntArray, circles: IntArray) -> int:
    """Store the circles of a whole-network load where they changed; return how many."""
    stored = dict(
        PersonSummary.objects.filter(owner=owner, circle__gt=0).values_list("person_id", "circle")
    )
    changed: dict[int, list[int]] = {}
    for pk, circle in zip(ids.tolist(), circles.tolist(), strict=True):
        before = stored.get(pk, OUTER if stored else 0)
        # The outer circle needs no row of its own unless someone is leaving a circle.
        if circle != before and not (circle == OUTER and before == 0):
            changed.setdefault(circle, []).append(pk)
    for circle, people in changed.items():
        for start in range(0, len(people), 500):
            PersonSummary.objects.filter(
                owner=owner, person_id__in=people[start : start + 500]
            ).update(circle=circle)
    return sum(map(len, changed.values()))
