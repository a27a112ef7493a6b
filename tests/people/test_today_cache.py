"""Test `amity today`'s Django-free answer: served only while nothing has changed."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from amity.cli import call
from amity.network import services as network
from amity.people import services, timeline
from amity.relationships import today_cache
from amity.relationships.models import DailyPick
from tests.histories import with_history


@pytest.fixture
def connect(transactional_db: None) -> Callable[[], sqlite3.Connection]:
    """Open the test database the way the fast path opens a real one (SQLite only)."""
    if connection.vendor != "sqlite":
        pytest.skip("the Django-free path reads SQLite only")
    name = str(connection.settings_dict["NAME"])
    return lambda: sqlite3.connect(name, uri=name.startswith("file:"))


def _network(owner: Any) -> list[Any]:
    """Return a few people with real, quiet histories, so Today has picks."""
    names = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Mary Somerville"]
    return [
        with_history(
            owner, name, days_ago=(400, 300, 200, 100 + n), channel="call", interests=["compilers"]
        )
        for n, name in enumerate(names)
    ]


def _django(*args: str) -> str:
    out = io.StringIO()
    call("today", *args, stdout=out)
    return out.getvalue()


def _fast(connect: Callable[[], sqlite3.Connection], *args: str) -> str | None:
    out = io.StringIO()
    return out.getvalue() if today_cache.answer(list(args), out, connect=connect) else None


def test_it_prints_the_stored_answer_exactly_as_the_command_would(user: Any, connect: Any) -> None:
    _network(user)
    assert _fast(connect, "--json") is None  # nothing stored yet
    first = json.loads(_django("--json"))
    assert not first["cached"] and first["items"]
    cached = _django("--json")
    assert json.loads(cached)["cached"]
    assert _fast(connect, "--json") == cached
    assert _fast(connect) == _django()  # the text form, too
    assert "why:" in (_fast(connect) or "")


@pytest.mark.parametrize(
    "change",
    [
        "log",
        "snooze",
        "done",
        "edit",
        "delete",
        "cadence",
        "reading",
        "referral",
    ],
)
def test_any_change_sends_it_back_to_the_full_command(user: Any, connect: Any, change: str) -> None:
    people = _network(user)
    _django("--json")
    assert _fast(connect, "--json") is not None
    picked = DailyPick.objects.filter(owner=user).order_by("rank").first()
    assert picked is not None
    who = picked.person
    if change == "log":
        timeline.log_interaction(owner=user, people=[people[0]], summary="Coffee")
    elif change == "snooze":
        call("snooze", str(who.pk), "30d", stdout=io.StringIO())
    elif change == "done":
        call("done", str(who.pk), stdout=io.StringIO())
    elif change == "edit":
        services.update_person(person=people[1], company="Analytical Engines")
    elif change == "delete":
        services.delete_person(person=people[2])
    elif change == "cadence":
        from amity.relationships import scoring as relationships

        relationships.set_cadence(owner=user, days=7, person=people[3])
    elif change == "reading":
        network.save_reading(owner=user, text="A note on compilers and their history")
    elif change == "referral":
        network.add_referrals(owner=user, referrer=people[0], people=[people[1]])
    assert _fast(connect, "--json") is None
    answer = json.loads(_django("--json"))
    assert json.loads(_fast(connect, "--json") or "{}") == {**answer, "cached": True}
    if change == "done":
        assert any(item["done"] for item in answer["items"])


def test_it_declines_what_it_cannot_answer(user: Any, other_user: Any, connect: Any) -> None:
    _network(user)
    _django("--json")
    assert _fast(connect, "--json", "--limit", "3") is None  # stored for 5, not 3
    _django("--json", "--limit", "3")
    assert _fast(connect, "--json", "--limit", "3") is not None
    assert _fast(connect, "--json") is None  # now stored for 3
    for argv in (["--help"], ["--traceback"], ["--limit", "0"], ["--limit", "x"], ["extra"]):
        assert _fast(connect, *argv) is None, argv
    assert _fast(connect, "--as-of", "not-a-date") is None
    assert _fast(connect, "--json", "--limit", "3", "--as-of", "2020-01-01") is None
    # Another user's list is never served, nor a user that does not exist.
    assert _fast(connect, "--json", "--limit", "3", "--user", "bob") is None
    assert _fast(connect, "--json", "--limit", "3", "--user", "nobody") is None
    assert _fast(connect, "--json", "--limit", "3", "--user", "ada") is not None
    # A changed setting is a different fingerprint.
    os.environ["AMITY_MY_FIELD"] = "Astronomy"
    try:
        assert _fast(connect, "--json", "--limit", "3") is None
    finally:
        del os.environ["AMITY_MY_FIELD"]


def test_it_declines_a_database_it_cannot_read(tmp_path: Path) -> None:
    broken = tmp_path / "amity.sqlite3"
    broken.write_bytes(b"not a database")
    out = io.StringIO()
    opened = lambda: sqlite3.connect(broken)  # noqa: E731
    assert not today_cache.answer(["--json"], out, connect=opened)
    assert not today_cache.answer(["--json"], out, connect=lambda: None)
    assert out.getvalue() == ""


def test_its_tables_are_the_models_tables() -> None:
    tables = {model._meta.db_table for model in apps.get_models()}
    assert {table for table, _ in today_cache.STAMPS} <= tables
    assert "network_readingitem_shared_with" in {
        m._meta.db_table for m in apps.get_models(include_auto_created=True)
    }


def test_a_fresh_process_answers_without_django(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMITY_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["AMITY_HOME"] = str(tmp_path / "home")

    def amity(*args: str, flags: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *flags, "-m", "amity", *args],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            stdin=subprocess.DEVNULL,
        )

    amity("user", "create", "ada")
    amity("demo", "--user", "ada")
    first = json.loads(amity("today", "--json").stdout)
    assert first["items"] and not first["cached"]
    again = amity("today", "--json", flags=("-X", "importtime"))
    assert json.loads(again.stdout) == {**first, "cached": True}
    imported = [line.rsplit("|", 1)[-1].strip() for line in again.stderr.splitlines()]
    assert "amity.relationships.today_cache" in imported
    assert not [name for name in imported if name.startswith(("django", "numpy"))]


# Tables Today reads that need no stamp of their own, and why.
DERIVED = {
    # Every write of an interaction rebuilds its people's summaries (stamped).
    "people_interaction": "people_personsummary",
    "people_interaction_people": "people_personsummary",
    # Vectors of a person's profile text; the text lives in people_person (stamped).
    "network_profileembedding": "people_person",
    # The answer itself (its picks' done flags are stamped).
    "people_dailylist": "the stored answer",
}


def test_it_stamps_every_table_today_reads(user: Any) -> None:
    """A new input to Today without a stamp would let the fast path serve stale advice."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from amity.network import services as network
    from amity.relationships import today
    from tests.histories import with_history

    ada = with_history(
        user, "Ada Lovelace", days_ago=(400, 300, 200, 120), channel="call", interests=["bees"]
    )
    bob = with_history(user, "Bob Stone", days_ago=(500, 20), channel="call")
    network.add_referrals(owner=user, referrer=ada, people=[bob])
    with CaptureQueriesContext(connection) as queries:
        today.today_list(owner=user)
    read = set()
    for query in queries.captured_queries:
        read |= set(re.findall(r'(?:FROM|JOIN)\s+"?([a-z_]+)"?', query["sql"]))
    stamped = {table for table, _ in today_cache.STAMPS}
    stamped |= set(re.findall(r"(?:FROM|JOIN)\s+([a-z_]+)", today_cache.SHARED_STAMP))
    assert read - stamped - set(DERIVED) == set()
    assert {"people_personsummary", "network_referral"} <= read  # the capture works
