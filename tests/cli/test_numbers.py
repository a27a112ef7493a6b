"""Text output rounds numbers (one decimal, strength out of 100); JSON keeps them whole."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from amity.domain.display import one_decimal, points
from amity.people import services, timeline

pytestmark = pytest.mark.storage


@pytest.fixture
def grace(user: Any) -> Any:
    """Grace, helped three times over a year and asked once (fractional, decayed totals)."""
    person = services.create_person(owner=user, full_name="Grace Hopper")
    now = timezone.now()
    for days, subtype in ((300, "help"), (170, "intro"), (40, "help"), (9, "favor")):
        timeline.log_interaction(
            owner=user,
            people=[person],
            channel="call",
            direction="outbound",
            subtype=subtype,
            occurred_at=now - dt.timedelta(days=days),
        )
    return person


def test_one_decimal_and_points() -> None:
    assert [one_decimal(v) for v in (3.665, 8.8, 9.0, 0.04, -0.04, None)] == [
        "3.7", "8.8", "9", "0", "0", "-",
    ]  # fmt: skip
    assert [points(v) for v in (0.7349, 0.0, 1.0, None)] == ["73", "0", "100", "-"]


def test_balance_text_rounds_and_json_keeps_precision(run: Any, run_json: Any, grace: Any) -> None:
    data = run_json("balance", "Grace Hopper")
    assert data["ratio"] is not None and data["ratio"] != round(data["ratio"], 1)
    text = run("balance", "Grace Hopper")
    assert f"ratio {one_decimal(data['ratio'])} " in text
    # No number in the text carries more than one decimal.
    assert not re.search(r"\d\.\d\d", text), text


def test_strength_text_shows_whole_points(run: Any, run_json: Any, grace: Any) -> None:
    row = run_json("strength")["people"][0]
    assert 0 < row["score"] < 1
    text = run("strength")
    # The narrow test console wraps the name; the score sits in its own column.
    assert re.search(rf"│\s+{points(row['score'])} │", text), text
    assert not re.search(r"\d\.\d", text.split("Strength and")[0]), text
    assert "out of 100" in text
