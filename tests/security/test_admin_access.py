"""Test that nobody can read other users' data through /admin/ unless made a superuser."""

from __future__ import annotations

import io

import pytest

from amity.cli import call
from amity.core.bootstrap import ensure_first_user
from amity.people import services

pytestmark = pytest.mark.django_db


def test_it_makes_the_first_user_a_plain_user(client, other_user) -> None:
    other_user.delete()
    user, password = ensure_first_user(username="amity", password="first horse battery")
    assert password == "first horse battery"
    assert not user.is_superuser and not user.is_staff
    assert client.login(username="amity", password="first horse battery")
    response = client.get("/admin/people/person/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_it_keeps_the_admin_from_the_first_user_of_a_fresh_home(client) -> None:
    user, password = ensure_first_user(interactive=False)
    services.create_person(owner=user, full_name="Ada Lovelace")
    assert client.login(username=user.get_username(), password=password)
    assert b"Ada Lovelace" not in client.get("/admin/people/person/", follow=True).content


def test_it_makes_a_superuser_only_when_asked(client) -> None:
    call(
        "user",
        "create",
        "root",
        "--superuser",
        "--password-stdin",
        stdin=io.StringIO("root horse battery\n"),
        stdout=io.StringIO(),
    )
    assert client.login(username="root", password="root horse battery")
    assert client.get("/admin/people/person/").status_code == 200
