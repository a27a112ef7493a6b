"""Circles move only when a score clears a boundary by a margin (hysteresis)."""

from __future__ import annotations

import numpy as np

from amity.domain.strength import (
    CIRCLE_MARGIN,
    circles_from_thresholds,
    circles_with_hysteresis,
)

# Lowest score inside circles 1-4.
THRESHOLDS = [0.8, 0.6, 0.4, 0.2]


def _raised(boundary: float) -> float:
    """Return the score that clears `boundary` upwards: the margin, at most halfway to 1."""
    return min(boundary * (1 + CIRCLE_MARGIN), (boundary + 1) / 2)


def _place(score: float, previous: int) -> int:
    return int(
        circles_with_hysteresis(
            np.array([score]), THRESHOLDS, np.array([previous], dtype=np.int64)
        )[0]
    )


def test_never_placed_people_are_circled_by_the_boundaries_alone() -> None:
    scores = np.array([0.9, 0.81, 0.7, 0.5, 0.3, 0.1, 0.0])
    fresh = circles_with_hysteresis(scores, THRESHOLDS, np.zeros(7, dtype=np.int64))
    assert fresh.tolist() == circles_from_thresholds(scores, THRESHOLDS).tolist()
    assert fresh.tolist() == [1, 1, 2, 3, 4, 5, 5]


def test_crossing_a_boundary_by_less_than_the_margin_moves_nobody() -> None:
    # Just above the inner boundary: still close, as before.
    assert _place(_raised(0.8) - 0.001, previous=2) == 2
    # Just below the close boundary: still close.
    assert _place(0.6 * (1 - CIRCLE_MARGIN) + 0.001, previous=2) == 2


def test_a_real_change_moves_people_up_and_down() -> None:
    assert _place(_raised(0.8) + 0.001, previous=2) == 1
    assert _place(0.6 * (1 - CIRCLE_MARGIN) - 0.001, previous=2) == 3
    # A big jump crosses several circles at once.
    assert _place(0.99, previous=5) == 1
    assert _place(0.05, previous=1) == 5


def test_nobody_without_a_score_stays_in_a_circle() -> None:
    assert _place(0.0, previous=1) == 5


def test_the_margin_is_symmetric_so_a_wobbling_score_stays_put() -> None:
    # A score going up and down around 0.6 day after day keeps its circle either way.
    for score in (0.58, 0.63, 0.55, 0.66, 0.6):
        assert _place(score, previous=2) == 2
        assert _place(score, previous=3) == 3


def test_a_tight_inner_circle_can_still_be_joined() -> None:
    # Boundary 0.9: 15% above it is out of reach (1.035), so the bar is halfway to 1.
    tight = [0.9, 0.6, 0.4, 0.2]
    placed = circles_with_hysteresis(np.array([0.96, 0.93]), tight, np.array([2, 2]))
    assert placed.tolist() == [1, 2]
