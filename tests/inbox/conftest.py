"""Fixtures for the inbox tests: people with history, inbound messages, clients."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from amity.cli import call
from amity.people import timeline
from amity.people.models import Interaction, Person
from tests.api.conftest import token_client
from tests.web.conftest import FormClient


def inbound(
    owner: Any,
    person: Person,
    text: str,
    *,
    days_ago: float = 1,
    source: str = "mbox",
    external_id: str = "",
) -> Interaction:
    """Record one imported inbound message from `person`."""
    return timeline.log_interaction(
        owner=owner,
        people=[person],
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        channel="email",
        direction="inbound",
        summary=text[:60],
        content=text,
        source=source,
        external_id=external_id,
    )


def history(owner: Any, person: Person, **kinds: int) -> None:
    """Log past interactions with `person`: e.g. gave=3 (my deposits), asked=2."""
    plan = {
        "gave": ("outbound", "help"),
        "asked": ("outbound", "referral"),
        "received": ("inbound", "help"),
        "were_asked": ("inbound", "favour"),
        "met": ("mutual", ""),
    }
    day = 10
    for kind, count in kinds.items():
        direction, subtype = plan[kind]
        for _ in range(count):
            day += 9
            timeline.log_interaction(
                owner=owner,
                people=[person],
                occurred_at=timezone.now() - dt.timedelta(days=day),
                channel="call" if direction == "mutual" else "email",
                direction=direction,
                subtype=subtype,
                summary=f"{kind} #{day}",
            )


@pytest.fixture
def run(user: Any) -> Callable[..., str]:
    """Return a function that runs `amity ARGS...` as "ada" and returns its stdout."""

    def run(*args: str) -> str:
        out = io.StringIO()
        call(*args, stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def run_json(run: Callable[..., str]) -> Callable[..., Any]:
    """Return a function that runs a verb with --json and parses its output."""
    return lambda *args: json.loads(run(*args, "--json"))


@pytest.fixture
def api(user: Any) -> Any:
    """Return an API client authenticated as ada by token."""
    return token_client(user)


@pytest.fixture
def other_api(other_user: Any) -> Any:
    """Return an API client authenticated as bob by token."""
    return token_client(other_user)


@pytest.fixture
def web(user: Any) -> FormClient:
    """Return a CSRF-enforcing web client signed in as ada."""
    client = FormClient()
    client.force_login(user)
    return client
