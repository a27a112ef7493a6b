"""Test IMAP mail sync against a real pymap server on a random local port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sync import servers
from tests.sync.conftest import MBOX_INTERACTIONS, ME, generated_message, write_mailbox

pytestmark = pytest.mark.skipif(
    bool(servers.missing("pymap")), reason=str(servers.missing("pymap"))
)

USER, PASSWORD = "sam", "imap-secret"
GENERATED = 30


@pytest.fixture
def folders(tmp_path: Path) -> Path:
    """Write the test mbox and 30 generated messages as INBOX and Sent folders."""
    return write_mailbox(tmp_path / "mail", generated=GENERATED)


@pytest.fixture
def imap(folders: Path) -> Iterator[int]:
    """Run pymap with the test folders; yield its port."""
    with servers.pymap(folders, USER, PASSWORD) as port:
        yield port


def _sizes(folders: Path) -> dict[str, int]:
    return {path.name: len(list(path.iterdir())) for path in folders.iterdir()}


def _client(port: int) -> Any:
    from imapclient import IMAPClient

    client = IMAPClient("127.0.0.1", port=port, ssl=False)
    client.login(USER, PASSWORD)
    return client


def _account(owner: Any, port: int, password: str = PASSWORD, check: bool = True) -> Any:
    from amity.sync.services import add_mail_account

    return add_mail_account(
        owner=owner,
        name="work",
        host="127.0.0.1",
        port=port,
        security="plain",
        username=USER,
        password=password,
        addresses=ME,
        check=check,
    )


def _sync(owner: Any, **options: Any) -> Any:
    from amity.sync.mail import sync_mail
    from amity.sync.models import MailAccount

    return sync_mail(account=MailAccount.objects.get(owner=owner, name="work"), **options)


def test_it_reads_every_folder_on_the_first_sync(user, imap: int, folders: Path) -> None:
    from amity.people.models import Interaction, Person

    _account(user, imap)
    result = _sync(user)
    assert result.folders == _sizes(folders)
    assert sum(result.folders.values()) == 10 + GENERATED
    assert result.interactions.created == MBOX_INTERACTIONS + GENERATED
    sent = Interaction.objects.get(external_id="20250602091500.1@example.net")
    assert (sent.direction, sent.source) == ("outbound", "mbox")
    assert Interaction.objects.get(external_id="gen-3@example.org").direction == "inbound"
    # Mailing lists, bulk mail and no-reply senders never become people.
    assert result.skipped["automated sender or mailing list"] == 3
    assert not Person.objects.filter(full_name__icontains="github").exists()
    assert not Person.objects.filter(contact_points__value__icontains="climateweekly").exists()
    assert not Person.objects.filter(contact_points__value__icontains="shop.example").exists()
    # Only the opening text is kept; the attachment is never stored.
    generated = Interaction.objects.get(external_id="gen-5@example.org")
    assert generated.content.startswith("Hello Sam, message 5.")
    assert len(generated.content) < 4096
    assert not Interaction.objects.filter(content__contains="ATTACHMENT-PAYLOAD").exists()


def test_it_fetches_nothing_old_on_the_second_sync(user, imap: int) -> None:
    from amity.people.models import Interaction

    _account(user, imap)
    _sync(user)
    count = Interaction.objects.count()
    again = _sync(user)
    assert again.fetched == 0
    assert again.folders == {"INBOX": 0, "Sent": 0}
    assert Interaction.objects.count() == count


def test_it_fetches_only_a_message_that_arrived_between_syncs(user, imap: int) -> None:
    from amity.people.models import Interaction, Person

    _account(user, imap)
    _sync(user)
    client = _client(imap)
    client.append("INBOX", generated_message(999, attachment=False))
    client.logout()
    again = _sync(user)
    assert again.fetched == 1
    assert again.interactions.created == 1
    new = Interaction.objects.get(external_id="gen-999@example.org")
    assert [p.full_name for p in new.people.all()] == [
        Person.objects.get(contact_points__normalized="friend5@example.org").full_name
    ]


def test_it_rescans_a_folder_whose_uidvalidity_changed_without_duplicates(
    user, imap: int, folders: Path
) -> None:
    from amity.people.models import Interaction
    from amity.sync.models import MailFolder

    _account(user, imap)
    _sync(user)
    count = Interaction.objects.count()
    before = MailFolder.objects.get(name="Sent").uidvalidity
    client = _client(imap)
    client.select_folder("Sent", readonly=True)
    messages = client.fetch(client.search(["ALL"]), ["BODY.PEEK[]"])
    client.select_folder("INBOX")  # leave Sent, so it can be deleted
    client.delete_folder("Sent")
    client.create_folder("Sent")
    for data in messages.values():
        client.append("Sent", data[b"BODY[]"])
    client.logout()
    again = _sync(user)
    assert again.rescanned == ["Sent"]
    assert again.folders["Sent"] == _sizes(folders)["Sent"]
    assert again.interactions.created == 0
    assert Interaction.objects.count() == count
    assert MailFolder.objects.get(name="Sent").uidvalidity != before


def test_it_refuses_a_wrong_password_clearly_and_writes_nothing(user, imap: int) -> None:
    from amity.people.models import Interaction, Person
    from amity.sync.mail import SyncFailed
    from amity.sync.models import MailAccount, MailFolder
    from amity.sync.services import sync_mail_accounts

    with pytest.raises(SyncFailed, match="refused the username or password"):
        _account(user, imap, password="wrong")
    assert not MailAccount.objects.exists()
    # Stored without a check (or changed on the server since): the sync says so.
    _account(user, imap, password="wrong", check=False)
    [outcome] = sync_mail_accounts(owner=user)
    assert not outcome.ok and "refused the username or password" in outcome.error
    assert Person.objects.count() == Interaction.objects.count() == MailFolder.objects.count() == 0
    account = MailAccount.objects.get()
    assert account.last_status == "error" and "refused" in account.last_error


def test_it_resumes_without_duplicates_after_the_connection_drops(user, imap: int) -> None:
    from amity.people.models import Interaction
    from amity.sync.mail import SyncFailed
    from amity.sync.models import MailAccount

    _account(user, imap)
    cutter = servers.Cutter(imap, limit=60_000)
    MailAccount.objects.filter(name="work").update(port=cutter.port)
    with pytest.raises(SyncFailed, match="connection failed after"):
        _sync(user, fetch_size=5, commit_every=5)
    cutter.close()
    assert cutter.cut.is_set()
    stored = Interaction.objects.count()
    assert 0 < stored < MBOX_INTERACTIONS + GENERATED
    MailAccount.objects.filter(name="work").update(port=imap)
    again = _sync(user, fetch_size=5, commit_every=5)
    assert 0 < again.fetched < 10 + GENERATED
    assert Interaction.objects.count() == MBOX_INTERACTIONS + GENERATED
    assert again.interactions.created == MBOX_INTERACTIONS + GENERATED - stored


def test_it_shares_message_ids_with_the_mbox_importer(user, imap: int) -> None:
    from amity.people.models import Interaction
    from tests.importers.conftest import run

    run(user, "mbox", "mail.mbox", me=ME)
    _account(user, imap)
    result = _sync(user)
    assert result.interactions.created == GENERATED
    assert Interaction.objects.count() == MBOX_INTERACTIONS + GENERATED
