"""Test the import page: upload, preview, errors, history and owner isolation."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amity.importers.models import ImportRun
from amity.people.models import Person
from tests.importers.conftest import DATA


def _upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (DATA / name).read_bytes())


def test_it_needs_a_login(client) -> None:
    response = client.get(reverse("imports"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_imports_an_upload_and_shows_what_changed(client, user) -> None:
    client.force_login(user)
    page = client.get(reverse("imports"))
    assert page.status_code == 200 and b"Upload a file" in page.content
    assert b'aria-current="page"' in page.content
    response = client.post(
        reverse("imports"), {"format": "google", "file": _upload("google_new.csv")}
    )
    run = ImportRun.objects.get(owner=user)
    assert response.status_code == 302 and response["Location"].endswith(f"?run={run.pk}")
    shown = client.get(response["Location"])
    assert b"Imported google_new.csv" in shown.content
    assert Person.objects.filter(owner=user).count() == 4
    assert b"google_new.csv" in shown.content  # in the history table too


def test_it_imports_a_linkedin_zip_upload(client, user) -> None:
    client.force_login(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("Connections.csv", "messages.csv"):
            archive.write(DATA / "linkedin" / name, arcname=f"export/{name}")
    upload = _upload("Basic_LinkedInDataExport.zip", buffer.getvalue())
    client.post(reverse("imports"), {"format": "linkedin", "file": upload})
    # Five connections, plus Lena, whom only a message names.
    assert Person.objects.filter(owner=user).count() == 6


def test_it_previews_without_writing(client, user) -> None:
    client.force_login(user)
    response = client.post(
        reverse("imports"),
        {
            "format": "mbox",
            "file": _upload("mail.mbox"),
            "me": "sam.carter@example.net, sam@carter.example",
            "dry_run": "on",
        },
    )
    assert response.status_code == 200
    assert b"What this file would change" in response.content
    assert b"automated sender or mailing list" in response.content
    assert Person.objects.count() == 0 and ImportRun.objects.count() == 0


def test_it_shows_the_file_and_line_of_a_bad_file_and_writes_nothing(client, user) -> None:
    client.force_login(user)
    bad = b"person,occurred_at\nada@engines.example,someday\n"
    response = client.post(
        reverse("imports"), {"format": "interactions", "file": _upload("log.csv", bad)}
    )
    assert response.status_code == 400
    assert b"log.csv:2: &#x27;someday&#x27; is not a date and time" in response.content
    assert Person.objects.count() == 0


def test_it_names_a_file_of_the_wrong_format(client, user) -> None:
    client.force_login(user)
    response = client.post(reverse("imports"), {"format": "vcard", "file": _upload("calendar.ics")})
    assert response.status_code == 400
    assert b"this looks like an iCalendar file, not a vCard file" in response.content


def test_it_never_shows_another_users_import(client, user, other_user) -> None:
    theirs = ImportRun.objects.create(owner=other_user, format="google", file_name="secret.csv")
    client.force_login(user)
    page = client.get(f"{reverse('imports')}?run={theirs.pk}")
    assert b"secret.csv" not in page.content
