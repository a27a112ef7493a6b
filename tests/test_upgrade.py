"""Test that a database made by an earlier Amity keeps working after an upgrade.

`tests/data/upgrade/amity-18bf48e.sqlite3.gz` was made by main at 18bf48e (before the
relationship engine and export left the people app): `amity demo --today 2026-11-01`
for user ada, Lukas Hoffmann (#20) snoozed for 30 days, a monthly cadence for #21,
and that day's list computed. Its export then counted the sections below.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "data" / "upgrade" / "amity-18bf48e.sqlite3.gz"
EXPORTED_BEFORE = {
    "tags": 14,
    "people": 340,
    "interactions": 6854,
    "notes": 65,
    "snoozes": 1,
    "cadences": 1,
    "daily_lists": 1,
}


def amity(home: Path, *args: str) -> str:
    """Run `amity ARGS…` on the database in `home` and return what it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMITY_", "DJANGO_"))}
    env["AMITY_HOME"] = str(home)
    result = subprocess.run(
        [sys.executable, "-m", "amity", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def old_home(tmp_path: Path) -> Path:
    """Return an AMITY_HOME holding the earlier version's database."""
    with gzip.open(FIXTURE) as packed, (tmp_path / "amity.sqlite3").open("wb") as db:
        shutil.copyfileobj(packed, db)
    return tmp_path


def test_it_upgrades_a_database_made_by_the_previous_layout(old_home: Path) -> None:
    exported = json.loads(amity(old_home, "export", "--format", "json"))
    assert {k: len(exported[k]) for k in EXPORTED_BEFORE} == EXPORTED_BEFORE
    assert exported["snoozes"][0]["until"] == "2027-01-04"
    assert exported["cadences"][0]["days"] == 30

    today = json.loads(amity(old_home, "today", "--as-of", "2026-11-01", "--json"))
    assert today["day"] == "2026-11-01" and len(today["items"]) == 5
    assert 20 not in [item["id"] for item in today["items"]]  # still snoozed
    strength = json.loads(amity(old_home, "strength", "#21", "--json"))
    assert strength["people"][0]["cadence_days"] == 30
