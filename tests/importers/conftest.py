"""Share fixture paths, a fixed clock and a database snapshot among importer tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"
NOW = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
ME = ("sam.carter@example.net", "sam@carter.example")


def run(user: Any, fmt: str, path: Path | str, **options: Any) -> Any:
    """Import a fixture (a name under data/ or a path) as `user` at the fixed clock."""
    from amity.importers.services import open_path, run_import

    target = path if isinstance(path, Path) else DATA / path
    options.setdefault("now", NOW)
    return run_import(owner=user, format=fmt, source=open_path(target), **options)


def snapshot() -> dict[str, Any]:
    """Return every importer-visible row as plain values, to compare before and after."""
    from amity.importers.models import ExternalKey, ImportRun
    from amity.people.models import ContactPoint, Interaction, Person, Tag

    return {
        "people": sorted(
            Person.objects.values_list(
                "pk", "full_name", "company", "title", "linkedin_url", "provenance", "updated_at"
            ),
            key=repr,
        ),
        "contacts": sorted(ContactPoint.objects.values_list("person_id", "kind", "normalized")),
        "interactions": sorted(
            Interaction.objects.values_list("pk", "external_id", "occurred_at", "summary"),
            key=repr,
        ),
        "links": sorted(
            Interaction.people.through.objects.values_list("interaction_id", "person_id")
        ),
        "keys": sorted(ExternalKey.objects.values_list("person_id", "source", "key")),
        "tags": sorted(Tag.objects.values_list("owner_id", "name")),
        "runs": ImportRun.objects.count(),
    }


@pytest.fixture
def me() -> tuple[str, ...]:
    """Return the fictional user's email addresses used throughout the fixtures."""
    return ME
