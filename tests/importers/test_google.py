"""Test the Google Contacts importer on both header generations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from amity.importers.errors import ImportFailed, WrongFormat
from amity.importers.models import ExternalKey
from amity.people.models import Person
from tests.importers.conftest import DATA, run, snapshot


def test_it_reads_the_newer_header_with_bom_groups_and_labels(user) -> None:
    summary = run(user, "google", "google_new.csv")
    assert summary.people.created == 4
    mirela = Person.objects.get(full_name="Mirela Okonkwo-Hart")
    emails = mirela.contact_points.filter(kind="email")
    # " ::: " packs two addresses into one cell; the group's label applies to both.
    assert [(e.value, e.label, e.is_primary) for e in emails] == [
        ("mirela@finchwell.example", "work", True),
        ("mirela.oh@postbox.example", "work", False),
    ]
    assert mirela.contact_points.get(kind="phone").normalized == "+31612345678"
    assert mirela.linkedin_url == "https://www.linkedin.com/in/mirela-okonkwo-hart"
    assert mirela.location == "Utrecht, Netherlands"
    assert mirela.notes == "Met at the Utrecht energy meetup"
    # Contact labels become tags; Google's own "* myContacts" does not.
    assert list(mirela.tags.values_list("name", flat=True)) == ["Climate"]
    hannah = Person.objects.get(given_name="Hannah")
    assert hannah.full_name == "Dr. Hannah Ama Osei" and hannah.prefix == "Dr."
    assert hannah.birthday == dt.date(1990, 4, 12)
    assert hannah.notes == 'Book club organiser.\nLikes long walks, "slow" travel.'
    assert hannah.contact_points.filter(kind="phone").count() == 2
    assert list(hannah.tags.values_list("name", flat=True)) == ["Book club"]
    # A contact with only an address gets a name from it; a yearless birthday is dropped.
    fan = Person.objects.get(full_name="Anonymous Fan")
    assert fan.birthday is None


def test_it_reads_the_older_header_generation(user) -> None:
    summary = run(user, "google", "google_old.csv")
    assert summary.people.created == 2
    priya = Person.objects.get(full_name="Priya Raman")
    assert (priya.company, priya.title) == ("Northwind Health", "Product Lead")
    assert list(priya.tags.values_list("name", flat=True)) == ["Health"]
    felix = Person.objects.get(full_name="Felix Wagner")
    assert sorted(felix.contact_points.values_list("kind", "normalized")) == [
        ("email", "felix.wagner@posteo.example"),
        ("email", "fw@wagner-family.example"),
        ("phone", "+4915123456789"),
        ("url", "felixbaut.example/blog"),
    ]
    assert felix.provenance == {"full_name": "google", "notes": "google"}


def test_it_changes_nothing_on_the_second_import(user) -> None:
    run(user, "google", "google_new.csv")
    before = snapshot()
    again = run(user, "google", "google_new.csv")
    assert again.people.as_dict() == {"created": 0, "updated": 0, "unchanged": 4}
    after = snapshot()
    assert {k: v for k, v in after.items() if k != "runs"} == {
        k: v for k, v in before.items() if k != "runs"
    }
    assert ExternalKey.objects.filter(source="google").count() == 4


def test_it_finds_a_contact_without_email_again_by_its_key(user, tmp_path: Path) -> None:
    header = (DATA / "google_new.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    path = tmp_path / "contacts.csv"
    path.write_text(header + "\nNoor,,Haddad" + "," * (header.count(",") - 2) + "\n")
    run(user, "google", path)
    again = run(user, "google", path)
    assert again.people.unchanged == 1 and Person.objects.count() == 1


def test_it_names_a_linkedin_file_given_as_google(user) -> None:
    with pytest.raises(WrongFormat, match="a LinkedIn Connections.csv, not a Google Contacts CSV"):
        run(user, "google", DATA / "linkedin" / "Connections.csv")


def test_it_stops_at_a_bad_birthday_with_the_line(user, tmp_path: Path) -> None:
    text = (DATA / "google_new.csv").read_text(encoding="utf-8-sig")
    path = tmp_path / "contacts.csv"
    path.write_text(text.replace("1990-04-12", "1990-14-12"))
    with pytest.raises(ImportFailed, match=r"contacts\.csv:6: Birthday '1990-14-12' is not a date"):
        run(user, "google", path)
    assert Person.objects.count() == 0
