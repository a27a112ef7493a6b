"""Test staged imports: all-or-nothing on failure, dry runs and abandoned stages leave nothing."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from amity.importers import interaction_writing, jobs, services, staging
from amity.importers.models import ImportJob
from amity.people.models import Person
from tests.importers.conftest import run, snapshot
from tests.security.bombs import amity_env, run_measured

pytestmark = pytest.mark.django_db

HEADER = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def rows(name: bytes = b"ada", company: bytes = b"") -> bytes:
    """Return 300 Connections.csv rows."""
    return b"".join(
        b"%s%d,Lovelace,https://www.linkedin.com/in/%s%d,%s%d@example.org,%s,,01 Jan 2020\n"
        % (name, n, name, n, name, n, company)
        for n in range(300)
    )


ROWS = HEADER + rows()


def _staging_users() -> int:
    return get_user_model().objects.filter(username__startswith=staging.PREFIX).count()


def test_it_writes_nothing_when_publishing_fails(
    user, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "Connections.csv"
    path.write_bytes(ROWS)
    run(user, "linkedin", path)  # existing people, so publishing also changes rows
    path.write_bytes(HEADER + rows(company=b"Engines") + rows(name=b"bob"))
    before = snapshot()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(interaction_writing, "finish_interactions", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run(user, "linkedin", path)
    assert snapshot() == before
    assert _staging_users() == 0
    assert Person.objects.count() == 300


def test_it_stages_nothing_visible_and_keeps_nothing_on_a_dry_run(user, tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_bytes(ROWS)
    before = snapshot()
    summary = run(user, "linkedin", path, dry_run=True)
    assert summary.people.created == 300
    assert snapshot() == before and _staging_users() == 0


def test_it_discards_what_an_abandoned_import_staged(user, tmp_path: Path) -> None:
    abandoned = staging.staging_owner()
    get_user_model().objects.filter(pk=abandoned).update(
        date_joined=timezone.now() - dt.timedelta(days=1)
    )
    Person.objects.create(owner_id=abandoned, full_name="Half Imported")
    path = tmp_path / "Connections.csv"
    path.write_bytes(ROWS)
    run(user, "linkedin", path)
    assert not Person.objects.filter(full_name="Half Imported").exists()
    assert _staging_users() == 0
    assert Person.objects.filter(owner=user).count() == 300


_LOCKED = textwrap.dedent(
    """
    import json, os, sqlite3
    os.environ["DJANGO_SETTINGS_MODULE"] = "amity.settings"
    import django
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from amity.accounts.services import create_token
    from amity.core.bootstrap import ensure_migrated
    ensure_migrated()
    user = get_user_model().objects.create_user("ada", password="correct horse battery")
    _, raw = create_token(owner=user)
    holder = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing: the lock is taken
    response = Client(raise_request_exception=False).post(
        "/api/v1/people", data=json.dumps({"full_name": "Ada"}),
        content_type="application/json", headers={"Authorization": f"Bearer {raw}"},
    )
    holder.execute("ROLLBACK")
    print("STATUS", response.status_code, response.get("Retry-After"), response["Content-Type"])
    print("BODY", response.content.decode())
    """
)


def test_it_answers_503_json_with_retry_after_when_sqlite_is_locked(tmp_path: Path) -> None:
    env = amity_env(tmp_path / "home", AMITY_SQLITE_BUSY_TIMEOUT="0.2")
    env["AMITY_ALLOWED_HOSTS"] = "testserver"
    code, output, _ = run_measured(_LOCKED, [], env)
    assert code == 0, output
    assert "STATUS 503 5 application/json" in output
    assert '"detail": "The database is busy with another write; retry in a few seconds."' in output


def _staging_tables() -> list[str]:
    """Return this connection's import staging tables (temporary tables)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relpersistence = 't' AND relname LIKE %s",
                ["amity_stage_%"],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_temp_master WHERE type = 'table' AND name LIKE %s",
                ["amity_stage_%"],
            )
        return [row[0] for row in cursor.fetchall()]


def test_it_drops_its_staging_tables_after_an_import_a_dry_run_and_a_failure(
    user, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "Connections.csv"
    path.write_bytes(ROWS)
    run(user, "linkedin", path, dry_run=True)
    assert _staging_tables() == []
    run(user, "linkedin", path)
    assert _staging_tables() == []
    path.write_bytes(HEADER + rows(name=b"bob"))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(interaction_writing, "finish_interactions", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run(user, "linkedin", path)
    assert _staging_tables() == []
    assert Person.objects.filter(owner=user).count() == 300


def test_it_reserves_keys_no_other_insert_takes(user) -> None:
    stage = staging.Stage()
    first = stage.reserve_ids(Person, 3)
    second = stage.reserve_ids(Person, 2)
    meanwhile = Person.objects.create(owner=user, full_name="Written Meanwhile")
    assert len(first) == 3 and len(second) == 2
    assert first == sorted(first) and second == sorted(second)
    assert max(first) < min(second) and max(second) < meanwhile.pk


def test_it_writes_nothing_when_recording_the_change_log_fails(
    user, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On PostgreSQL the new people are already in the real table by then.
    path = tmp_path / "Connections.csv"
    path.write_bytes(ROWS)
    before = snapshot()

    def broken(**kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "record_changes", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run(user, "linkedin", path)
    assert snapshot() == before
    assert _staging_tables() == []


def test_a_progress_write_that_fails_does_not_stop_the_import(user, tmp_path: Path) -> None:
    job = ImportJob.objects.create(owner=user, format="linkedin", file_name="Connections.csv")

    class Refused(jobs.JobProgress):
        def phase(self, name: str, total: int | None) -> None:
            # A negative total breaks the column's check: the database refuses the write.
            super().phase(name, -1 if name == "Writing people" else total)

    path = tmp_path / "Connections.csv"
    path.write_bytes(ROWS)
    summary = run(user, "linkedin", path, progress=Refused(job.pk, user.pk))
    assert summary.people.created == 300
    assert Person.objects.filter(owner=user).count() == 300
    job.refresh_from_db()
    assert job.phase == "Updating summaries"
