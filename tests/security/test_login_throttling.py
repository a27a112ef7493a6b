"""Test sign-in throttling: wrong passwords lock a user name, `amity user unlock` lifts it."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client

from amity.cli import call

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery"


def _attempt(client: Client, url: str, password: str) -> int:
    response = client.post(url, {"username": "ada", "password": password})
    return response.status_code


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_it_refuses_the_right_password_after_too_many_wrong_ones(user, settings, url) -> None:
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    statuses = [_attempt(client, url, f"guess {n}") for n in range(settings.AXES_FAILURE_LIMIT)]
    assert 429 in statuses or statuses == [200] * settings.AXES_FAILURE_LIMIT
    response = client.post(url, {"username": "ada", "password": RIGHT})
    assert response.status_code == 429
    assert b"Too many wrong passwords" in response.content
    assert b"amity user unlock ada" in response.content
    assert "_auth_user_id" not in client.session


def test_it_signs_in_after_fewer_wrong_passwords_than_the_limit(user, settings) -> None:
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _attempt(client, "/login/", f"guess {n}") == 200
    assert _attempt(client, "/login/", RIGHT) == 302


def test_it_unlocks_a_user_from_the_command_line(user, settings) -> None:
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT + 2):
        _attempt(client, "/login/", f"guess {n}")
    assert _attempt(client, "/login/", RIGHT) == 429
    out = io.StringIO()
    call("user", "unlock", "ada", "--json", stdout=out)
    assert json.loads(out.getvalue())["username"] == "ada"
    assert json.loads(out.getvalue())["failed_attempts_cleared"] >= 1
    assert _attempt(client, "/login/", RIGHT) == 302


def test_it_locks_one_name_not_the_others(user, other_user, settings) -> None:
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        _attempt(client, "/login/", f"guess {n}")
    response = client.post("/login/", {"username": "bob", "password": "another horse battery"})
    assert response.status_code == 302
