"""Test the CLI in a fresh AMITY_HOME, as a new user meets it (real processes)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from amity.people import validation

FIRST_USER = "Created the first Amity user: amity (password: "


def amity(
    *args: str, home: Path, stdin: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run `python -m amity ARGS…` with AMITY_HOME=home; fail on a non-zero exit if `check`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMITY_", "DJANGO_"))}
    env["AMITY_HOME"] = str(home)
    result = subprocess.run(
        [sys.executable, "-m", "amity", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=180,
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def query(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "amity.sqlite3") as db:
        return db.execute(sql).fetchall()


def test_every_verb_creates_the_first_user_and_says_so(tmp_path: Path) -> None:
    added = amity("people", "add", "Ada Lovelace", "--json", home=tmp_path)
    assert FIRST_USER in added.stderr
    assert "amity user password amity" in added.stderr
    assert json.loads(added.stdout)["full_name"] == "Ada Lovelace"
    again = amity("log", "Ada", "--channel", "call", home=tmp_path)
    assert "first Amity user" not in again.stderr
    assert query(tmp_path, "SELECT username FROM auth_user") == [("amity",)]


def test_log_and_today_refuse_days_to_come_as_the_web_does(tmp_path: Path) -> None:
    amity("people", "add", "Ada Lovelace", home=tmp_path)
    logged = amity("log", "Ada", "--at", "2031-01-01", home=tmp_path, check=False)
    assert logged.returncode == 1
    assert logged.stderr.strip().splitlines()[-1] == (
        f"amity: error: --at: {validation.FUTURE_DATE}"
    )
    assert query(tmp_path, "SELECT count(*) FROM people_interaction") == [(0,)]
    listed = amity("today", "--as-of", "2031-01-01", home=tmp_path, check=False)
    assert listed.returncode == 1
    assert listed.stderr.strip() == f"amity: error: --as-of: {validation.FUTURE_DAY}"
    assert query(tmp_path, "SELECT count(*) FROM people_dailylist") == [(0,)]


def test_it_edits_deletes_and_undoes_interactions_and_notes(tmp_path: Path) -> None:
    amity("people", "add", "Ada Lovelace", home=tmp_path)
    amity("people", "add", "Grace Hopper", home=tmp_path)
    logged = json.loads(amity("log", "Ada", "--note", "Tea", "--json", home=tmp_path).stdout)
    pk = logged["id"]
    edited = amity(
        "interaction", "edit", str(pk), "--note", "Long lunch", "--deposit", "help",
        "--at", "2026-01-05", "--with", "Ada", "Grace", "--json", home=tmp_path,
    )  # fmt: skip
    data = json.loads(edited.stdout)
    assert (data["summary"], data["intent"], data["subtype"]) == ("Long lunch", "deposit", "help")
    assert data["occurred_at"].startswith("2026-01-05T12:00") and len(data["people"]) == 2
    future = amity("interaction", "edit", str(pk), "--at", "2031-01-01", home=tmp_path, check=False)
    assert future.stderr.strip() == f"amity: error: --at: {validation.FUTURE_DATE}"
    deleted = amity("interaction", "delete", str(pk), home=tmp_path)
    assert deleted.stdout.startswith("Deleted the message with Grace Hopper and Ada Lovelace on ")
    assert "Undo: amity undo" in deleted.stdout
    assert query(tmp_path, "SELECT count(*) FROM people_interaction") == [(0,)]
    amity("undo", home=tmp_path)
    assert query(tmp_path, "SELECT id, summary FROM people_interaction") == [(pk, "Long lunch")]
    assert query(tmp_path, "SELECT interaction_count FROM people_person ORDER BY id") == [
        (1,),
        (1,),
    ]
    note = json.loads(amity("note", "add", "Ada", "Likes tea", "--json", home=tmp_path).stdout)
    amity("note", "edit", str(note["id"]), "Likes green tea", home=tmp_path)
    gone = json.loads(amity("note", "delete", str(note["id"]), "--json", home=tmp_path).stdout)
    listing = json.loads(amity("undo", "--list", "--json", home=tmp_path).stdout)
    assert listing[0]["id"] == gone["undo_id"]
    amity("undo", str(gone["undo_id"]), home=tmp_path)
    assert query(tmp_path, "SELECT body FROM people_note") == [("Likes green tea",)]
    twice = amity("undo", str(gone["undo_id"]), home=tmp_path, check=False)
    assert twice.returncode == 1 and "cannot be undone" in twice.stderr


def test_user_password_changes_it_from_stdin_only_when_asked(tmp_path: Path) -> None:
    amity("people", "list", home=tmp_path)
    before = query(tmp_path, "SELECT password FROM auth_user")
    refused = amity("user", "password", "amity", home=tmp_path, stdin="", check=False)
    assert refused.returncode == 1 and "--password-stdin" in refused.stderr
    weak = amity("user", "password", "amity", "--stdin", home=tmp_path, stdin="123\n", check=False)
    assert weak.returncode == 1 and "too short" in weak.stderr
    assert query(tmp_path, "SELECT password FROM auth_user") == before
    changed = amity(
        "user", "password", "amity", "--stdin", home=tmp_path, stdin="a much better secret\n"
    )
    assert "Changed the password of amity." in changed.stdout
    assert query(tmp_path, "SELECT password FROM auth_user") != before


@pytest.fixture(scope="module")
def export_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write an export of a small network made in a home of its own."""
    home = tmp_path_factory.mktemp("source")
    amity("people", "add", "Ada Lovelace", home=home)
    amity("log", "Ada", "--channel", "call", "--note", "Tea", home=home)
    target = home / "export.json"
    amity("export", "--format", "json", "--output", str(target), home=home)
    return target


def test_restore_into_a_fresh_home_creates_the_first_user(tmp_path, export_file) -> None:
    restored = amity("restore", str(export_file), home=tmp_path)
    assert FIRST_USER in restored.stderr
    assert "Restored" in restored.stdout and "1 people" in restored.stdout
    assert query(tmp_path, "SELECT full_name FROM people_person") == [("Ada Lovelace",)]
    # serve then keeps the restored network: no demo on top of it.
    served = amity("serve", "--check", home=tmp_path)
    assert "Loaded the demo" not in served.stdout
    assert query(tmp_path, "SELECT count(*) FROM people_person") == [(1,)]


def test_restore_replaces_the_demo_serve_loaded_but_never_a_used_one(tmp_path, export_file) -> None:
    served = amity("serve", "--check", home=tmp_path)
    assert "Loaded the demo network" in served.stdout
    amity("today", home=tmp_path)  # looking at Today stores its list: still untouched
    amity("restore", str(export_file), home=tmp_path)
    assert query(tmp_path, "SELECT full_name FROM people_person") == [("Ada Lovelace",)]
    assert query(tmp_path, "SELECT count(*) FROM people_interaction") == [(1,)]
    # Now the account is in use: a second restore is refused, nothing written.
    again = amity("restore", str(export_file), home=tmp_path, check=False)
    assert again.returncode == 1 and "restore only into an empty account" in again.stderr


def test_a_used_demo_is_never_replaced(tmp_path, export_file) -> None:
    amity("serve", "--check", home=tmp_path)
    amity("people", "add", "Someone New", home=tmp_path)
    refused = amity("restore", str(export_file), home=tmp_path, check=False)
    assert refused.returncode == 1 and "nothing was restored" in refused.stderr
    assert query(tmp_path, "SELECT count(*) FROM people_person WHERE full_name = 'Someone New'")


def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = amity(
            "serve", "--host", "127.0.0.1", "--port", str(port), home=tmp_path, check=False
        )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith(f"amity: error: cannot listen on 127.0.0.1:{port}: ")
    assert "Traceback" not in result.stderr


def test_import_into_a_fresh_home_creates_the_first_user(tmp_path: Path) -> None:
    cards = Path(__file__).resolve().parents[1] / "importers" / "data" / "contacts.vcf"
    imported = amity("import", "vcard", str(cards), home=tmp_path)
    assert FIRST_USER in imported.stderr and "3 created" in imported.stdout
    assert query(tmp_path, "SELECT username FROM auth_user") == [("amity",)]
    # An empty-but-for-imports home gets no demo from serve either.
    assert "Loaded the demo" not in amity("serve", "--check", home=tmp_path).stdout
