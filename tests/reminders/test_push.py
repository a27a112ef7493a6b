"""Test the daily push through Apprise to a local HTTP endpoint (a json:// target)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from amity.cli import call
from amity.reminders import delivery, preferences
from tests.reminders.servers import webhook_server


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Run the endpoint and point AMITY_NOTIFY_URLS at it."""
    with webhook_server() as (port, bodies):
        monkeypatch.setenv("AMITY_NOTIFY_URLS", f"json://127.0.0.1:{port}/push")
        monkeypatch.setenv("AMITY_BASE_URL", "https://amity.example.org")
        yield bodies


def evening(days: int = 0) -> dt.datetime:
    day = timezone.now().date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(20), tzinfo=dt.UTC)


def test_it_pushes_one_short_message_a_day_with_a_deep_link(
    network: Any, user: Any, hook: list[dict[str, Any]]
) -> None:
    [sent] = delivery.send_due(now=evening())
    assert (sent.channel, sent.ok) == ("push", True)
    [body] = hook
    assert body["title"] == "Amity: today"
    assert body["message"].startswith("Reach out to ")
    assert "1 to thank" in body["message"]
    assert body["message"].endswith("https://amity.example.org/")
    assert len(body["message"]) < 300
    assert delivery.send_due(now=evening() + dt.timedelta(minutes=15)) == []
    assert len(hook) == 1
    delivery.send_due(now=evening(1))
    assert len(hook) == 2


def test_opting_out_of_push_stops_it(network: Any, user: Any, hook: list[dict[str, Any]]) -> None:
    call("reminders", "--push", "off", stdout=io.StringIO())
    assert delivery.send_due(now=evening()) == []
    assert hook == []


def test_the_shared_urls_reach_the_first_user_only(
    network: Any, user: Any, other_user: Any, hook: list[dict[str, Any]]
) -> None:
    sent = delivery.send_due(now=evening())
    assert [s.user for s in sent] == ["ada"]
    assert len(hook) == 1
    # Bob may name his own target; then he gets his own list, and only there.
    with webhook_server() as (port, bobs):
        preferences.update_profile(owner=other_user, notify_urls=f"json://127.0.0.1:{port}/")
        [bob] = delivery.send_due(now=evening())
        assert bob.user == "bob"
        assert len(bobs) == 1 and "Grace Hopper" not in bobs[0]["message"]
    assert len(hook) == 1
