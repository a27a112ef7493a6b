"""Test `amity token create|list|revoke`."""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.test import Client

from amity.accounts.models import ApiToken
from amity.cli import call
from amity.cli.base import CliError


def run(*args: str, stdin: StringIO | None = None, **options: object) -> str:
    """Run `amity token ARGS --OPTION VALUE…` and return what it printed."""
    out = StringIO()
    flags: list[str] = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        flags += [flag] if value is True else [flag, str(value)]
    call("token", *args, *flags, stdout=out, stdin=stdin)
    return out.getvalue()


def test_it_prints_a_token_that_authenticates_an_api_request(user: User) -> None:
    output = run("create", "--name", "laptop")
    raw = output.strip().splitlines()[-1]
    assert raw.startswith("amity_") and "laptop" in output
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.json()["username"] == "ada"
    assert ApiToken.objects.get(owner=user).name == "laptop"


def test_it_creates_a_token_as_json_for_the_user_named(user: User, other_user: User) -> None:
    data = json.loads(run("create", user="bob", json=True))
    assert set(data) == {"token", "prefix", "name"}
    assert data["name"] == "cli" and data["token"].startswith(data["prefix"])
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {data['token']}"})
    assert response.json()["username"] == "bob"


def test_it_lists_tokens_without_revealing_them(user: User, other_user: User) -> None:
    created = json.loads(run("create", "--name", "ci", json=True))
    run("create", user="bob")
    listing = json.loads(run("list", json=True))
    assert [(t["prefix"], t["name"], t["last_used_at"]) for t in listing] == [
        (created["prefix"], "ci", None)
    ]
    assert set(listing[0]) == {"prefix", "name", "created_at", "last_used_at"}
    human = run("list")
    assert created["prefix"] in human and created["token"] not in human


def test_it_revokes_a_token_by_prefix(user: User) -> None:
    created = json.loads(run("create", json=True))
    assert json.loads(run("revoke", created["prefix"], json=True)) == {
        "prefix": created["prefix"],
        "revoked": 1,
    }
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {created['token']}"})
    assert response.status_code == 401


def test_it_refuses_to_revoke_another_users_token(user: User, other_user: User) -> None:
    created = json.loads(run("create", json=True))
    with pytest.raises(CliError, match="no token"):
        run("revoke", created["prefix"], user="bob")
    assert ApiToken.objects.filter(owner=user).count() == 1


def test_it_asks_which_token_to_revoke(user: User) -> None:
    with pytest.raises(CliError, match="which token"):
        run("revoke")


def test_it_refuses_an_unknown_action(user: User) -> None:
    with pytest.raises(CliError):
        run("rotate")
