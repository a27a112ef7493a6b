"""Give API tests clients that authenticate with a personal token, as ada or bob."""

from __future__ import annotations

import pytest
from django.test import Client

from amity.accounts.services import create_token


def token_client(owner: object) -> Client:
    """Return a client sending a fresh personal token of `owner` on every request."""
    _, raw = create_token(owner=owner, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def api(user: object) -> Client:
    """Return a client authenticated as ada by token."""
    return token_client(user)


@pytest.fixture
def other_api(other_user: object) -> Client:
    """Return a client authenticated as bob by token."""
    return token_client(other_user)
