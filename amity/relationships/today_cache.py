"""Answer `amity today` from the stored list without starting Django, when nothing changed.

Today's list is computed once per day and stored (DailyList) with a fingerprint of
everything it depends on and, in `payload`, the finished answer. Starting Python
and Django costs far more than reading that answer back, so `amity today` first
tries this module, which needs only the standard library and the settings registry:
it opens the SQLite database read-only, recomputes the fingerprint with a few
indexed aggregates and, when the stored one matches, prints the stored answer. On
anything else (another database, a new day, a change, an option it does not know,
any error) it declines and the Django command answers, storing a fresh payload.

The fingerprint is computed here for both paths, from the same SQL, so the two can
never disagree about what "nothing changed" means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sqlite3
import zoneinfo
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TextIO

from amity import __version__, config
from amity.domain.versions import SUMMARY_VERSION, TODAY_VERSION

# What today's list depends on, per table: a count (so deletions show) and the latest
# change. Every table has owner_id; `{p}` is the driver's placeholder.
STAMPS: tuple[tuple[str, str], ...] = (
    ("people_personsummary", "COUNT(*), CAST(MAX(updated_at) AS TEXT)"),
    ("people_person", "COUNT(*), CAST(MAX(updated_at) AS TEXT)"),
    ("people_snooze", "COUNT(*), CAST(MAX(updated_at) AS TEXT)"),
    ("people_cadenceoverride", "COUNT(*), CAST(MAX(updated_at) AS TEXT)"),
    # Ticking a pick off (or undoing it) changes the answer's "done" flags.
    ("people_dailypick", "COUNT(done_at), CAST(MAX(done_at) AS TEXT)"),
    ("network_introduction", "COUNT(*), CAST(MAX(updated_at) AS TEXT)"),
    (
        "network_readingitem",
        "COUNT(*), CAST(MAX(created_at) AS TEXT), SUM(CASE WHEN archived THEN 1 ELSE 0 END)",
    ),
    (
        "network_referral",
        "COUNT(*), CAST(MAX(created_at) AS TEXT), COUNT(researched_at), COUNT(thanked_at)",
    ),
)
# Who a saved article was already shared with decides whether it resurfaces.
SHARED_STAMP = (
    "SELECT COUNT(*) FROM network_readingitem_shared_with s"
    " JOIN network_readingitem r ON r.id = s.readingitem_id WHERE r.owner_id = {p}"
)


class Cursor(Protocol):
    """The part of a DB-API cursor the fingerprint needs (sqlite3's or Django's)."""

    def execute(self, sql: str, params: Sequence[Any]) -> Any:
        """Run one statement."""

    def fetchone(self) -> Any:
        """Return the next row."""


def fingerprint(
    cursor: Cursor,
    *,
    owner_id: int,
    day: dt.date,
    my_field: str,
    dormant_after_days: int,
    deposits_per_ask: float,
    placeholder: str,
) -> str:
    """Hash everything today's list for `day` depends on: settings, code and data."""
    parts: list[Any] = [
        day.isoformat(),
        __version__,
        SUMMARY_VERSION,
        TODAY_VERSION,
        str(my_field),
        int(dormant_after_days),
        float(deposits_per_ask),
    ]
    for table, columns in STAMPS:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE owner_id = {placeholder}", [owner_id])
        parts.append(tuple(cursor.fetchone()))
    cursor.execute(SHARED_STAMP.format(p=placeholder), [owner_id])
    parts.append(tuple(cursor.fetchone()))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def to_json(data: dict[str, Any]) -> str:
    """Return the --json text of a today answer."""
    return json.dumps(data, indent=2, default=str, ensure_ascii=False)


def render_text(data: dict[str, Any], console: Any) -> None:
    """Print a today answer for people, on a rich Console."""
    if not data["items"]:
        console.print(f"Nothing for {data['day']}: everyone is in touch or snoozed.")
        return
    console.print(f"[bold]Today ({data['day']})[/bold]")
    for item in data["items"]:
        tick = "[green]done[/green] " if item["done"] else ""
        console.print(
            f"{item['rank']}. {tick}[bold]{item['name']}[/bold] (#{item['id']},"
            f" circle {item['circle']} {item['circle_name']})"
        )
        for reason in item["reasons"]:
            console.print(f"   why: {reason['text']}")
        console.print(f"   do:  {item['action']}")
        if item.get("reading"):
            console.print(f"   or:  {item['reading']['text']}")
    network = data.get("network", {})
    steps = [*network.get("introductions", []), *network.get("referrals", [])]
    if steps:
        console.print("[bold]Pending introductions and referrals[/bold]")
        for step in steps:
            console.print(f" - {step['text']}")


def _options(argv: Sequence[str]) -> argparse.Namespace | None:
    """Parse the options this path handles; None when there is anything else."""
    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    parser.add_argument("--limit", type=int, default=5)
    parser.add_argument("--as-of", default="")
    parser.add_argument("--user", default=None)
    parser.add_argument("--json", action="store_true")
    try:
        options, unknown = parser.parse_known_args(list(argv))
    except (argparse.ArgumentError, SystemExit):
        return None
    return None if unknown or options.limit < 1 else options


def _connect() -> sqlite3.Connection | None:
    """Open the default SQLite database read-only; None for any other database."""
    if config.DATABASE_URL.value():
        return None
    path = config.HOME.value() / "amity.sqlite3"
    if not path.is_file():
        return None
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def answer(
    argv: Sequence[str],
    out: TextIO,
    *,
    connect: Callable[[], sqlite3.Connection | None] = _connect,
) -> bool:
    """Print today's stored answer if nothing changed since it was stored.

    Returns False, having printed nothing, whenever the full command must answer.
    """
    options = _options(argv)
    if options is None:
        return False
    try:
        day = (
            dt.date.fromisoformat(options.as_of.strip())
            if options.as_of
            else dt.datetime.now(zoneinfo.ZoneInfo(config.TIME_ZONE.value())).date()
        )
        connection = connect()
    except (ValueError, sqlite3.Error, zoneinfo.ZoneInfoNotFoundError):
        return False
    if connection is None:
        return False
    if options.as_of and day > dt.datetime.now(zoneinfo.ZoneInfo(config.TIME_ZONE.value())).date():
        # A day to come: the full command refuses it, with the shared message.
        connection.close()
        return False
    try:
        data = _stored_answer(connection, options, day)
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        # An older schema, a locked or damaged file: the full command will say.
        return False
    finally:
        connection.close()
    if data is None:
        return False
    if options.json:
        out.write(to_json(data) + "\n")
    else:
        _print_text(data, out)
    return True


def _stored_answer(
    connection: sqlite3.Connection, options: argparse.Namespace, day: dt.date
) -> dict[str, Any] | None:
    """Return the stored answer when its fingerprint still holds, else None."""
    cursor = connection.cursor()
    if options.user:
        cursor.execute("SELECT id FROM auth_user WHERE username = ?", [options.user])
    else:
        cursor.execute("SELECT id FROM auth_user ORDER BY id LIMIT 1")
    row = cursor.fetchone()
    if row is None:
        return None
    owner_id = int(row[0])
    cursor.execute(
        "SELECT fingerprint, payload FROM people_dailylist WHERE owner_id = ? AND day = ?",
        [owner_id, day.isoformat()],
    )
    stored = cursor.fetchone()
    if stored is None or not stored[1]:
        return None
    payload = json.loads(stored[1])
    if payload.get("limit") != options.limit:
        return None
    current = fingerprint(
        cursor,
        owner_id=owner_id,
        day=day,
        my_field=config.MY_FIELD.value(),
        dormant_after_days=config.DORMANT_AFTER_DAYS.value(),
        deposits_per_ask=config.DEPOSITS_PER_ASK.value(),
        placeholder="?",
    )
    if current != stored[0] or payload.get("fingerprint") != current:
        return None
    data: dict[str, Any] = payload["data"]
    return data


def _print_text(data: dict[str, Any], out: TextIO) -> None:
    """Print for people as the Django command does (rich is imported only here)."""
    from rich.console import Console

    render_text(data, Console(file=out, highlight=False, soft_wrap=True))
