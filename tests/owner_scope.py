"""Fail any test during which Amity's code queries an owned table without an owner filter.

Every row a user owns carries `owner` and every query must filter by it (DESIGN.md,
rule 1): that keeps users apart, and it is what lets the schema be distributed by
owner on a sharded PostgreSQL (Citus) later, where a query naming its owner goes to one
shard. This module wraps every database connection (`execute_wrappers`, in every
thread, so the live server's too), looks at each SELECT, UPDATE and DELETE that names
an owned table, and records those without an `owner_id = ...` or `owner_id IN (...)`
predicate. `tests/conftest.py` fails the test that made them.

What is checked: statements whose innermost project frame is in the `amity` package.
Not checked, each for a reason:
- statements made by test code itself (counting every row to prove nothing was
  written is the point of such a test);
- migrations (they rewrite whole tables by design) and the operator's Django admin;
- statements Django derives from a row the code already loaded through an
  owner-filtered query: `instance.save()` and `delete()` (by primary key), their
  cascades, following a foreign key of a loaded row, and `prefetch_related` by the
  keys of loaded rows. The row was scoped when it was read; these statements are
  keyed by it. (On Citus they would fan out to every shard: see docs/scaling.md.)
- the reviewed call sites in ALLOWED below, each with its reason.

Set AMITY_OWNER_SCOPE=off to switch the check off for a run (to bisect), or
AMITY_OWNER_SCOPE_LOG=path to also append every violation there as JSON lines.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
AMITY_DIR = str(REPO / "amity") + os.sep
TESTS_DIR = str(REPO / "tests") + os.sep
BENCH_DIR = str(REPO / "bench") + os.sep

# `"people_person"."owner_id" = %s`, `owner_id IN (...)`, `p.owner_id = ?`, `= ANY(%s)`:
# compared with a value, not joined to a column (a join to auth_user scopes nothing).
OWNER_PREDICATE = re.compile(
    r"\bowner_id\b\"?\s*(?:=\s*(?:%s|\?|\d|ANY\b|\(\s*SELECT)|IN\s*\()", re.IGNORECASE
)
CHECKED_VERBS = ("SELECT", "UPDATE", "DELETE", "WITH")
ADMIN_DIR = os.path.join("django", "contrib", "admin", "")

# Django frames that derive a statement from a row already loaded (and so already
# scoped by owner): (file suffix, function names or None for any function).
DERIVED: tuple[tuple[str, frozenset[str] | None, str], ...] = (
    (
        "django/db/models/base.py",
        frozenset({"save_base", "_save_table", "_do_update", "refresh_from_db", "delete"}),
        "instance save/delete",
    ),
    ("django/db/models/deletion.py", None, "delete cascade"),
    ("django/db/models/fields/related_descriptors.py", None, "loaded row's relation"),
    (
        "django/db/models/query.py",
        frozenset({"prefetch_related_objects", "prefetch_one_level", "_prefetch_related_objects"}),
        "prefetch by loaded keys",
    ),
)

# Reviewed exceptions: "amity/<path>:<function>" of the innermost Amity frame -> why
# the statement may name no owner. Keep each one justified; prefer fixing the query.
_SUMMARY_HOOK = (
    "keyed by the ids of people an owner-checked write just touched; the "
    "on_people_changed hook carries ids only (follow-up: pass the owner along)"
)
_EXPORT = (
    "export/restore of one owner: keyed by the ids of the batch just read for that owner "
    "(issue 18's streaming export and restore rewrite this code)"
)
ALLOWED: dict[str, str] = {
    "amity/accounts/services.py:user_for_token": (
        "authentication: the token's unique digest is what finds the owner"
    ),
    "amity/core/deferred_indexes.py:_holds_more_than": (
        "rebuilding a table's index sorts every owner's rows: how many there are decides"
    ),
    "amity/core/bulk_writing.py:reserve_pks": (
        "the id high-water mark is table-wide (ids are global): keys are reserved above it"
    ),
    "amity/people/timeline.py:refresh_summaries": _SUMMARY_HOOK,
    "amity/network/tasks.py:queue_for_people": _SUMMARY_HOOK,
    "amity/relationships/bulk_summaries.py:people_by_owner": _SUMMARY_HOOK,
    # The worker's task receives the job id alone; the row it reads names the owner,
    # and everything after it is filtered by that owner.
    "amity/importers/jobs.py:run_job": "a task finds its job by id, then acts as its owner",
    "amity/relationships/stored_summaries.py:refresh_engine_summaries": _SUMMARY_HOOK,
    "amity/relationships/stored_summaries.py:summaries_for": _SUMMARY_HOOK,
    "amity/relationships/stored_summaries.py:events_for": _SUMMARY_HOOK,
    "amity/relationships/today_candidates.py:_describe": (
        "by primary key with the owner checked in Python: SQLite's planner walks an owner "
        "index instead when statistics are stale (~90 ms instead of ~1; see the comment there)"
    ),
    "amity/relationships/today_candidates.py:_revival": (
        "ids from load_network(owner=...); same planner reason as _describe"
    ),
    "amity/reminders/delivery.py:send_due": "the scheduled job visits every user's profile",
    "amity/reminders/calendar.py:owner_of": (
        "authentication: the feed token's unique hash is what finds the owner"
    ),
    "amity/portability/sections.py:_check_new_uids": (
        "a restore must refuse a uid any owner already has: uids are unique table-wide"
    ),
    "amity/portability/sections.py:insert_new": (
        "after a restore's insert broke the unique uid index: which uid, and whose "
        "(uids are unique table-wide)"
    ),
    "amity/portability/sections.py:repeated_uid": (
        "after a restore's unique uid index failed to build: which uid, and whose "
        "(uids are unique table-wide)"
    ),
    "amity/portability/sections.py:_pks_by_uid": _EXPORT,
    "amity/core/load_constraints.py:_all_empty": (
        "whether any owner has rows in the tables: dropping their keys locks whole tables"
    ),
    "amity/portability/people_sections.py:dump_people": _EXPORT,
    "amity/portability/people_sections.py:dump_interactions": _EXPORT,
    "amity/portability/model_sections.py:dump": _EXPORT,
    "amity/portability/model_sections.py:many_keys": _EXPORT,
}


@dataclass(frozen=True)
class Violation:
    """One statement on an owned table without an owner filter, and where it came from."""

    site: str
    tables: tuple[str, ...]
    sql: str
    test: str

    def describe(self) -> str:
        """Return a line for the failure message."""
        return f"{self.site} on {', '.join(self.tables)}: {self.sql[:300]}"


_lock = threading.Lock()
_violations: list[Violation] = []
_current_test = ""
_table_pattern: re.Pattern[str] | None = None


def owned_tables() -> frozenset[str]:
    """Return the tables of every model with an `owner` field."""
    from django.apps import apps

    tables = set()
    for model in apps.get_models():
        fields = {f.name for f in model._meta.concrete_fields}
        if "owner" in fields and model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
    return frozenset(tables)


def _tables_re() -> re.Pattern[str]:
    global _table_pattern
    if _table_pattern is None:
        names = sorted(owned_tables(), key=len, reverse=True)
        _table_pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    return _table_pattern


def unscoped_tables(sql: str) -> tuple[str, ...]:
    """Return the owned tables `sql` reads or changes without an owner filter, if any."""
    head = sql.lstrip().split(None, 1)
    if not head or head[0].upper() not in CHECKED_VERBS:
        return ()
    tables = set(_tables_re().findall(sql))
    if not tables or OWNER_PREDICATE.search(sql):
        return ()
    return tuple(sorted(tables))


def classify(frame: FrameType | None) -> str | None:
    """Return the Amity call site to blame for a statement, or None when it is exempt.

    Walks outward from the database call: a migration or a derived Django frame
    exempts it; the first project frame decides whose statement it is.
    """
    while frame is not None:
        filename = frame.f_code.co_filename
        # Migrations rewrite whole tables; the operator's admin lists every user's rows.
        if f"{os.sep}migrations{os.sep}" in filename or ADMIN_DIR in filename:
            return None
        for suffix, functions, _why in DERIVED:
            if filename.endswith(suffix) and (
                functions is None or frame.f_code.co_name in functions
            ):
                return None
        if filename.startswith(AMITY_DIR):
            relative = filename[len(str(REPO)) + 1 :]
            return f"{relative}:{frame.f_code.co_name}"
        if filename.startswith((TESTS_DIR, BENCH_DIR)):
            return None
        frame = frame.f_back
    return None


def check_statement(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Record `sql` if Amity's code sent it to an owned table without an owner filter."""
    tables = unscoped_tables(sql) if isinstance(sql, str) else ()
    if tables:
        site = classify(sys._getframe(1))
        if site is not None and site not in ALLOWED:
            violation = Violation(site=site, tables=tables, sql=sql, test=_current_test)
            with _lock:
                _violations.append(violation)
            log = os.environ.get("AMITY_OWNER_SCOPE_LOG")
            if log:
                with open(log, "a", encoding="utf-8") as out:
                    out.write(json.dumps(violation.__dict__) + "\n")
    return execute(sql, params, many, context)


def _wrap(connection: Any, **_kwargs: Any) -> None:
    if check_statement not in connection.execute_wrappers:
        connection.execute_wrappers.append(check_statement)


def install() -> None:
    """Wrap every connection, existing and future, in every thread."""
    if os.environ.get("AMITY_OWNER_SCOPE", "").lower() == "off":
        return
    from django.db import connections
    from django.db.backends.signals import connection_created

    connection_created.connect(_wrap, dispatch_uid="amity-owner-scope")
    for connection in connections.all():
        _wrap(connection)


def start(test: str) -> None:
    """Forget earlier violations and name the test that runs now."""
    global _current_test
    with _lock:
        _violations.clear()
        _current_test = test


def collected() -> list[Violation]:
    """Return (and forget) the violations recorded since `start`."""
    with _lock:
        found = list(_violations)
        _violations.clear()
    return found
