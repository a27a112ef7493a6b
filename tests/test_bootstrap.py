"""Test the start-up shortcut that skips building the migration graph."""

from __future__ import annotations

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.migrations.recorder import MigrationRecorder

from amity.core import bootstrap


@pytest.mark.django_db
def test_a_migrated_database_needs_no_migration_graph() -> None:
    assert bootstrap._all_migrations_recorded()
    assert bootstrap.ensure_migrated() is False


@pytest.mark.django_db
def test_a_missing_record_sends_it_to_the_full_executor(monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = MigrationRecorder(connection)
    latest = recorder.migration_qs.filter(app="people").order_by("-name").first()
    latest.delete()
    assert not bootstrap._all_migrations_recorded()
    # The executor then finds the plan non-empty; stop short of re-running it.
    seen = []
    monkeypatch.setattr(bootstrap, "call_command", lambda *a, **k: seen.append(a))
    assert bootstrap.ensure_migrated() is True
    assert seen == [("migrate",)]


@pytest.mark.django_db
def test_an_empty_migrations_table_is_not_taken_for_migrated() -> None:
    MigrationRecorder(connection).migration_qs.all().delete()
    assert not bootstrap._all_migrations_recorded()


@pytest.mark.django_db
def test_statistics_are_gathered_after_migrations_but_not_after_a_flush(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []
    monkeypatch.setattr(bootstrap, "refresh_planner_statistics", lambda: calls.append(1))
    step = (MigrationRecorder.Migration(app="people", name="0007_event_indexes"), False)
    # What `migrate` sends (to every app: the people app's receiver answers once),
    # then what a flush sends (no plan) and a migrate with nothing to do.
    emit_post_migrate_signal(0, False, DEFAULT_DB_ALIAS, plan=[step])
    assert calls == [1]
    emit_post_migrate_signal(0, False, DEFAULT_DB_ALIAS)
    emit_post_migrate_signal(0, False, DEFAULT_DB_ALIAS, plan=[])
    assert calls == [1]
