"""Test the schedule and the background worker (django-tasks-db) running real syncs."""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from amity.cli import call
from tests.sync import servers
from tests.sync.conftest import MBOX_INTERACTIONS, ME, write_mailbox

pytestmark = pytest.mark.skipif(
    bool(servers.missing("pymap")), reason=str(servers.missing("pymap"))
)
USER, PASSWORD = "sam", "imap-secret"


@pytest.fixture
def imap(tmp_path: Path) -> Iterator[int]:
    """Run pymap with the test mbox; yield its port."""
    with servers.pymap(write_mailbox(tmp_path / "mail"), USER, PASSWORD) as port:
        yield port


def _add(owner: Any, port: int) -> None:
    from amity.sync.services import add_mail_account

    add_mail_account(
        owner=owner,
        name="home",
        host="127.0.0.1",
        port=port,
        security="plain",
        username=USER,
        password=PASSWORD,
        addresses=ME,
    )


def _queued() -> list[str]:
    from django_tasks_db.models import DBTaskResult

    # The sync's tasks only: other apps' scheduled jobs (reminders) run alongside.
    rows = DBTaskResult.objects.filter(task_path__startswith="amity.sync.")
    return list(rows.order_by("enqueued_at").values_list("status", flat=True))


def test_it_enqueues_a_due_job_once_and_catches_up_missed_runs_once(db: None) -> None:
    from amity.core.schedule import enqueue_due

    start = timezone.now()
    # Both registered jobs run every 15 minutes (the sync by default, reminders always).
    every = ["reminders.send", "sync.accounts"]
    assert enqueue_due(now=start) == every
    # Not due again within the interval (AMITY_SYNC_INTERVAL, 15 minutes by default).
    assert enqueue_due(now=start + dt.timedelta(minutes=14)) == []
    # Asleep for ten hours: forty runs were missed, one is made up.
    assert enqueue_due(now=start + dt.timedelta(hours=10)) == every
    assert enqueue_due(now=start + dt.timedelta(hours=10, minutes=1)) == []
    assert _queued() == ["READY", "READY"]


# The worker closes connections between tasks, as in production: no test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_scheduled_sync_and_records_it(user, imap: int) -> None:
    from amity.core.schedule import enqueue_due, run_pending_tasks
    from amity.people.models import Interaction
    from amity.sync.models import MailAccount

    _add(user, imap)
    enqueue_due()
    run_pending_tasks()
    assert _queued() == ["SUCCESSFUL"]
    account = MailAccount.objects.get()
    assert account.last_status == "ok" and account.last_sync_at is not None
    assert account.last_counts["interactions"]["created"] == MBOX_INTERACTIONS
    assert Interaction.objects.count() == MBOX_INTERACTIONS


# The worker closes connections between tasks, as in production: no test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_records_a_failed_sync_on_the_account(user, imap: int) -> None:
    from amity.core.schedule import enqueue_due, run_pending_tasks
    from amity.sync.models import MailAccount

    _add(user, imap)
    MailAccount.objects.update(port=servers.free_port())
    enqueue_due()
    run_pending_tasks()
    # One account failing is recorded on it; the task itself finishes.
    assert _queued() == ["SUCCESSFUL"]
    account = MailAccount.objects.get()
    assert account.last_status == "error" and "cannot connect" in account.last_error


@pytest.mark.django_db(transaction=True)
def test_the_background_threads_sync_on_their_own(imap: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import OperationalError

    from amity.core.schedule import BackgroundWorker
    from amity.sync.models import MailAccount

    _add(get_user_model().objects.create_user(username="sam"), imap)

    def synced() -> bool:
        # The tests' in-memory SQLite shares one cache between threads: a read that meets
        # the worker's open write fails at once ("table is locked") instead of waiting.
        try:
            return bool(MailAccount.objects.get().last_status)
        except OperationalError:
            return False

    worker = BackgroundWorker(tick=0.2).start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not synced():
            time.sleep(0.2)
    finally:
        worker.stop()
    assert MailAccount.objects.get().last_status == "ok"


# The worker closes connections between tasks, as in production: no test transaction.
@pytest.mark.django_db(transaction=True)
def test_amity_worker_once_runs_due_syncs(user, imap: int) -> None:
    from amity.sync.models import MailAccount

    _add(user, imap)
    out = io.StringIO()
    call("worker", "--once", stdout=out)
    assert "sync.accounts" in out.getvalue()
    assert MailAccount.objects.get().last_status == "ok"
