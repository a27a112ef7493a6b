"""Bring a database up to date and give it a first user, so Amity just starts."""

from __future__ import annotations

import getpass
import importlib.util
import secrets
import sys
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


def _all_migrations_recorded() -> bool:
    """Tell whether every migration file on disk is recorded as applied.

    Reads each app's migrations folder and the django_migrations table: a few ms,
    where building the migration graph imports every migration module (~0.1 s on
    every CLI verb). Any doubt (no table yet, a module that is not a plain folder)
    answers False, and the caller asks the full migration executor.
    """
    on_disk: set[tuple[str, str]] = set()
    for app in apps.get_app_configs():
        module, _ = MigrationLoader.migrations_module(app.label)
        if module is None:
            continue
        try:
            spec = importlib.util.find_spec(module)
        except ImportError:
            continue
        if spec is None:
            continue
        for folder in spec.submodule_search_locations or ():
            # The names MigrationLoader takes as migrations: modules not starting _ or ~.
            on_disk |= {
                (app.label, path.stem)
                for path in Path(folder).glob("*.py")
                if path.stem[0] not in "_~"
            }
    try:
        recorded = set(MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations())
    except DatabaseError:
        return False
    return bool(on_disk) and on_disk <= recorded


def ensure_migrated() -> bool:
    """Apply pending migrations; return whether any were applied."""
    if _all_migrations_recorded():
        return False
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return False
    call_command("migrate", interactive=False, verbosity=0)
    return True


def ensure_first_user(
    *, username: str = "", password: str = "", interactive: bool | None = None
) -> tuple[AbstractBaseUser, str | None]:
    """Return the first user, creating one (not a superuser) if there is none.

    Returns the user and, when this call created it, its password (to print once).
    Given a username it creates that user; else at a terminal it asks for a name and
    password; otherwise it creates `amity` with a generated password.
    """
    User = get_user_model()
    existing = User.objects.order_by("id").first()
    if existing is not None:
        return existing, None
    if interactive is None:
        interactive = not username and sys.stdin.isatty()
    if interactive:
        default = getpass.getuser() or "amity"
        username = input(f"Create the first Amity user. Name [{default}]: ").strip() or default
        password = getpass.getpass("Password (empty: generate one): ")
    else:
        username = username or "amity"
    password = password or secrets.token_urlsafe(12)
    # A plain user: the admin site shows every user's rows, so being able to use it
    # is an explicit choice (`amity user create NAME --superuser`), never a default.
    user = User.objects.create_user(username=username, password=password, email="")
    return user, password


# The tables whose statistics decide the big query plans (timeline, lists, search).
_PLANNED_TABLES = (
    "people_person",
    "people_interaction",
    "people_interaction_people",
    "people_contactpoint",
)


def refresh_statistics_after_migrate(
    sender: object, *, plan: list[Any] | None = None, using: str = DEFAULT_DB_ALIAS, **_: Any
) -> None:
    """Gather planner statistics once migrations ran (a post_migrate receiver).

    A new index has no statistics, and SQLite then guesses it selective: after the
    migration adding today's event indexes, today's fingerprint walked one of them
    instead of its covering index (110 ms instead of 6 ms) until the next ANALYZE.
    """
    if plan and using == DEFAULT_DB_ALIAS:  # a flush sends no plan
        refresh_planner_statistics()


def refresh_planner_statistics() -> None:
    """Gather query-planner statistics after bulk writes and at server start.

    Without them SQLite walks the whole interaction index to build the timeline of a
    person with few interactions (hundreds of ms at 2M rows instead of ~2 ms). The
    whole tables are read (0.6 s at 100k people and 2M interactions): a sample of
    1,000 rows sees one owner and rates every index led by the owner as selective,
    so a search walked such an index out of row order (115 ms instead of 37) and a
    person page's 90-day count took 30 ms instead of under 1.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=0")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(_PLANNED_TABLES)}")
