"""Test that a long import never holds SQLite's write lock past other writers' patience.

A real import runs in one process while another writes people through the ORM with
a short busy timeout; every one of its writes must succeed. Before staging, the
import held the lock for its whole write phase and the other writer failed with
"database is locked".
"""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.security.bombs import amity_env, python

MESSAGES = 150_000
WRITER_TIMEOUT = "4"
ME = "https://www.linkedin.com/in/sam-carter"

sqlite_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's single writer lock is what this tests",
)


def write_messages(path: Path, count: int) -> None:
    """Write a LinkedIn messages.csv of `count` messages with 3,000 people."""
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
             "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER"]
        )  # fmt: skip
        for n in range(count):
            i = n % 3000
            name, url = f"Person {i} Example", f"https://www.linkedin.com/in/person-{i}"
            sender, recipient = ((name, url), ("Sam Carter", ME))[:: 1 if n % 2 else -1]
            when = start + dt.timedelta(seconds=n * 900)
            writer.writerow(
                [f"conv-{i}", "", *sender, *recipient, when.strftime("%Y-%m-%d %H:%M:%S UTC"),
                 "", f"Message {n}: shall we talk next week?", "INBOX"]
            )  # fmt: skip


_WRITER = textwrap.dedent(
    """
    import os, sys, time
    os.environ["DJANGO_SETTINGS_MODULE"] = "amity.settings"
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from amity.people import services
    owner = get_user_model().objects.get(username="ada")
    stop, failures, slowest, writes = sys.argv[1], [], 0.0, 0
    while not os.path.exists(stop):
        started = time.monotonic()
        try:
            services.create_person(owner=owner, full_name=f"Concurrent {writes}")
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
        slowest = max(slowest, time.monotonic() - started)
        writes += 1
        time.sleep(0.05)
    print(f"WRITES {writes} FAILURES {len(failures)} SLOWEST {slowest:.2f}")
    print("\\n".join(failures[:3]))
    """
)


@sqlite_only
def test_it_lets_another_writer_in_during_a_long_import(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = amity_env(home)
    subprocess.run(
        [python(), "-m", "amity", "user", "create", "ada", "--password-stdin"],
        input=b"correct horse battery\n",
        env=env,
        check=True,
        capture_output=True,
    )
    messages = tmp_path / "messages.csv"
    write_messages(messages, MESSAGES)
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [python(), "-c", _WRITER, str(stop)],
        env=amity_env(home, AMITY_SQLITE_BUSY_TIMEOUT=WRITER_TIMEOUT),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(2)  # the writer is up and writing
    started = time.monotonic()
    result = subprocess.run(
        [python(), "-m", "amity", "import", "linkedin", str(messages), "--me", ME, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    took = time.monotonic() - started
    stop.touch()
    output, _ = writer.communicate(timeout=60)
    assert result.returncode == 0, result.stderr
    assert f'"created": {MESSAGES}' in result.stdout
    print(f"import {took:.1f} s; writer: {output.strip()}", file=sys.stderr)
    assert took > float(WRITER_TIMEOUT), "the import was too short to test anything"
    assert " FAILURES 0 " in output, output
