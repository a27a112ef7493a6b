"""Fixtures for the web tests: CSRF-enforcing clients and a small network."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from amity.people import services, timeline


class FormClient(Client):
    """A test client that enforces CSRF and posts forms the way a browser does."""

    def __init__(self) -> None:
        super().__init__(enforce_csrf_checks=True)

    def csrf_token(self, page: str) -> str:
        """Fetch `page` (which must render a form) and return the CSRF cookie's value."""
        response = self.get(page)
        assert response.status_code == 200, (page, response.status_code)
        return self.cookies["csrftoken"].value

    def submit(self, page: str, action: str, data: dict[str, Any] | None = None, **kw: Any):
        """Fetch the form on `page`, then POST `data` to `action` with its CSRF token."""
        token = self.csrf_token(page)
        return self.post(action, {**(data or {}), "csrfmiddlewaretoken": token}, **kw)


@pytest.fixture
def web(user) -> FormClient:
    """Return a CSRF-enforcing client signed in as "ada"."""
    client = FormClient()
    client.force_login(user)
    return client


@pytest.fixture
def ada_network(user) -> dict[str, Any]:
    """Create a few of ada's people, one interaction and one note."""
    grace = services.create_person(
        owner=user,
        full_name="Grace Hopper",
        company="Navy",
        title="Rear Admiral",
        field="Computing",
        location="Arlington",
        emails=["grace@navy.example"],
        tags=["mentors"],
        interests=["compilers"],
    )
    alan = services.create_person(
        owner=user, full_name="Alan Turing", company="Bletchley", field="Maths", tags=["climate"]
    )
    katherine = services.create_person(
        owner=user, full_name="Katherine Johnson", company="NASA", field="Maths"
    )
    interaction = timeline.log_interaction(
        owner=user, people=[grace], channel="call", subtype="thanks", summary="Thanked her"
    )
    note = timeline.add_note(person=grace, body="Loves **COBOL** stories")
    return {
        "grace": grace,
        "alan": alan,
        "katherine": katherine,
        "interaction": interaction,
        "note": note,
    }
