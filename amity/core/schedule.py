"""Run jobs on a schedule through django-tasks: what is due is enqueued, the worker runs it.

A job is a django-tasks Task and an interval. Each job's last run is stored (JobRun),
so a machine that slept through many intervals runs the job once on waking, not once
per missed interval. The scheduler only enqueues; django-tasks-db's worker claims
the tasks, runs them and records their results and errors. Apps register their jobs
when Django starts (AppConfig.ready), so this module never imports an app.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from amity.core.models import JobRun

log = logging.getLogger(__name__)
# Seconds before the worker polls again after an error (the database was locked, ...).
RESTART_AFTER = 2.0


@dataclass(frozen=True)
class Job:
    """A task to enqueue every `every()` (read each time, so a setting change applies)."""

    name: str
    task: Any
    """A django_tasks Task taking no arguments, or its dotted path (imported when due)."""
    every: Callable[[], dt.timedelta]

    def resolved_task(self) -> Any:
        """Return the Task, importing it now if it was registered by its path."""
        return import_string(self.task) if isinstance(self.task, str) else self.task


_JOBS: dict[str, Job] = {}


def register(*, name: str, task: Any, every: Callable[[], dt.timedelta]) -> None:
    """Schedule `task` to run every `every()`; registering a name again replaces it."""
    _JOBS[name] = Job(name=name, task=task, every=every)


def jobs() -> list[Job]:
    """Return the registered jobs, by name."""
    return [_JOBS[name] for name in sorted(_JOBS)]


def enqueue_due(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job whose interval has passed since its last run; return their names."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        # Another scheduler may create the row at the same moment: then it exists.
        with contextlib.suppress(IntegrityError):
            JobRun.objects.get_or_create(name=job.name)
        with transaction.atomic():
            run = JobRun.objects.select_for_update().get(name=job.name)
            if run.last_run_at is not None and now - run.last_run_at < job.every():
                continue
            job.resolved_task().enqueue()
            # Now, not last_run_at + every: missed runs are caught up once, not repeated.
            run.last_run_at = now
            run.save(update_fields=["last_run_at"])
        enqueued.append(job.name)
    return enqueued


def run_pending_tasks() -> None:
    """Run every task already queued, in this thread, then return (tests, `--once`)."""
    _db_worker(batch=True).run()


def _db_worker(*, batch: bool) -> Any:
    # The worker class of django-tasks-db's `db_worker` command: claims, runs, records.
    from django.utils.crypto import get_random_string
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["default"],
        interval=1.0,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"amity-{get_random_string(12)}",
        excluded_queue_names=[],
    )


class BackgroundWorker:
    """Run the scheduler and django-tasks-db's worker in two daemon threads."""

    def __init__(self, *, tick: float = 30.0) -> None:
        """Check for due jobs every `tick` seconds once started."""
        self.tick = tick
        self._stop = threading.Event()
        self._worker = _db_worker(batch=False)
        self._threads = [
            threading.Thread(target=self._schedule, name="amity-scheduler", daemon=True),
            threading.Thread(target=self._work, name="amity-worker", daemon=True),
        ]

    def start(self) -> BackgroundWorker:
        """Start both threads; return self."""
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Ask both threads to finish (a running task completes first) and wait for them."""
        self._stop.set()
        self._worker.running = False
        for thread in self._threads:
            thread.join(timeout)

    def wait(self) -> None:
        """Block until stop() is called (or Ctrl+C in the calling thread)."""
        while not self._stop.wait(1.0):
            pass

    def _schedule(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    close_old_connections()
                    for name in enqueue_due():
                        log.info("enqueued scheduled job %s", name)
                except Exception:  # a bad tick must not end the schedule
                    log.exception("the scheduler failed to enqueue due jobs")
                self._stop.wait(self.tick)
        finally:
            connections.close_all()

    def _work(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    self._worker.run()
                except Exception:  # e.g. a locked SQLite database: poll again shortly
                    log.exception("the task worker failed; restarting it")
                    close_old_connections()
                    self._stop.wait(RESTART_AFTER)
        finally:
            connections.close_all()
