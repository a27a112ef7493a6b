"""Test two-way CardDAV contacts sync against a real Radicale server on a random local port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sync import servers

pytestmark = pytest.mark.skipif(
    bool(servers.missing("radicale")), reason=str(servers.missing("radicale"))
)
USER, PASSWORD = "sam", "dav-secret"
MKCOL = (
    b'<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" '
    b'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:set><d:prop><d:resourcetype>'
    b"<d:collection/><c:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>"
)
ADA = """BEGIN:VCARD
VERSION:3.0
UID:ada-1
FN:Ada Lovelace
N:Lovelace;Ada;;;
EMAIL;TYPE=work:ada@analytical.example
TEL:+44 20 7946 0001
ORG:Analytical Engines
TITLE:Mathematician
END:VCARD
"""
GRACE = """BEGIN:VCARD
VERSION:3.0
UID:grace-1
FN:Grace Hopper
N:Hopper;Grace;;;
EMAIL:grace@navy.example
CATEGORIES:mentors,navy
X-AMITY-HOW-WE-MET:COBOL conference
X-AMITY-CADENCE:monthly
END:VCARD
"""


@pytest.fixture
def dav(tmp_path: Path) -> Iterator[str]:
    """Run Radicale with an address book holding Ada and Grace; yield its URL."""
    with servers.radicale(tmp_path / "store", {USER: PASSWORD}) as port:
        url = f"http://127.0.0.1:{port}/{USER}/contacts/"
        client = _client(url)
        assert client.request("MKCOL", client.path, MKCOL, {})[0] == 201
        for name, text in (("ada.vcf", ADA), ("grace.vcf", GRACE)):
            client.put(client.href_for(name), text.replace("\n", "\r\n"), None)
        client.close()
        yield url


def _client(url: str, password: str = PASSWORD) -> Any:
    from amity.sync.carddav import CardDavClient

    return CardDavClient(url, USER, password)


def _book(owner: Any, url: str, password: str = PASSWORD, check: bool = True) -> Any:
    from amity.sync.services import add_contact_book

    return add_contact_book(
        owner=owner, name="phone", url=url, username=USER, password=password, check=check
    )


def _sync(owner: Any, **options: Any) -> Any:
    from amity.sync.contacts import sync_book
    from amity.sync.models import ContactBook

    return sync_book(book=ContactBook.objects.get(owner=owner, name="phone"), **options)


def _server_cards(url: str) -> dict[str, str]:
    client = _client(url)
    try:
        return {href: text for href, (_, text) in client.fetch(client.etags()).items()}
    finally:
        client.close()


def _edit_on_server(url: str, name: str, old: str, new: str) -> None:
    client = _client(url)
    href = client.href_for(name)
    etag, text = client.fetch([href])[href]
    assert old in text
    client.put(href, text.replace(old, new), etag)
    client.close()


def test_it_pulls_cards_into_people_and_pushes_people_as_cards(user, dav: str) -> None:
    from amity.people.models import Person
    from amity.people.services import create_person
    from amity.relationships.models import CadenceOverride

    hannah = create_person(
        owner=user, full_name="Hannah Osei", emails=["hannah@osei.example"], tags=["climate"]
    )
    hannah.how_we_met = "Rooftop solar meetup"
    hannah.save()
    _book(user, dav)
    result = _sync(user)
    assert (result.pulled, result.created, result.unreadable, result.pushed) == (2, 2, 0, 1)
    ada = Person.objects.get(full_name="Ada Lovelace")
    assert (ada.company, ada.title) == ("Analytical Engines", "Mathematician")
    assert sorted(ada.contact_points.values_list("value", flat=True)) == [
        "+44 20 7946 0001",
        "ada@analytical.example",
    ]
    grace = Person.objects.get(full_name="Grace Hopper")
    assert sorted(grace.tags.values_list("name", flat=True)) == ["mentors", "navy"]
    assert grace.how_we_met == "COBOL conference"
    assert CadenceOverride.objects.get(person=grace).days == 30
    pushed = _server_cards(dav)[_client(dav).href_for(f"{hannah.uid}.vcf")]
    assert "FN:Hannah Osei" in pushed and "hannah@osei.example" in pushed
    assert "CATEGORIES:climate" in pushed
    assert "X-AMITY-HOW-WE-MET:Rooftop solar meetup" in pushed


def test_it_moves_nothing_on_the_second_sync(user, dav: str) -> None:
    from amity.people.services import create_person

    create_person(owner=user, full_name="Hannah Osei")
    _book(user, dav)
    _sync(user)
    again = _sync(user)
    assert again.counts() == {
        "pulled": 0,
        "created": 0,
        "linked": 0,
        "updated": 0,
        "pushed": 0,
        "conflicts": 0,
        "pending_deletions": 0,
        "deleted": 0,
        "unreadable": 0,
    }


def test_it_merges_edits_on_both_sides_field_by_field_newer_wins(user, dav: str) -> None:
    from amity.people.models import Note, Person
    from amity.people.services import update_person

    _book(user, dav)
    _sync(user)
    ada = Person.objects.get(full_name="Ada Lovelace")
    # Here: a new title (only here) and a new company (also changed there, later).
    update_person(person=ada, company="Babbage & Co", title="Chief Analyst")
    _edit_on_server(
        dav, "ada.vcf", "ORG:Analytical Engines", "ORG:Difference Engines\r\nREV:20990101T000000Z"
    )
    _edit_on_server(dav, "ada.vcf", "+44 20 7946 0001", "+44 20 7946 0999")
    result = _sync(user)
    assert (result.updated, result.conflicts, result.pushed) == (1, 1, 1)
    ada.refresh_from_db()
    assert ada.company == "Difference Engines"  # both changed: the server's is newer
    assert ada.title == "Chief Analyst"  # changed here only
    assert "+44 20 7946 0999" in ada.contact_points.values_list("value", flat=True)
    assert ada.provenance["company"] == "carddav"
    note = Note.objects.get(person=ada)
    assert "Babbage & Co in Amity; kept Difference Engines" in note.body
    card = _server_cards(dav)[_client(dav).href_for("ada.vcf")]
    assert "TITLE:Chief Analyst" in card and "ORG:Difference Engines" in card
    assert "+44 20 7946 0999" in card
    assert _sync(user).counts()["pushed"] == 0


def test_a_newer_edit_here_beats_an_older_one_there(user, dav: str) -> None:
    from amity.people.models import Note, Person
    from amity.people.services import update_person

    _book(user, dav)
    _sync(user)
    ada = Person.objects.get(full_name="Ada Lovelace")
    update_person(person=ada, company="Babbage & Co")
    _edit_on_server(
        dav, "ada.vcf", "ORG:Analytical Engines", "ORG:Difference Engines\r\nREV:20000101T000000Z"
    )
    result = _sync(user)
    assert result.conflicts == 1
    ada.refresh_from_db()
    assert ada.company == "Babbage & Co"
    assert "Difference Engines in the address book" in Note.objects.get(person=ada).body
    assert "ORG:Babbage & Co" in _server_cards(dav)[_client(dav).href_for("ada.vcf")]


def test_amitys_own_fields_survive_a_phone_that_drops_them(user, dav: str) -> None:
    from amity.people.models import Person
    from amity.relationships.models import CadenceOverride

    _book(user, dav)
    _sync(user)
    client = _client(dav)
    href = client.href_for("grace.vcf")
    etag, text = client.fetch([href])[href]
    # A phone rewrites the card: a new phone number, and no X-AMITY or CATEGORIES lines.
    kept = [line for line in text.splitlines() if not line.startswith(("X-AMITY", "CATEGORIES"))]
    kept.insert(-1, "TEL:+1 555 0100")
    client.put(href, "\r\n".join(kept) + "\r\n", etag)
    client.close()
    _sync(user)
    grace = Person.objects.get(full_name="Grace Hopper")
    assert "+1 555 0100" in grace.contact_points.values_list("value", flat=True)
    assert sorted(grace.tags.values_list("name", flat=True)) == ["mentors", "navy"]
    assert grace.how_we_met == "COBOL conference"
    assert CadenceOverride.objects.get(person=grace).days == 30


def test_it_deletes_a_person_gone_from_the_server_only_with_apply_deletes(user, dav: str) -> None:
    from amity.people.models import Person

    _book(user, dav)
    _sync(user)
    client = _client(dav)
    href = client.href_for("ada.vcf")
    client.delete(href, client.etags()[href])
    client.close()
    result = _sync(user)
    assert (result.pending_deletions, result.deleted) == (1, 0)
    assert Person.objects.filter(full_name="Ada Lovelace").exists()
    assert _sync(user).pending_deletions == 1
    applied = _sync(user, apply_deletes=True)
    assert (applied.pending_deletions, applied.deleted) == (0, 1)
    assert not Person.objects.filter(full_name="Ada Lovelace").exists()


def test_it_deletes_the_card_of_a_person_deleted_here_only_with_apply_deletes(
    user, dav: str
) -> None:
    from amity.people.models import Person
    from amity.people.services import delete_person

    _book(user, dav)
    _sync(user)
    delete_person(person=Person.objects.get(full_name="Grace Hopper"))
    assert _sync(user).pending_deletions == 1
    assert _client(dav).href_for("grace.vcf") in _server_cards(dav)
    assert _sync(user, apply_deletes=True).deleted == 1
    assert _client(dav).href_for("grace.vcf") not in _server_cards(dav)


def test_it_refuses_a_wrong_password_clearly_and_writes_nothing(user, dav: str) -> None:
    from amity.people.models import Person
    from amity.sync.mail import SyncFailed
    from amity.sync.models import ContactBook, ContactCard
    from amity.sync.services import sync_contact_books

    with pytest.raises(SyncFailed, match="refused the username or password"):
        _book(user, dav, password="wrong")
    assert not ContactBook.objects.exists()
    _book(user, dav, password="wrong", check=False)
    [outcome] = sync_contact_books(owner=user)
    assert not outcome.ok and "refused the username or password" in outcome.error
    assert Person.objects.count() == ContactCard.objects.count() == 0
    assert ContactBook.objects.get().last_status == "error"


def test_it_resumes_without_duplicates_after_the_connection_drops(user, dav: str) -> None:
    from amity.people.models import Person
    from amity.people.services import create_person
    from amity.sync.mail import SyncFailed
    from amity.sync.models import ContactBook, ContactCard

    for number in range(30):
        create_person(owner=user, full_name=f"Friend Number{number}")
    _book(user, dav)
    cutter = servers.Cutter(int(dav.split(":")[2].split("/")[0]), limit=4_000)
    ContactBook.objects.update(url=dav.replace(dav.split("/")[2], f"127.0.0.1:{cutter.port}"))
    with pytest.raises(SyncFailed, match="the sync stopped"):
        _sync(user)
    cutter.close()
    assert cutter.cut.is_set()
    ContactBook.objects.update(url=dav)
    _sync(user)
    assert Person.objects.count() == 32
    assert ContactCard.objects.count() == len(_server_cards(dav)) == 32
    assert ContactCard.objects.exclude(person=None).values("person").distinct().count() == 32
