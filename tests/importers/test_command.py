"""Test `amity import FORMAT PATH`: the printed summary, --json and failures."""

from __future__ import annotations

import json
from io import StringIO

import pytest

from amity.cli import call
from amity.cli.base import CliError
from amity.people.models import Person
from tests.importers.conftest import DATA


def _call(*args: str) -> str:
    out = StringIO()
    call("import", *args, stdout=out)
    return out.getvalue()


def test_it_prints_a_summary_with_skip_reasons(user) -> None:
    text = _call("linkedin", str(DATA / "linkedin"), "--user", "ada")
    assert "people: 7 created, 0 updated, 0 unchanged" in text
    assert "interactions: 7 created" in text
    assert "2 × hidden LinkedIn member (no name or profile URL)" in text


def test_it_answers_in_json_with_a_stable_shape(user) -> None:
    data = json.loads(
        _call(
            "mbox",
            str(DATA / "mail.mbox"),
            "--me",
            "sam.carter@example.net",
            "--me",
            "sam@carter.example",
            "--json",
        )
    )
    assert set(data) == {
        "format",
        "file",
        "dry_run",
        "people",
        "interactions",
        "skipped",
        "skipped_at",
        "totals",
        "seconds",
        "run_id",
        "changes",
    }
    assert data["interactions"] == {"created": 5, "updated": 0, "unchanged": 0}
    assert data["totals"]["skipped"] == 5 and isinstance(data["run_id"], int)
    again = json.loads(
        _call(
            "mbox",
            str(DATA / "mail.mbox"),
            "--me",
            "sam.carter@example.net",
            "--me",
            "sam@carter.example",
            "--json",
        )
    )
    assert again["interactions"] == {"created": 0, "updated": 0, "unchanged": 5}


def test_it_fails_with_file_and_line_and_a_json_error(user, tmp_path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("person,occurred_at\nada@engines.example,someday\n")
    out = StringIO()
    with pytest.raises(
        CliError, match=r"log\.csv:2: occurred_at: 'someday' is not a date and time"
    ):
        call("import", "interactions", str(path), "--json", stdout=out)
    error = json.loads(out.getvalue())
    assert error == {
        "error": f"{path}:2: occurred_at: 'someday' is not a date and time",
        "file": str(path),
        "line": 2,
        "reason": "occurred_at: 'someday' is not a date and time",
    }
    assert Person.objects.count() == 0


def test_it_says_when_the_path_does_not_exist(user, tmp_path) -> None:
    with pytest.raises(CliError, match="no such file or folder"):
        _call("vcard", str(tmp_path / "missing.vcf"))


def test_it_previews_with_dry_run(user) -> None:
    text = _call("google", str(DATA / "google_old.csv"), "--dry-run")
    assert text.startswith("Would import") and "people: 2 created" in text
    assert Person.objects.count() == 0
