"""Test the import pages: upload, the background worker, progress, results and history.

Uploads run on django-tasks-db's real worker, in this thread (run_pending_tasks), as
`amity worker --once` would; the worker closes connections between tasks as in
production, so these tests run outside a test transaction.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amity.importers.models import ImportChange, ImportJob, ImportRun
from amity.people.models import Person
from tests.importers.conftest import DATA

LINKEDIN = DATA / "linkedin"
worker_test = pytest.mark.django_db(transaction=True)


def _upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (DATA / name).read_bytes())


def _linkedin_zip(connections: str = "Connections.csv") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(LINKEDIN / connections, arcname="export/Connections.csv")
        archive.write(LINKEDIN / "messages.csv", arcname="export/messages.csv")
    return _upload("Basic_LinkedInDataExport.zip", buffer.getvalue())


def _work() -> None:
    from amity.core.schedule import run_pending_tasks

    run_pending_tasks()


def _post(client: Any, data: dict[str, Any]) -> Any:
    return client.post(reverse("imports"), data)


def test_it_needs_a_login(client) -> None:
    response = client.get(reverse("imports"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@worker_test
def test_an_upload_runs_on_the_worker_and_lands_on_its_result(client, user) -> None:
    client.force_login(user)
    page = client.get(reverse("imports"))
    assert page.status_code == 200 and b"Upload a file" in page.content
    response = _post(client, {"format": "google", "file": _upload("google_new.csv")})
    job = ImportJob.objects.get(owner=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("import_job", args=[job.pk])
    # Nothing is imported inside the request: the job waits for the worker.
    assert job.status == "queued" and Person.objects.count() == 0
    waiting = client.get(response["Location"])
    assert b"Waiting for the worker" in waiting.content and b"<progress" in waiting.content
    # Without JavaScript the page refreshes itself.
    assert b'<noscript><meta http-equiv="refresh"' in waiting.content
    _work()
    job.refresh_from_db()
    assert job.status == "done" and job.run_id is not None
    assert not Path(job.stored_path).exists()  # the upload is removed once read
    done = client.get(response["Location"])
    assert done.status_code == 302 and done["Location"] == reverse("import_run", args=[job.run_id])
    result = client.get(done["Location"])
    assert b"Imported google_new.csv" in result.content
    names = Person.objects.filter(owner=user).values_list("full_name", flat=True)
    assert len(names) == 4
    for name in names:
        assert name.encode() in result.content
    history = client.get(reverse("imports"))
    assert reverse("import_run", args=[job.run_id]).encode() in history.content


@worker_test
def test_the_progress_endpoint_advances_while_the_worker_imports(client, user, monkeypatch) -> None:
    from amity.importers import jobs

    client.force_login(user)
    _post(client, {"format": "linkedin", "file": _linkedin_zip()})
    job = ImportJob.objects.get()
    url = reverse("import_job_progress", args=[job.pk])
    assert client.get(url).json()["status"] == "queued"
    seen: list[dict[str, Any]] = []
    write = jobs.JobProgress._write

    def write_and_look(self: Any, *, force: bool) -> None:
        # Every progress write, then what the endpoint says right after it.
        write(self, force=True)
        seen.append(client.get(url).json())

    monkeypatch.setattr(jobs.JobProgress, "_write", write_and_look)
    _work()
    percents = [state["percent"] for state in seen]
    assert all(state["status"] == "running" for state in seen)
    assert percents == sorted(percents) and 0 <= percents[0] < 30 and percents[-1] > 80
    assert len(set(percents)) >= 4, percents
    phases = [state["phase"] for state in seen]
    assert "Matching people" in phases and "Publishing" in phases
    final = client.get(url).json()
    assert final["percent"] == 100 and final["next"] == reverse(
        "import_run", args=[final["run_id"]]
    )


@worker_test
def test_a_reimport_shows_who_changed_and_the_old_values(client, user) -> None:
    client.force_login(user)
    _post(client, {"format": "linkedin", "file": _linkedin_zip()})
    _work()
    _post(client, {"format": "linkedin", "file": _linkedin_zip("Connections_newer.csv")})
    _work()
    run = ImportRun.objects.filter(owner=user).first()
    page = client.get(reverse("import_run", args=[run.pk])).content.decode()
    assert "Changed <span" in page and "Created <span" in page
    assert "<del>Staff Engineer</del> → <ins>Principal Engineer</ins>" in page
    assert "<del>Finchwell Labs</del> → <ins>Tidewater Institute</ins>" in page
    assert "Kwame Asante" in page
    tobias = Person.objects.get(owner=user, full_name="Tobias Lindqvist")
    change = ImportChange.objects.get(person=tobias, field="title")
    assert (change.old, change.new, change.run_id) == (
        "Staff Engineer",
        "Principal Engineer",
        run.pk,
    )
    # The history keeps both imports; the first one can be reopened with its people.
    first = ImportRun.objects.filter(owner=user).last()
    reopened = client.get(reverse("import_run", args=[first.pk])).content.decode()
    assert "Tobias Lindqvist" in reopened and "Mirela Okonkwo-Hart" in reopened


@worker_test
def test_a_dry_run_previews_each_person_without_writing(client, user) -> None:
    client.force_login(user)
    me = "sam.carter@example.net, sam@carter.example"
    _post(client, {"format": "mbox", "file": _upload("mail.mbox"), "me": me, "dry_run": "on"})
    _work()
    job = ImportJob.objects.get()
    page = client.get(reverse("import_job", args=[job.pk]))
    assert page.status_code == 200
    assert b"What this file would change" in page.content
    assert b"Would create" in page.content
    assert b"automated sender or mailing list" in page.content
    assert Person.objects.count() == 0 and ImportRun.objects.count() == 0


@worker_test
def test_a_bad_line_fails_with_file_line_and_reason_and_writes_nothing(client, user) -> None:
    client.force_login(user)
    bad = b"person,occurred_at\nada@engines.example,someday\n"
    _post(client, {"format": "interactions", "file": _upload("log.csv", bad)})
    _work()
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.error_line == 2 and job.error_file == "log.csv"
    page = client.get(reverse("import_job", args=[job.pk]))
    assert b"Nothing was imported" in page.content
    assert b"log.csv:2: occurred_at: &#x27;someday&#x27; is not a date and time" in page.content
    assert b"<dt>Line</dt><dd>2</dd>" in page.content
    state = client.get(reverse("import_job_progress", args=[job.pk])).json()
    assert state["status"] == "failed" and "someday" in state["error"]
    assert Person.objects.count() == 0 and ImportRun.objects.count() == 0


def test_a_file_of_the_wrong_format_is_refused_at_once(client, user) -> None:
    client.force_login(user)
    response = _post(client, {"format": "vcard", "file": _upload("calendar.ics")})
    assert response.status_code == 400
    assert b"this looks like an iCalendar file, not a vCard file" in response.content
    assert ImportJob.objects.count() == 0


def test_the_help_follows_the_chosen_format(client, user) -> None:
    client.force_login(user)
    page = client.get(reverse("imports")).content.decode()
    # Every format's steps are on the page (the script shows the chosen one).
    for name in ("linkedin", "google", "vcard", "mbox", "ics"):
        assert f'id="help-{name}" data-format="{name}" >' in page
    assert "Get a copy of your data" in page and "contacts.google.com" in page
    assert 'data-format-help="format-help"' in page and "amity/imports.js" in page
    # A format's own page (no script needed) shows its steps only and picks it.
    vcard = client.get(reverse("imports") + "?format=vcard").content.decode()
    assert 'id="help-vcard" data-format="vcard" >' in vcard
    assert 'id="help-linkedin" data-format="linkedin" hidden>' in vcard
    assert '<option value="vcard" selected>' in vcard


def test_it_never_shows_another_users_imports(client, user, other_user) -> None:
    theirs = ImportRun.objects.create(owner=other_user, format="google", file_name="secret.csv")
    job = ImportJob.objects.create(owner=other_user, format="google", file_name="secret.csv")
    client.force_login(user)
    assert client.get(reverse("import_run", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("import_job_progress", args=[job.pk])).status_code == 404
    assert b"secret.csv" not in client.get(reverse("imports")).content


def test_the_person_page_shows_what_imports_changed(client, user, tmp_path: Path) -> None:
    from tests.importers.conftest import run

    for name in ("Connections.csv", "Connections_newer.csv"):
        (tmp_path / "Connections.csv").write_bytes((LINKEDIN / name).read_bytes())
        newer = run(user, "linkedin", tmp_path / "Connections.csv")
    tobias = Person.objects.get(owner=user, full_name="Tobias Lindqvist")
    client.force_login(user)
    page = client.get(reverse("person", args=[tobias.pk])).content.decode()
    assert "Changed by imports" in page
    assert "<del>Staff Engineer</del> → <ins>Principal Engineer</ins>" in page
    assert reverse("import_run", args=[newer.run_id]) in page
