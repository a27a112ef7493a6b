"""Test that `amity serve` mails the digest and pushes by itself (its in-process worker)."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.reminders.servers import smtp_server, webhook_server
from tests.test_serve import _free_port, _wait_for
from tests.test_serve import fresh_env as fresh_env  # a fixture, used by name


def amity(env: dict[str, str], *args: str, stdin: str = "") -> None:
    subprocess.run(
        [sys.executable, "-m", "amity", *args],
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )


def test_serve_sends_the_digest_and_the_push_once_at_the_users_hour(
    fresh_env: dict[str, str],
) -> None:
    amity(
        fresh_env,
        "user",
        "create",
        "ada",
        "--email",
        "ada@example.org",
        "--password-stdin",
        stdin="correct horse battery\n",
    )
    amity(fresh_env, "demo", "--user", "ada")
    with smtp_server() as (smtp_port, inbox), webhook_server() as (hook_port, pushes):
        env = {
            **fresh_env,
            "AMITY_EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "AMITY_NOTIFY_URLS": f"json://127.0.0.1:{hook_port}/",
            "AMITY_DIGEST_HOUR": "0",  # due at once, whatever the time of day
        }
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "amity", "serve", "--no-demo", "--port", str(port)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait_for(f"http://127.0.0.1:{port}/login/", process)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and not (inbox.received and pushes):
                time.sleep(0.3)
            # A few more scheduler ticks' worth of time: nothing goes out twice.
            time.sleep(3)
        finally:
            process.terminate()
            output, _ = process.communicate(timeout=30)
    assert "Background worker started" in output
    assert [recipients for recipients, _ in inbox.received] == [["ada@example.org"]], output
    [(_, message)] = inbox.received
    assert message["Subject"].startswith("Amity, ")
    [push] = pushes
    assert push["message"].startswith(("Reach out to", "Nobody is due"))
