"""Test the start-up shortcut that skips building the migration graph."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from amity import bootstrap


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
