"""Test that `amity serve` runs the background worker in-process, unless told not to."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.test_serve import _free_port, _wait_for
from tests.test_serve import fresh_env as fresh_env  # a fixture, used by name


def _serve(env: dict[str, str], wait: float) -> tuple[str, Path]:
    """Run `amity serve` until the scheduled job ran (or `wait` s); return output and database."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "amity", "serve", "--no-demo", "--port", str(port)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    database = Path(env["AMITY_HOME"]) / "amity.sqlite3"
    try:
        _wait_for(f"http://127.0.0.1:{port}/login/", process)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and not _finished_tasks(database):
            time.sleep(0.3)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    return output, database


def _finished_tasks(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT task_path, status FROM django_tasks_database_dbtaskresult"
            " WHERE status != 'READY' AND task_path LIKE 'amity.sync.%'"
        ).fetchall()


def test_serve_runs_the_scheduled_sync_in_process(fresh_env: dict[str, str]) -> None:
    output, database = _serve(fresh_env, wait=60)
    assert "Background worker started" in output
    assert _finished_tasks(database) == [("amity.sync.tasks.sync_all_accounts", "SUCCESSFUL")]


def test_serve_leaves_the_work_to_amity_worker_when_told(fresh_env: dict[str, str]) -> None:
    # The in-process worker runs the first sync within a second or two of starting.
    output, database = _serve({**fresh_env, "AMITY_SERVE_WORKER": "false"}, wait=8)
    assert "Background worker started" not in output
    assert _finished_tasks(database) == []
