"""Test `amity mail` and `amity contacts`: passwords from stdin, JSON shapes, clear errors."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from amity.cli import call
from amity.cli.base import CliError
from tests.sync import servers
from tests.sync.conftest import MBOX_INTERACTIONS, write_mailbox

pytestmark = pytest.mark.skipif(
    bool(servers.missing("pymap")), reason=str(servers.missing("pymap"))
)
USER, PASSWORD = "sam", "imap-secret-123"


@pytest.fixture
def imap(tmp_path: Path) -> Iterator[int]:
    """Run pymap with the test mbox; yield its port."""
    with servers.pymap(write_mailbox(tmp_path / "mail"), USER, PASSWORD) as port:
        yield port


def amity(*args: str, stdin: str = "") -> str:
    """Run `amity ARGS…` as the first user; return what it printed."""
    out = io.StringIO()
    call(*args, stdout=out, stdin=io.StringIO(stdin))
    return out.getvalue()


def _add(port: int, password: str = PASSWORD) -> str:
    return amity(
        "mail",
        "add",
        "home",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--security",
        "plain",
        "--username",
        USER,
        "--address",
        "sam.carter@example.net",
        "--address",
        "sam@carter.example",
        "--password-stdin",
        stdin=password + "\n",
    )


def test_mail_add_sync_and_list_speak_json_and_never_show_the_password(
    user: Any, imap: int
) -> None:
    from amity.sync.models import MailAccount

    assert "Added home" in _add(imap)
    stored = MailAccount.objects.get()
    assert PASSWORD not in stored.sealed_password
    [outcome] = json.loads(amity("mail", "sync", "--json"))
    assert outcome["ok"] and outcome["account"] == "home"
    assert outcome["counts"]["interactions"]["created"] == MBOX_INTERACTIONS
    listed = amity("mail", "list", "--json")
    [account] = json.loads(listed)
    assert account["last_status"] == "ok" and account["folders"] == []
    assert "password" not in listed and PASSWORD not in listed
    assert stored.sealed_password not in listed
    assert "home" in amity("mail", "list")
    amity("mail", "remove", "home")
    assert json.loads(amity("mail", "list", "--json")) == []


def test_mail_add_with_a_wrong_password_fails_clearly(user: Any, imap: int) -> None:
    from amity.sync.models import MailAccount

    with pytest.raises(CliError, match="refused the username or password"):
        _add(imap, password="nope")
    assert not MailAccount.objects.exists()


def test_a_failed_sync_exits_with_an_error_after_printing_it(user: Any, imap: int) -> None:
    from amity.sync.models import MailAccount

    _add(imap)
    MailAccount.objects.update(port=servers.free_port())
    with pytest.raises(CliError, match="sync failed for home"):
        amity("mail", "sync")


def test_passwords_never_reach_an_export(user: Any, imap: int, tmp_path: Path) -> None:
    from amity.sync.models import MailAccount

    _add(imap)
    amity("mail", "sync")
    target = tmp_path / "export.json"
    amity("export", "--output", str(target))
    text = target.read_text()
    assert PASSWORD not in text
    assert MailAccount.objects.get().sealed_password not in text
