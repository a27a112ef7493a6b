"""Test the weekly review: its numbers, the web page with its inline chart, the digest section."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.utils import timezone

from amity.cli import call
from amity.network.optin import (
    advance_introduction,
    answer_introduction,
    propose_introduction,
)
from amity.people import timeline
from amity.reminders import review
from tests.histories import with_history


@pytest.fixture
def week(network: Any, user: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Give ada a week with deposits, an ask, a revived tie and a finished introduction."""
    monkeypatch.setenv("AMITY_MY_FIELD", "cryptography")
    now = timezone.now()
    grace, katherine = network["grace"], network["katherine"]
    for days, intent in ((1, "deposit"), (2, "deposit"), (3, "withdrawal")):
        timeline.log_interaction(
            owner=user,
            people=[grace],
            occurred_at=now - dt.timedelta(days=days),
            intent=intent,
            subtype="help" if intent == "deposit" else "favour",
        )
    # Silent for three years (dormant after two), then a call two days ago.
    old = with_history(user, "Old Friend", days_ago=(1500, 1400, 1300), channel="call")
    timeline.log_interaction(
        owner=user, people=[old], occurred_at=now - dt.timedelta(days=2), channel="call"
    )
    intro = propose_introduction(owner=user, a=grace, b=katherine)
    for side in ("", "a", "", "b", ""):  # ask A, A's yes, ask B, B's yes, introduce
        if side:
            intro = answer_introduction(introduction=intro, by=side, agreed=True)
        else:
            intro = advance_introduction(introduction=intro)
    return {"old": old, "intro": intro}


def test_it_counts_the_weeks_deposits_withdrawals_revivals_and_intros(
    week: Any, user: Any, network: Any
) -> None:
    data = review.weekly_review(owner=user, day=timezone.localdate())
    # Two helps, plus whatever the introduction's logged steps count as.
    assert data["withdrawals"] == 1
    assert data["deposits"] >= 2
    assert sum(d["deposits"] for d in data["per_day"]) == data["deposits"]
    assert [r["name"] for r in data["revived"]] == ["Old Friend"]
    assert [i["names"] for i in data["introductions"]] == [["Grace Hopper", "Katherine Johnson"]]
    # Nobody yet is outside ada's field (cryptography: Alan) and untouched this week
    # (the introduction's steps reached Katherine, the astronomer); a new astronomer is.
    assert data["widen"] is None
    with_history(user, "Vera Rubin", days_ago=(400, 200), field="astronomy")
    widen = review.weekly_review(owner=user, day=timezone.localdate())["widen"]
    assert widen["name"] == "Vera Rubin" and "cryptography" in widen["text"]


def test_a_quiet_week_is_empty_and_moves_nobody(network: Any, user: Any) -> None:
    long_ago = timezone.localdate() - dt.timedelta(days=1000)
    data = review.weekly_review(owner=user, day=long_ago)
    assert (data["deposits"], data["withdrawals"], data["revived"]) == (0, 0, [])
    assert data["introductions"] == []


def test_the_review_page_draws_an_inline_chart_without_script(
    week: Any, user: Any, client: Any
) -> None:
    client.force_login(user)
    page = client.get("/review/").content.decode()
    assert "<svg" in page and "<rect" in page
    # Drawn by the server: no inline script or style (the site's one external script,
    # amity.js, only enhances the menu and forms).
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and "style=" not in page
    assert "Old Friend" in page and "Grace Hopper and Katherine Johnson" in page
    reminders = client.get("/reminders/").content.decode()
    assert "/calendar/" in reminders and ".ics" in reminders


def test_the_digest_carries_the_review_when_asked(week: Any) -> None:
    out = io.StringIO()
    call("digest", "--dry-run", "--review", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["review"]["withdrawals"] == 1
    text = io.StringIO()
    call("digest", "--dry-run", "--review", stdout=text)
    assert "Your week" in text.getvalue() and "revived: Old Friend" in text.getvalue()
