"""A small network with everything the reminders draw on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from amity.people import timeline
from tests.histories import with_history
from tests.reminders.servers import Inbox, smtp_server


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Start each test with no kept calendar feed (the cache outlives a test's rollback)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """Run aiosmtpd and point AMITY_EMAIL_URL at it."""
    with smtp_server() as (port, inbox):
        monkeypatch.setenv("AMITY_EMAIL_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("AMITY_BASE_URL", "https://amity.example.org")
        yield inbox


@pytest.fixture
def network(user: Any) -> dict[str, Any]:
    """Give ada close ties with a birthday, a work anniversary and unthanked help."""
    user.email = "ada@example.org"
    user.save()
    grace = with_history(
        user, "Grace Hopper", days_ago=(90, 60, 30, 20), birthday=dt.date(1906, 12, 9)
    )
    alan = with_history(
        user,
        "Alan Turing",
        days_ago=(400, 300, 200),
        company="Bletchley",
        connected_on=dt.date(2015, 6, 23),
        field="cryptography",
    )
    # Importers record job changes in provenance (LinkedIn's "started on").
    alan.provenance = {"company_changed_on": "2020-03-01"}
    alan.save(update_fields=["provenance"])
    katherine = with_history(user, "Katherine Johnson", days_ago=(50, 40), field="astronomy")
    timeline.log_interaction(
        owner=user,
        people=[katherine],
        occurred_at=timezone.now() - dt.timedelta(days=10),
        direction="inbound",
        intent="deposit",
        subtype="help",
        summary="reviewed my draft",
    )
    return {"grace": grace, "alan": alan, "katherine": katherine}
