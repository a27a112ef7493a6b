"""Point a benchmark at SQLite (an AMITY_HOME) or PostgreSQL (--database-url).

Every script in bench/ takes `--home DIR` and optionally `--database-url
postgresql://...`; with a URL the data lives in that database and DIR only holds
Amity's other files (keys, uploads). `machine_reference` is printed beside every
table, as the shared machines these numbers come from change speed by the hour.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def add_arguments(parser: argparse.ArgumentParser, *, home_required: bool = True) -> None:
    """Declare --home and --database-url."""
    parser.add_argument("--home", type=Path, required=home_required, help="AMITY_HOME")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("AMITY_DATABASE_URL", ""),
        help="postgresql://user@host:port/db (default: SQLite in --home)",
    )


def environment(home: Path, database_url: str) -> dict[str, str]:
    """Return the variables that select the home and database for an `amity` process."""
    env = {"AMITY_HOME": str(home)}
    if database_url:
        env["AMITY_DATABASE_URL"] = database_url
    return env


def setup(home: Path, database_url: str, *, migrate: bool = True) -> None:
    """Configure Django for this home and database (and migrate it)."""
    home.mkdir(parents=True, exist_ok=True)
    os.environ.pop("AMITY_DATABASE_URL", None)
    os.environ.update(environment(home, database_url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "amity.settings"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    if migrate:
        from amity.core.bootstrap import ensure_migrated

        ensure_migrated()


def backend_name() -> str:
    """Return "SQLite" or "PostgreSQL" with the server's version."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def machine_reference() -> float:
    """Return the best of three runs of a fixed pure-Python loop, in seconds."""
    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        sum(i * i for i in range(10**7))
        best = min(best, time.perf_counter() - started)
    return best
