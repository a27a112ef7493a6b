"""Test the vCard importer: 2.1, 3.0 and 4.0 quirks, UIDs and the export round trip."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import vobject

from amity.importers.errors import ImportFailed, WrongFormat
from amity.people import services
from amity.people.models import Person
from tests.importers.conftest import run, snapshot


def test_it_reads_cards_of_every_version_and_their_quirks(user) -> None:
    summary = run(user, "vcard", "contacts.vcf")
    assert summary.people.created == 3
    assert summary.skipped == {"card without a name or email address": 1}
    # vCard 2.1: quoted-printable UTF-8 with a soft line break, a base64 PHOTO ignored.
    juergen = Person.objects.get(family_name="Müller")
    assert juergen.full_name == "Jürgen Müller"
    assert juergen.company == "Stadtwerke Grünau"
    assert juergen.notes == (
        "Met at the Zürich district heating tour, talked about seasonal storage for an hour."
    )
    assert juergen.contact_points.get(kind="phone").label == "cell"
    # vCard 3.0: escaped comma, folded NOTE, grouped item1. labels, UID kept as a key.
    chidinma = Person.objects.get(full_name="Chidinma Okafor")
    assert chidinma.title == "Treasurer, Board Member"
    assert chidinma.notes == (
        "Runs the co-op's micro-loans programme.\n"
        "Ask about the rooftop pilot, it scaled to 40 homes."
    )
    emails = chidinma.contact_points.filter(kind="email")
    assert [(e.value, e.label) for e in emails] == [
        ("chidinma@lagossolar.example", "work"),
        ("chidi.okafor@mailbox.example", "newsletter alias"),
    ]
    assert chidinma.linkedin_url == "https://www.linkedin.com/in/chidinma-okafor"
    assert chidinma.location == "Lagos, Lagos State, Nigeria"
    assert sorted(chidinma.tags.values_list("name", flat=True)) == ["Climate", "Finance"]
    assert chidinma.external_keys.get().key == "uid:5B2A3C4D-1E2F-4A5B-9C8D-7E6F5A4B3C2D"
    # vCard 4.0: tel: URI, compact BDAY, X-SOCIALPROFILE, data: URI PHOTO ignored.
    rafael = Person.objects.get(full_name="Rafael Quintero")
    assert rafael.birthday == dt.date(1984, 6, 23)
    assert rafael.contact_points.get(kind="phone").normalized == "+34915550199"
    assert rafael.linkedin_url == "https://www.linkedin.com/in/rafaelquintero"


def test_it_changes_nothing_on_the_second_import(user) -> None:
    run(user, "vcard", "contacts.vcf")
    before = snapshot()
    again = run(user, "vcard", "contacts.vcf")
    assert again.people.as_dict() == {"created": 0, "updated": 0, "unchanged": 3}
    after = snapshot()
    assert {k: v for k, v in after.items() if k != "runs"} == {
        k: v for k, v in before.items() if k != "runs"
    }


def _people(owner) -> list[tuple]:
    return sorted(
        (
            p.full_name,
            p.company,
            p.title,
            p.location,
            p.birthday,
            p.linkedin_url,
            tuple(sorted(p.contact_points.values_list("kind", "normalized"))),
            tuple(sorted(p.tags.values_list("name", flat=True))),
        )
        for p in Person.objects.filter(owner=owner)
    )


def _make_people(owner) -> None:
    services.create_person(
        owner=owner,
        full_name="Grace Brewster Hopper",
        emails=["grace@navy.example", "g.hopper@mailbox.example"],
        phones=["+1 202 555 0143"],
        company="US Navy",
        title="Rear Admiral, Retired",
        location="Arlington",
        birthday="1906-12-09",
        linkedin_url="linkedin.com/in/grace-hopper",
        tags=["mentors", "compilers"],
        notes="Carries a nanosecond; ask to see it.",
    )
    services.create_person(owner=owner, full_name="Alan Turing", emails=["alan@bletchley.example"])


def test_it_reimports_amitys_own_vcard_export_onto_the_same_people(user) -> None:
    from amity.portability.contact_formats import export_vcard

    _make_people(user)
    out = io.StringIO()
    export_vcard(owner=user, out=out)
    before = snapshot()
    summary = _import_text(user, out.getvalue())
    assert summary.people.created == 0 and summary.people.updated == 0
    assert summary.people.unchanged == 2
    after = snapshot()
    assert after["people"] == before["people"] and after["contacts"] == before["contacts"]


def test_it_round_trips_an_export_into_another_account(user, other_user) -> None:
    from amity.portability.contact_formats import export_vcard

    _make_people(user)
    out = io.StringIO()
    export_vcard(owner=user, out=out)
    summary = _import_text(other_user, out.getvalue())
    assert summary.people.created == 2
    assert _people(other_user) == _people(user)
    # Another user's uid does not capture their people: the new ones have new uids.
    mine = set(Person.objects.filter(owner=user).values_list("uid", flat=True))
    theirs = set(Person.objects.filter(owner=other_user).values_list("uid", flat=True))
    assert not mine & theirs


def test_it_round_trips_cards_built_with_vobject(user) -> None:
    card = vobject.vCard()
    card.add("fn").value = "Ada King Lovelace"
    card.add("n").value = vobject.vcard.Name(family="Lovelace", given="Ada", additional="King")
    card.add("email").value = "ada@engines.example"
    card.add("org").value = ["Analytical Engines"]
    card.add("note").value = "Line one\nLine two; with, punctuation"
    first = _import_text(user, card.serialize())
    again = _import_text(user, card.serialize())
    assert (first.people.created, again.people.unchanged) == (1, 1)
    ada = Person.objects.get()
    assert (ada.given_name, ada.middle_name, ada.family_name) == ("Ada", "King", "Lovelace")
    assert ada.notes == "Line one\nLine two; with, punctuation"


def _import_text(owner, text: str):
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".vcf", delete=False, encoding="utf-8") as f:
        f.write(text)
    try:
        return run(owner, "vcard", Path(f.name))
    finally:
        Path(f.name).unlink()


def test_it_stops_at_a_broken_card_with_its_line(user, tmp_path: Path) -> None:
    path = tmp_path / "broken.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Grace Hopper\nthis line has no colon\nEND:VCARD\n"
    )
    with pytest.raises(ImportFailed) as failure:
        run(user, "vcard", path)
    assert failure.value.line == 8 and str(failure.value).startswith(f"{path}:8: ")
    assert Person.objects.count() == 0


def test_it_names_an_ics_file_given_as_vcard(user) -> None:
    with pytest.raises(WrongFormat, match="an iCalendar file, not a vCard file"):
        run(user, "vcard", "calendar.ics")
