"""Test the LinkedIn importer on fixture exports: folder, ZIP and single CSV files."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from amity.importers.errors import ImportFailed, WrongFormat
from amity.people.models import Interaction, Person
from tests.importers.conftest import DATA, run, snapshot

LINKEDIN = DATA / "linkedin"


def _export_zip(tmp_path: Path, *names: str) -> Path:
    target = tmp_path / "Basic_LinkedInDataExport_02-08-2026.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for name in names:
            archive.write(LINKEDIN / name, arcname=name)
    return target


def _export_folder(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    for name in names:
        (folder / name).write_bytes((LINKEDIN / name).read_bytes())
    return folder


def test_it_reads_connections_after_the_notes_preamble(user) -> None:
    summary = run(user, "linkedin", LINKEDIN / "Connections.csv")
    assert summary.people.created == 5
    assert summary.skipped == {"hidden LinkedIn member (no name or profile URL)": 2}
    mirela = Person.objects.get(linkedin_url="https://www.linkedin.com/in/mirela-okonkwo-hart")
    assert (mirela.given_name, mirela.family_name) == ("Mirela", "Okonkwo-Hart")
    assert mirela.title == "Head of Research, Climate"  # a quoted comma
    assert mirela.connected_on == dt.date(2026, 2, 8)
    assert mirela.provenance["company"] == "linkedin"
    assert list(mirela.contact_points.values_list("normalized", flat=True)) == [
        "mirela@finchwell.example"
    ]
    assert (
        "finchwell labs" in mirela.search_text and "mirela@finchwell.example" in mirela.search_text
    )
    jonas = Person.objects.get(full_name="Jonas Vermeulen")
    assert jonas.linkedin_url == "https://www.linkedin.com/in/jonas-vermeulen"
    assert Person.objects.get(full_name="Zoë Aldana Ruiz").company == "Ruiz, Park & Partners"


def test_it_keys_older_exports_without_a_url_column_by_name(user) -> None:
    first = run(user, "linkedin", LINKEDIN / "Connections_no_url.csv")
    again = run(user, "linkedin", LINKEDIN / "Connections_no_url.csv")
    assert (first.people.created, again.people.created, again.people.unchanged) == (2, 0, 2)
    ilse = Person.objects.get(full_name="Ilse Brandt")
    assert ilse.linkedin_url == "" and ilse.company == "Brandt Legal"
    # A later export with URLs finds the same person and adds the URL.
    run(user, "linkedin", LINKEDIN / "Connections.csv")
    mirela = Person.objects.get(full_name="Mirela Okonkwo-Hart")
    assert mirela.linkedin_url.endswith("/mirela-okonkwo-hart")
    assert Person.objects.filter(full_name="Mirela Okonkwo-Hart").count() == 1


def test_it_turns_messages_into_interactions_with_their_text(user) -> None:
    summary = run(user, "linkedin", LINKEDIN / "messages.csv")
    assert summary.interactions.created == 5
    assert summary.skipped == {
        "draft message": 1,
        "message in the spam folder": 1,
        "sponsored InMail": 1,
    }
    hello = Interaction.objects.get(occurred_at=dt.datetime(2025, 6, 1, 14, 3, 22, tzinfo=dt.UTC))
    assert (hello.channel, hello.direction, hello.source) == ("message", "inbound", "linkedin")
    assert hello.content == "Hi Sam,\n\nLoved your talk on heat pumps & grids.\nCoffee next week?"
    assert [p.full_name for p in hello.people.all()] == ["Mirela Okonkwo-Hart"]
    reply = Interaction.objects.get(occurred_at=dt.datetime(2025, 6, 1, 15, 10, 5, tzinfo=dt.UTC))
    assert reply.direction == "outbound"
    assert reply.content == "Thanks Mirela!\nTuesday works, say 10:00?"
    group = Interaction.objects.get(content__startswith="See you both")
    assert sorted(p.full_name for p in group.people.all()) == ["Jonas Vermeulen", "Priya Raman"]
    intro = Interaction.objects.get(summary="Intro request")
    assert intro.people.get().full_name == "Tobias Lindqvist"
    # The user never becomes a person of their own network.
    assert not Person.objects.filter(full_name="Sam Carter").exists()
    lena = Person.objects.get(linkedin_url="https://www.linkedin.com/in/lena-fischer-0b1c2d")
    assert lena.full_name == "Lena Fischer" and lena.interaction_count == 1


def test_it_maps_message_columns_by_name_in_the_nine_column_export(user) -> None:
    summary = run(
        user, "linkedin", LINKEDIN / "messages_9_columns.csv", me=["linkedin.com/in/sam-carter-me"]
    )
    assert summary.interactions.created == 2
    ilse = Person.objects.get(full_name="Ilse Brandt")
    directions = sorted(ilse.interactions.values_list("direction", flat=True))
    assert directions == ["inbound", "outbound"]


def test_it_refuses_to_guess_the_user_in_a_single_two_person_conversation(
    user, tmp_path: Path
) -> None:
    path = tmp_path / "messages.csv"
    path.write_text((LINKEDIN / "messages_9_columns.csv").read_text())
    with pytest.raises(ImportFailed, match="cannot tell which participant is you"):
        run(user, "linkedin", path)
    assert Person.objects.count() == 0


def test_it_records_invitations_with_their_note(user) -> None:
    summary = run(user, "linkedin", LINKEDIN / "Invitations.csv")
    assert (summary.people.created, summary.interactions.created) == (2, 2)
    sent = Interaction.objects.get(direction="outbound")
    assert sent.channel == "social"
    assert sent.content.startswith("Hi Lena, great meeting you at the Berlin climate summit")
    assert sent.occurred_at == dt.datetime(2025, 9, 1, 16, 12, tzinfo=dt.UTC)
    received = Interaction.objects.get(direction="inbound")
    assert received.people.get().linkedin_url == "https://www.linkedin.com/in/arjun-mehta-77"


def test_it_imports_the_export_zip_with_the_url_slug_as_the_key(user, tmp_path: Path) -> None:
    archive = _export_zip(
        tmp_path, "Connections.csv", "messages.csv", "Invitations.csv", "Profile.csv"
    )
    summary = run(user, "linkedin", archive)
    assert (summary.people.created, summary.interactions.created) == (7, 7)
    # The same person across Connections, messages and Invitations is one person.
    assert Person.objects.filter(full_name="Mirela Okonkwo-Hart").count() == 1
    assert Person.objects.get(full_name="Lena Fischer").interactions.count() == 2
    assert Person.objects.get(full_name="Mirela Okonkwo-Hart").interaction_count == 2


def test_it_imports_the_unzipped_folder_like_the_zip(user, tmp_path: Path) -> None:
    folder = _export_folder(tmp_path, "Connections.csv", "messages.csv", "Invitations.csv")
    summary = run(user, "linkedin", folder)
    assert (summary.people.created, summary.interactions.created) == (7, 7)


def test_it_changes_nothing_when_the_same_export_comes_twice(user, tmp_path: Path) -> None:
    archive = _export_zip(tmp_path, "Connections.csv", "messages.csv", "Invitations.csv")
    run(user, "linkedin", archive)
    before = snapshot()
    again = run(user, "linkedin", archive)
    assert again.people.as_dict() == {"created": 0, "updated": 0, "unchanged": 7}
    assert again.interactions.as_dict() == {"created": 0, "updated": 0, "unchanged": 7}
    after = snapshot()
    assert after["runs"] == before["runs"] + 1
    assert {k: v for k, v in after.items() if k != "runs"} == {
        k: v for k, v in before.items() if k != "runs"
    }


def test_it_updates_people_from_a_newer_export_and_remembers_job_changes(user) -> None:
    run(user, "linkedin", LINKEDIN / "Connections.csv")
    summary = run(user, "linkedin", LINKEDIN / "Connections_newer.csv")
    assert summary.people.as_dict() == {"created": 1, "updated": 2, "unchanged": 3}
    assert Person.objects.count() == 6
    mirela = Person.objects.get(full_name="Mirela Okonkwo-Hart")
    assert (mirela.company, mirela.title) == ("Tidewater Institute", "Director of Research")
    today = dt.date.today().isoformat()
    assert mirela.provenance["previous_company"] == "Finchwell Labs"
    assert mirela.provenance["previous_title"] == "Head of Research, Climate"
    assert mirela.provenance["company_changed_on"] == today
    assert "tidewater institute" in mirela.search_text
    tobias = Person.objects.get(full_name="Tobias Lindqvist")
    assert tobias.title == "Principal Engineer" and "previous_company" not in tobias.provenance


def test_it_keeps_what_the_user_typed_over_an_export(user) -> None:
    from amity.people import services

    run(user, "linkedin", LINKEDIN / "Connections.csv")
    priya = Person.objects.get(full_name="Priya Raman")
    services.update_person(person=priya, full_name="Priya R. Raman", location="Chennai")
    run(user, "linkedin", LINKEDIN / "Connections_newer.csv")
    priya.refresh_from_db()
    assert priya.full_name == "Priya R. Raman" and priya.location == "Chennai"


def test_it_names_a_google_csv_given_as_linkedin(user) -> None:
    with pytest.raises(WrongFormat) as failure:
        run(user, "linkedin", "google_new.csv")
    assert "this looks like a Google Contacts CSV, not a LinkedIn export" in str(failure.value)
    assert Person.objects.count() == 0


def test_it_stops_at_a_bad_date_with_the_line_and_writes_nothing(user, tmp_path: Path) -> None:
    text = (LINKEDIN / "Connections.csv").read_text().replace("21 Nov 2023", "31 Nov 2023")
    path = tmp_path / "Connections.csv"
    path.write_text(text)
    with pytest.raises(ImportFailed) as failure:
        run(user, "linkedin", path)
    assert str(failure.value) == f"{path}:8: Connected On '31 Nov 2023' is not a date"
    assert Person.objects.count() == 0


def test_it_stops_at_an_unquoted_comma_with_the_line(user, tmp_path: Path) -> None:
    text = (LINKEDIN / "Connections.csv").read_text()
    text = text.replace('"Brightwater, Inc."', "Brightwater, Inc.")
    path = tmp_path / "Connections.csv"
    path.write_text(text)
    with pytest.raises(ImportFailed, match=r":6: expected 7 fields, found 8"):
        run(user, "linkedin", path)
    assert Person.objects.count() == 0


def test_it_reports_a_broken_zip(user, tmp_path: Path) -> None:
    archive = _export_zip(tmp_path, "Connections.csv")
    archive.write_bytes(archive.read_bytes()[:60])
    with pytest.raises(ImportFailed, match="not a readable ZIP archive"):
        run(user, "linkedin", archive)
