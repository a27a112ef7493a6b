"""Test the one rule for control characters: refused when typed, removed from files.

Each test runs on SQLite and again on PostgreSQL (which cannot store NUL): the
outcome must be the same on both.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from amity.people import services, timeline
from amity.people.models import Interaction, Person
from amity.portability.exporting import restore_json
from tests.importers.conftest import run

pytestmark = pytest.mark.django_db

MBOX = (
    b"From ada@example.org Mon Jan  5 10:00:00 2026\n"
    b"From: Ada Lovelace <ada@example.org>\n"
    b"To: Sam <sam@example.net>\n"
    b"Subject: Engines\x00 and \x01looms\n"
    b"Date: Mon, 5 Jan 2026 10:00:00 +0000\n"
    b"Message-ID: <engines@example.org>\n"
    b"\n"
    b"The analytical\x00 engine weaves\x07 patterns.\n"
)


def test_it_imports_an_mbox_with_nul_in_a_subject_without_the_nul(user, tmp_path: Path) -> None:
    path = tmp_path / "mail.mbox"
    path.write_bytes(MBOX)
    summary = run(user, "mbox", path, me=["sam@example.net"])
    assert summary.interactions.created == 1
    interaction = Interaction.objects.get(owner=user)
    assert interaction.summary == "Engines and looms"
    assert "\x00" not in interaction.content and "\x07" not in interaction.content
    assert "The analytical engine weaves patterns." in interaction.content


def test_it_removes_control_characters_from_csv_cells(user, tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_bytes(
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Ada,Love\x01lace,https://www.linkedin.com/in/ada,,Analytical\x1b Engines,,\n"
    )
    run(user, "linkedin", path)
    person = Person.objects.get(owner=user)
    assert (person.full_name, person.company) == ("Ada Lovelace", "Analytical Engines")


def test_it_restores_an_export_holding_nul_without_it(user, other_user) -> None:
    ada = services.create_person(owner=user, full_name="Ada Lovelace")
    timeline.log_interaction(owner=user, people=[ada], channel="email", summary="hello")
    out = io.StringIO()
    from amity.cli import call

    call("export", "--user", "ada", stdout=out)
    document = json.loads(out.getvalue())
    # What an SQLite database could hold before this rule: NUL inside stored text.
    document["interactions"][0]["summary"] = "hel\x00lo\x01"
    document["people"][0]["full_name"] = "Ada\x00 Lovelace"
    Interaction.objects.filter(owner=user).delete()
    Person.objects.filter(owner=user).delete()
    restore_json(owner=other_user, fp=io.StringIO(json.dumps(document)))
    assert Person.objects.get(owner=other_user).full_name == "Ada Lovelace"
    assert Interaction.objects.get(owner=other_user).summary == "hello"


def test_it_refuses_nul_typed_into_a_web_form(client, user) -> None:
    client.force_login(user)
    response = client.post("/people/new/", {"full_name": "Ada\x00 Lovelace"})
    assert response.status_code == 400
    assert b"contains a control character (U+0000)" in response.content
    assert not Person.objects.filter(owner=user).exists()


def test_it_refuses_nul_in_a_web_search(client, user) -> None:
    client.force_login(user)
    response = client.get("/people/?q=ada%00")
    assert response.status_code == 400
    assert b"<code>q</code> contains a control character" in response.content


def test_it_answers_422_to_nul_in_an_api_body(client, user) -> None:
    client.force_login(user)
    from amity.accounts.services import create_token

    _, raw = create_token(owner=user)
    response = client.post(
        "/api/v1/people",
        data=json.dumps({"full_name": "Ada", "emails": ["ada\x00@example.org"]}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "emails.0", "message": "contains a control character (U+0000)"}
    ]
    assert not Person.objects.filter(owner=user).exists()


def test_it_keeps_tabs_and_line_breaks(client, user) -> None:
    client.force_login(user)
    response = client.post("/people/new/", {"full_name": "Ada Lovelace", "notes": "a\tb\r\nc"})
    assert response.status_code == 302
    assert Person.objects.get(owner=user).notes == "a\tb\r\nc"
