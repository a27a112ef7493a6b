"""Test the rules every importer follows: dedupe across sources, owners, transactions."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amity.domain.names import parse_name
from amity.importers.dedupe import find_duplicates
from amity.importers.errors import ImportFailed, WrongFormat
from amity.importers.models import ImportRun
from amity.importers.naming import simple_parts
from amity.importers.registry import FORMATS
from amity.people import services
from amity.people.models import Interaction, Person
from tests.importers.conftest import DATA, ME, run, snapshot


def test_it_merges_one_person_seen_by_linkedin_google_and_mail(user) -> None:
    run(user, "linkedin", DATA / "linkedin" / "Connections.csv")
    run(user, "google", "google_new.csv")
    run(user, "mbox", "mail.mbox", me=ME)
    mirela = Person.objects.get(full_name="Mirela Okonkwo-Hart")  # exactly one
    # The profile URL joined LinkedIn and Google; Google's second address joined the mail.
    assert sorted(
        mirela.contact_points.filter(kind="email").values_list("normalized", flat=True)
    ) == [
        "mirela.oh@postbox.example",
        "mirela@finchwell.example",
    ]
    assert mirela.interactions.filter(source="mbox").count() == 2
    assert "mirela.oh@postbox.example" in mirela.search_text  # added by Google
    # Each field keeps the source that set it; LinkedIn's job is not overwritten by Google.
    assert mirela.provenance["title"] == "linkedin"
    assert mirela.title == "Head of Research, Climate"
    assert mirela.provenance["notes"] == "google" and mirela.provenance["location"] == "google"
    # No email or URL in common: Tobias is matched on name plus company ("Inc" vs ", Inc.").
    tobias = Person.objects.get(full_name="Tobias Lindqvist")
    assert tobias.contact_points.get().normalized == "tobias@brightwater.example"
    assert tobias.interactions.count() == 1  # the mail sent to that address


def test_it_does_not_fuzzy_match_a_name_without_a_company(user) -> None:
    services.create_person(owner=user, full_name="Priya Raman", emails=["p@elsewhere.example"])
    run(user, "linkedin", DATA / "linkedin" / "Connections.csv")
    assert Person.objects.filter(full_name="Priya Raman").count() == 2
    group = find_duplicates(owner=user)[0]
    assert group.names == ("Priya Raman", "Priya Raman") and group.reasons == ("same name",)


def test_it_lists_likely_duplicates_with_their_evidence(user, other_user) -> None:
    a = services.create_person(owner=user, full_name="Ada Lovelace", emails=["ada@a.example"])
    b = services.create_person(owner=user, full_name="A. Lovelace", emails=["ADA@a.example"])
    c = services.create_person(owner=user, full_name="Ada King Lovelace", company="Engines Ltd")
    d = services.create_person(owner=user, full_name="Ada Lovelace", company="Engines")
    services.create_person(owner=user, full_name="Grace Hopper", linkedin_url="linkedin.com/in/g1")
    services.create_person(owner=user, full_name="Grace Hopper", linkedin_url="linkedin.com/in/g2")
    services.create_person(owner=other_user, full_name="Ada Lovelace", emails=["ada@a.example"])
    groups = find_duplicates(owner=user)
    assert [g.person_ids for g in groups] == [(a.pk, b.pk, c.pk, d.pk)]
    assert groups[0].score == 100
    assert groups[0].reasons == (
        "same email ada@a.example",
        "same name",
        "similar name, same company",
    )
    assert groups[0].as_dict()["names"][0] == "Ada Lovelace"


def test_it_never_touches_or_matches_another_users_people(user, other_user) -> None:
    theirs = services.create_person(
        owner=other_user,
        full_name="Mirela Okonkwo-Hart",
        emails=["mirela@finchwell.example"],
        linkedin_url="linkedin.com/in/mirela-okonkwo-hart",
        company="Old Co",
    )
    run(other_user, "mbox", "mail.mbox", me=ME)
    before = sorted(Person.objects.filter(owner=other_user).values_list("pk", "company"))
    run(user, "linkedin", DATA / "linkedin" / "Connections.csv")
    run(user, "mbox", "mail.mbox", me=ME)
    mine = Person.objects.get(owner=user, linkedin_url=theirs.linkedin_url)
    assert mine.pk != theirs.pk
    assert sorted(Person.objects.filter(owner=other_user).values_list("pk", "company")) == before
    assert Interaction.objects.filter(owner=user).count() == 5
    assert all(
        p.owner_id == user.pk
        for i in Interaction.objects.filter(owner=user)
        for p in i.people.all()
    )


def test_it_leaves_the_database_exactly_as_it_was_when_a_file_is_malformed(
    user, tmp_path: Path
) -> None:
    run(user, "linkedin", DATA / "linkedin" / "Connections.csv")
    run(user, "mbox", "mail.mbox", me=ME)
    before = snapshot()
    # A newer export whose last row is broken: the good rows before it are not written.
    text = (DATA / "linkedin" / "Connections_newer.csv").read_text()
    path = tmp_path / "Connections.csv"
    path.write_text(text + 'Broken,Row,https://www.linkedin.com/in/broken,,"Unclosed quote\n')
    with pytest.raises(ImportFailed, match=r"Connections\.csv:11: broken CSV"):
        run(user, "linkedin", path)
    assert snapshot() == before


def test_it_reports_undecodable_bytes_with_a_line(user, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    header = (DATA / "google_old.csv").read_bytes().split(b"\r\n")[0]
    path.write_bytes(header + b"\r\n" + b"x" * 70000 + b"\r\n\xff\xfe\x00bad\r\n")
    with pytest.raises(ImportFailed, match=r"contacts\.csv:\d+: "):
        run(user, "google", path)
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    ("fmt", "fixture", "detected"),
    [
        ("google", "contacts.vcf", "a vCard file"),
        ("vcard", "google_new.csv", "a Google Contacts CSV"),
        ("interactions", "linkedin/messages.csv", "a LinkedIn messages.csv"),
        ("ics", "linkedin/Invitations.csv", "a LinkedIn Invitations.csv"),
        ("mbox", "interactions.csv", "an Amity interactions CSV"),
        ("linkedin", "calendar.ics", "an iCalendar file"),
    ],
)
def test_it_recognises_and_names_a_file_of_another_format(
    user, fmt: str, fixture: str, detected: str
) -> None:
    with pytest.raises(WrongFormat) as failure:
        run(user, fmt, fixture, me=ME)
    assert failure.value.detected == detected
    assert f"this looks like {detected}, not " in str(failure.value)
    assert failure.value.wanted.startswith(("a", "an"))


def test_it_records_each_import_and_a_dry_run_writes_nothing(user) -> None:
    preview = run(user, "google", "google_new.csv", dry_run=True)
    assert preview.people.created == 4 and preview.run_id is None
    assert Person.objects.count() == 0 and ImportRun.objects.count() == 0
    summary = run(user, "google", "google_new.csv")
    record = ImportRun.objects.get()
    assert record.pk == summary.run_id and record.owner == user and record.format == "google"
    assert record.counts["people"] == {"created": 4, "updated": 0, "unchanged": 0}
    assert record.finished_at >= record.started_at
    assert summary.as_dict()["totals"] == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 0}


def test_it_lists_every_format_in_the_registry() -> None:
    assert list(FORMATS) == ["linkedin", "google", "vcard", "mbox", "ics", "interactions"]
    assert {f.name for f in FORMATS.values() if f.needs_me} == {"mbox", "ics"}


_WORDS = st.sampled_from(
    [
        "Ada",
        "Lovelace",
        "King",
        "Van",
        "de",
        "Jr",
        "Dr",
        "Mary",
        "O'Neil",
        "Smith-Jones",
        "E",
        "III",
        "and",
        "Bin",
        "Zoë",
        "la",
        "St",
        "Ma",
        "Khan",
        "Abu",
        "Esq",
        "Bishop",
        "Lord",
    ]
)


@given(st.lists(_WORDS, min_size=2, max_size=2))
def test_it_splits_simple_names_exactly_as_nameparser_does(words: list[str]) -> None:
    name = " ".join(words)
    parts = simple_parts(name)
    if parts is not None:
        parsed = parse_name(name)
        assert (parsed.prefix, parsed.middle_name, parsed.suffix, parsed.nickname) == ("",) * 4
        assert (parsed.given_name, parsed.family_name) == parts
