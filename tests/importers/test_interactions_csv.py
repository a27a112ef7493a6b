"""Test the plain interactions CSV importer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from amity.importers.errors import ImportFailed, WrongFormat
from amity.people import services
from amity.people.models import Interaction, Person
from tests.importers.conftest import DATA, run, snapshot


def _people(user) -> None:
    services.create_person(
        owner=user, full_name="Mirela Okonkwo-Hart", emails=["mirela@finchwell.example"]
    )
    services.create_person(
        owner=user, full_name="Priya Raman", linkedin_url="linkedin.com/in/priya-raman-4b2a19"
    )
    services.create_person(owner=user, full_name="Tobias Lindqvist")


def test_it_finds_people_by_email_profile_or_name_and_creates_the_rest(user) -> None:
    _people(user)
    summary = run(user, "interactions", "interactions.csv")
    assert summary.interactions.created == 4
    assert summary.people.as_dict() == {"created": 1, "updated": 0, "unchanged": 3}
    review = Interaction.objects.get(people__full_name="Mirela Okonkwo-Hart")
    assert (review.channel, review.direction, review.intent, review.subtype) == (
        "call",
        "outbound",
        "deposit",
        "help",
    )
    assert review.summary == "Reviewed her grant proposal, sent comments"
    assert review.source == "interactions"
    ask = Interaction.objects.get(people__full_name="Priya Raman")
    assert (ask.direction, ask.channel, ask.intent) == ("inbound", "message", "neutral")
    assert ask.occurred_at == dt.datetime(2026, 2, 2, tzinfo=dt.UTC)
    dinner = Interaction.objects.get(people__full_name="Tobias Lindqvist")
    # A subtype alone implies its intent; "in-person" is an alias of in_person.
    assert (dinner.channel, dinner.intent, dinner.subtype) == ("in_person", "deposit", "thanks")
    assert dinner.occurred_at == dt.datetime(2026, 2, 10, 17, 30, tzinfo=dt.UTC)
    odile = Person.objects.get(full_name="Odile Marchetti")
    assert odile.interaction_count == 1 and odile.provenance == {"full_name": "interactions"}


def test_it_changes_nothing_on_the_second_import_and_updates_an_edited_note(
    user, tmp_path: Path
) -> None:
    _people(user)
    run(user, "interactions", "interactions.csv")
    before = snapshot()
    again = run(user, "interactions", "interactions.csv")
    assert again.interactions.as_dict() == {"created": 0, "updated": 0, "unchanged": 4}
    assert {k: v for k, v in snapshot().items() if k != "runs"} == {
        k: v for k, v in before.items() if k != "runs"
    }
    edited = tmp_path / "interactions.csv"
    edited.write_text(
        (DATA / "interactions.csv").read_text().replace("Dinner in Stockholm", "Dinner at Oaxen")
    )
    later = run(user, "interactions", edited)
    assert later.interactions.as_dict() == {"created": 0, "updated": 1, "unchanged": 3}
    assert Interaction.objects.filter(summary="Dinner at Oaxen").count() == 1


def test_it_needs_only_person_and_time(user, tmp_path: Path) -> None:
    path = tmp_path / "minimal.csv"
    path.write_text("occurred_at,person\n2026-04-01,ada@engines.example\n")
    run(user, "interactions", path)
    ada = Person.objects.get()
    assert ada.full_name == "Ada" and ada.contact_points.get().normalized == "ada@engines.example"
    assert Interaction.objects.get().direction == "outbound"


def test_it_skips_a_name_that_matches_several_people(user, tmp_path: Path) -> None:
    services.create_person(owner=user, full_name="Sam Lee", company="A")
    services.create_person(owner=user, full_name="Sam Lee", company="B")
    path = tmp_path / "ambiguous.csv"
    path.write_text("person,occurred_at\nSam Lee,2026-04-01\n")
    summary = run(user, "interactions", path)
    assert summary.skipped == {"person name matches several people (use an email or #id)": 1}
    assert Interaction.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (",2026-04-01,out", "person is empty"),
        ("ada@engines.example,,out", "occurred_at is empty"),
        ("ada@engines.example,yesterday,out", "'yesterday' is not a date and time"),
        ("ada@engines.example,2026-04-01,sideways", "unknown direction 'sideways'"),
        ("ada@engines.example,2026-04-01,out,pigeon", "unknown channel 'pigeon'"),
        ("ada@engines.example,2026-04-01,out,call,neutral,thanks", "a neutral interaction"),
    ],
)
def test_it_stops_at_a_bad_row_with_its_line_and_writes_nothing(
    user, tmp_path: Path, row: str, reason: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "person,occurred_at,direction,channel,intent,subtype,note\n"
        "grace@navy.example,2026-03-01,in\n" + row + "\n"
    )
    with pytest.raises(ImportFailed) as failure:
        run(user, "interactions", path)
    assert str(failure.value).startswith(f"{path}:3: ") and reason in str(failure.value)
    assert Person.objects.count() == 0 and Interaction.objects.count() == 0


def test_it_names_a_google_csv_given_as_interactions(user) -> None:
    with pytest.raises(WrongFormat, match="a Google Contacts CSV, not an Amity interactions CSV"):
        run(user, "interactions", "google_old.csv")
