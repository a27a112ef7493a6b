"""Test /api/v1/sync: accounts in the CLI's shapes, no passwords, queued syncs, isolation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from amity.sync.models import ContactBook, MailAccount
from amity.sync.sealing import seal
from tests.api.conftest import token_client


@pytest.fixture
def api(user: Any) -> Client:
    """Return a client authenticated as ada by token."""
    return token_client(user)


@pytest.fixture
def other_api(other_user: Any) -> Client:
    """Return a client authenticated as bob by token."""
    return token_client(other_user)


def _accounts(owner: Any) -> None:
    MailAccount.objects.create(
        owner=owner,
        name="home",
        host="imap.example.org",
        username="ada@example.org",
        sealed_password=seal("imap-password-1"),
        last_status="error",
        last_error="home: cannot connect to imap.example.org:993",
    )
    ContactBook.objects.create(
        owner=owner,
        name="phone",
        url="https://dav.example.org/ada/contacts/",
        username="ada",
        sealed_password=seal("dav-password-1"),
    )


def test_it_lists_accounts_with_their_last_sync_and_no_password(api: Client, user: Any) -> None:
    _accounts(user)
    response = api.get("/api/v1/sync/mail")
    assert response.status_code == 200
    [account] = response.json()
    assert account["name"] == "home" and account["last_status"] == "error"
    assert "cannot connect" in account["last_error"]
    [book] = api.get("/api/v1/sync/contacts").json()
    assert book["url"] == "https://dav.example.org/ada/contacts/"
    text = response.content.decode() + api.get("/api/v1/sync/contacts").content.decode()
    assert "password" not in text
    assert MailAccount.objects.get().sealed_password not in text


def test_it_queues_a_sync_for_the_worker(api: Client, user: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    _accounts(user)
    response = api.post("/api/v1/sync/contacts/phone")
    assert response.status_code == 202
    assert response.json() == {"kind": "contacts", "account": "phone", "queued": True}
    [task] = DBTaskResult.objects.filter(task_path__startswith="amity.sync.")
    assert task.task_path == "amity.sync.tasks.sync_account"
    assert api.post("/api/v1/sync/mail/phone").status_code == 404
    assert api.post("/api/v1/sync/calendar/phone").status_code == 404


def test_another_user_never_sees_or_syncs_my_accounts(
    api: Client, other_api: Client, user: Any
) -> None:
    _accounts(user)
    assert other_api.get("/api/v1/sync/mail").json() == []
    assert other_api.get("/api/v1/sync/contacts").json() == []
    assert other_api.post("/api/v1/sync/mail/home").status_code == 404


def test_the_cli_prints_the_shapes_the_api_serves(api: Client, user: Any, client: Client) -> None:
    from tests.cli.test_schemas import cli_json, openapi, validator

    _accounts(user)
    client.force_login(user)
    document = openapi(client)
    for kind, component in (("mail", "MailAccountPublic"), ("contacts", "ContactBookPublic")):
        printed = cli_json(kind, "list")
        for item in printed:
            validator(document, component).validate(item)
        assert printed == api.get(f"/api/v1/sync/{kind}").json()
