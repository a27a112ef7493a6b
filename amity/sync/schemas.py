"""Declare the JSON shapes of accounts and sync outcomes, shared by the CLI's --json and the API.

No shape has a password field: a password is shown nowhere after it is entered.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class LastSync(Schema):
    """When an account last synced, how it went, what it counted."""

    last_sync_at: dt.datetime | None
    last_status: str
    last_counts: dict[str, Any]
    last_error: str
    last_seconds: float


class MailAccountPublic(LastSync):
    """A mail account as `amity mail list --json` prints it."""

    name: str
    host: str
    port: int
    security: str
    username: str
    folders: list[str]
    addresses: list[str]


class ContactBookPublic(LastSync):
    """An address book as `amity contacts list --json` prints it."""

    name: str
    url: str
    username: str


class SyncOutcomePublic(Schema):
    """One account's sync as `amity mail|contacts sync --json` prints it."""

    kind: str
    account: str
    ok: bool
    error: str
    counts: dict[str, Any]
    seconds: float


def dump(schema: type[Schema], items: list[Any]) -> list[dict[str, Any]]:
    """Return `items` (models or dataclasses) in `schema`'s shape, as JSON-ready data."""
    return [
        schema.model_validate(item, from_attributes=True).model_dump(mode="json") for item in items
    ]
