"""Test /api/v1/imports: history, one import person by person, and uploads via the worker."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from amity.cli import call
from tests.importers.conftest import DATA

LINKEDIN = DATA / "linkedin"


def _validator(client, component: str) -> jsonschema.Validator:
    document = client.get("/api/v1/openapi.json").json()
    schema = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    return jsonschema.Draft202012Validator(schema)


def test_it_serves_an_import_as_the_command_printed_it(api, user, tmp_path: Path) -> None:
    target = tmp_path / "Connections.csv"
    for name in ("Connections.csv", "Connections_newer.csv"):
        shutil.copy(LINKEDIN / name, target)
        out = io.StringIO()
        call("import", "linkedin", str(target), "--json", "--user", "ada", stdout=out)
    printed = json.loads(out.getvalue())
    served = api.get(f"/api/v1/imports/{printed['run_id']}")
    assert served.status_code == 200
    _validator(api, "ImportSummaryPublic").validate(served.json())
    body = served.json()
    # The same people and changes the command printed (seconds differ: publishing ran on).
    for key in ("people", "interactions", "skipped", "totals", "run_id"):
        assert body[key] == printed[key], key
    key = lambda change: (change["action"], change["name"])  # noqa: E731
    assert sorted(body["changes"], key=key) == sorted(printed["changes"], key=key)
    tobias = next(c for c in body["changes"] if c["name"] == "Tobias Lindqvist")
    assert tobias["fields"] == [
        {"field": "title", "old": "Staff Engineer", "new": "Principal Engineer"}
    ]
    history = api.get("/api/v1/imports").json()
    assert [run["id"] for run in history][0] == printed["run_id"] and len(history) == 2


def test_it_never_serves_another_users_import(api, other_api, user) -> None:
    out = io.StringIO()
    call("import", "google", str(DATA / "google_new.csv"), "--json", "--user", "ada", stdout=out)
    run_id = json.loads(out.getvalue())["run_id"]
    assert other_api.get(f"/api/v1/imports/{run_id}").status_code == 404
    assert other_api.get("/api/v1/imports").json() == []


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_queued_and_run_by_the_worker(api, user) -> None:
    from amity.core.schedule import run_pending_tasks

    upload = (DATA / "google_new.csv").read_bytes()
    response = api.post(
        "/api/v1/imports",
        {"format": "google", "file": io.BytesIO(upload)},
    )
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["status"] == "queued" and job["percent"] == 0
    run_pending_tasks()
    done = api.get(f"/api/v1/imports/jobs/{job['id']}").json()
    assert done["status"] == "done" and done["percent"] == 100
    result = api.get(f"/api/v1/imports/{done['run_id']}").json()
    assert result["people"]["created"] == 4
    assert sorted(c["action"] for c in result["changes"]) == ["created"] * 4


def test_an_upload_of_the_wrong_format_is_refused_at_once(api, user) -> None:
    response = api.post(
        "/api/v1/imports",
        {"format": "vcard", "file": io.BytesIO((DATA / "calendar.ics").read_bytes())},
    )
    assert response.status_code == 400
    assert "this looks like an iCalendar file, not a vCard file" in response.json()["detail"]
