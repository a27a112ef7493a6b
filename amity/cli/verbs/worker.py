"""Run background jobs (syncs, reminders) on django-tasks: `amity worker [--once]`."""

from __future__ import annotations

from typing import Any

from amity.cli.base import ArgumentParser, Verb
from amity.core.schedule import BackgroundWorker, enqueue_due, run_pending_tasks


class WorkerVerb(Verb):
    """Enqueue due jobs every half minute and run queued tasks until stopped."""

    help = (
        "Run the background worker: syncs every AMITY_SYNC_INTERVAL minutes, each user's "
        "digest and push once a day at their hour (caught up once after the machine slept), "
        "and tasks the web queues (Sync now). `amity serve` runs one itself unless "
        "AMITY_SERVE_WORKER=false."
    )
    supports_json = False
    acts_as_user = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare --once."""
        parser.add_argument(
            "--once",
            action="store_true",
            help="enqueue what is due, run every queued task, then exit (for cron)",
        )

    def handle(self, **options: Any) -> None:
        """Run until Ctrl+C, or once."""
        if options["once"]:
            due = enqueue_due()
            run_pending_tasks()
            self.stdout.write(f"Ran {', '.join(due) or 'no due jobs'} and every queued task.")
            return
        worker = BackgroundWorker().start()
        self.stdout.write("Amity worker running (Ctrl+C to stop).")
        try:
            worker.wait()
        except KeyboardInterrupt:
            self.stdout.write("Stopping after the running task…")
        finally:
            worker.stop()
