"""Test `amity user create|list`."""

import json
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from amity.cli import call
from amity.cli.base import CliError


def run(*args: str, stdin: StringIO | None = None, **options: object) -> str:
    """Run `amity user ARGS --OPTION VALUE…` and return what it printed."""
    out = StringIO()
    flags: list[str] = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        flags += [flag] if value is True else [flag, str(value)]
    call("user", *args, *flags, stdout=out, stdin=stdin)
    return out.getvalue()


def test_it_creates_a_user_with_a_password_from_stdin(db: None) -> None:
    output = run("create", "grace", password_stdin=True, stdin=StringIO("cobol rules ok\n"))
    assert "grace" in output
    user = authenticate(username="grace", password="cobol rules ok")
    assert user is not None and not user.is_superuser


def test_it_creates_a_superuser_as_json(db: None) -> None:
    data = json.loads(
        run(
            "create",
            "root",
            "--superuser",
            json=True,
            password_stdin=True,
            stdin=StringIO("a long passphrase\n"),
        )
    )
    assert data == {
        "id": User.objects.get(username="root").pk,
        "username": "root",
        "is_superuser": True,
        "password": None,
    }


def test_it_generates_and_prints_a_password_when_not_at_a_terminal(db: None) -> None:
    data = json.loads(run("create", "alan", json=True, stdin=StringIO("")))
    assert data["password"]
    assert authenticate(username="alan", password=data["password"]) is not None


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("create", "ada"), "another long one\n", "already exists"),
        (("create",), "another long one\n", "name the user"),
        (("create", "weak"), "short\n", "too short"),
        (("create", "bad name!"), "another long one\n", "username"),
        (("create", "empty"), "\n", "no password"),
    ],
)
def test_it_refuses_a_bad_new_user(user: User, args: tuple, stdin: str, message: str) -> None:
    with pytest.raises(CliError, match=message):
        run(*args, password_stdin=True, stdin=StringIO(stdin))
    assert User.objects.count() == 1


def test_it_lists_users(user: User, other_user: User) -> None:
    listing = json.loads(run("list", json=True))
    assert [u["username"] for u in listing] == ["ada", "bob"]
    assert set(listing[0]) == {
        "id",
        "username",
        "email",
        "is_superuser",
        "is_active",
        "date_joined",
        "last_login",
    }
    assert "bob" in run("list")
