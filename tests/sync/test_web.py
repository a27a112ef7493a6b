"""Test the Accounts page: accounts with last sync, counts and errors; add, sync now, remove."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sync import servers
from tests.sync.conftest import MBOX_INTERACTIONS, write_mailbox
from tests.web.conftest import FormClient

pytestmark = pytest.mark.skipif(
    bool(servers.missing("pymap")), reason=str(servers.missing("pymap"))
)
USER, PASSWORD = "sam", "imap-secret-456"


@pytest.fixture
def imap(tmp_path: Path) -> Iterator[int]:
    """Run pymap with the test mbox; yield its port."""
    with servers.pymap(write_mailbox(tmp_path / "mail"), USER, PASSWORD) as port:
        yield port


@pytest.fixture
def browser(user: Any) -> FormClient:
    """Return a CSRF-enforcing client logged in as "ada"."""
    client = FormClient()
    client.force_login(user)
    return client


def _mail_form(port: int, password: str) -> dict[str, Any]:
    return {
        "add": "mail",
        "mail-name": "home",
        "mail-host": "127.0.0.1",
        "mail-port": port,
        "mail-security": "plain",
        "mail-username": USER,
        "mail-password": password,
        "mail-folders": "",
        "mail-addresses": "sam.carter@example.net, sam@carter.example",
    }


# The worker closes connections between tasks, as in production: no test transaction.
@pytest.mark.django_db(transaction=True)
def test_it_adds_an_account_syncs_it_now_and_shows_the_counts(
    browser: FormClient, imap: int
) -> None:
    from amity.core.schedule import run_pending_tasks
    from amity.sync.models import MailAccount

    response = browser.submit("/sync/", "/sync/", _mail_form(imap, PASSWORD))
    assert response.status_code == 302
    page = browser.get("/sync/").content.decode()
    assert "home" in page and "not synced yet" in page
    account = MailAccount.objects.get()
    assert browser.submit("/sync/", f"/sync/mail/{account.pk}/now/").status_code == 302
    run_pending_tasks()
    page = browser.get("/sync/").content.decode()
    assert f"{MBOX_INTERACTIONS} interactions created" in page
    assert PASSWORD not in page and account.sealed_password not in page


def test_it_shows_a_wrong_password_and_stores_nothing(browser: FormClient, imap: int) -> None:
    from amity.sync.models import MailAccount

    response = browser.submit("/sync/", "/sync/", _mail_form(imap, "wrong"))
    assert response.status_code == 400
    assert "refused the username or password" in response.content.decode()
    assert not MailAccount.objects.exists()


def test_it_shows_the_last_error_of_an_account(browser: FormClient, imap: int, user: Any) -> None:
    from amity.sync.models import MailAccount
    from amity.sync.services import sync_mail_accounts

    browser.submit("/sync/", "/sync/", _mail_form(imap, PASSWORD))
    MailAccount.objects.update(port=servers.free_port())
    sync_mail_accounts(owner=user)
    assert "cannot connect to 127.0.0.1" in browser.get("/sync/").content.decode()


def test_another_user_never_sees_or_syncs_my_accounts(
    browser: FormClient, imap: int, other_user: Any
) -> None:
    from amity.sync.models import MailAccount

    browser.submit("/sync/", "/sync/", _mail_form(imap, PASSWORD))
    account = MailAccount.objects.get()
    stranger = FormClient()
    stranger.force_login(other_user)
    assert "home" not in stranger.get("/sync/").content.decode().split("Your accounts")[1]
    assert stranger.submit("/sync/", f"/sync/mail/{account.pk}/now/").status_code == 404
    assert stranger.submit("/sync/", f"/sync/mail/{account.pk}/remove/").status_code == 404
    assert browser.submit("/sync/", f"/sync/mail/{account.pk}/remove/").status_code == 302
    assert not MailAccount.objects.exists()
