"""Bring a database up to date and give it a first user, so Amity just starts."""

from __future__ import annotations

import getpass
import secrets
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def ensure_migrated() -> bool:
    """Apply pending migrations; return whether any were applied."""
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
    """Return the first user, creating one if there is none.

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
    user = User.objects.create_superuser(username=username, password=password, email="")
    return user, password


# The tables whose statistics decide the big query plans (timeline, lists, search).
_PLANNED_TABLES = (
    "people_person",
    "people_interaction",
    "people_interaction_people",
    "people_contactpoint",
)


def refresh_planner_statistics() -> None:
    """Gather query-planner statistics after bulk writes and at server start.

    Without them SQLite walks the whole interaction index to build the timeline of a
    person with few interactions (hundreds of ms at 2M rows instead of ~2 ms); a
    sampled ANALYZE takes a fraction of a second even then.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(_PLANNED_TABLES)}")
