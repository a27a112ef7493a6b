"""Test that an import says, person by person, who it created and what it changed."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

from amity.cli import call
from amity.importers.models import ImportChange
from amity.people.models import Person
from tests.importers.conftest import DATA, run

LINKEDIN = DATA / "linkedin"


def _export(tmp_path: Path, connections: str) -> Path:
    """Return a LinkedIn Connections.csv copied from the fixture `connections`."""
    target = tmp_path / "Connections.csv"
    shutil.copy(LINKEDIN / connections, target)
    return target


def _fields(change) -> dict[str, tuple[str, str]]:
    return {f.field: (f.old, f.new) for f in change.fields}


def test_it_lists_who_was_created(user, tmp_path: Path) -> None:
    summary = run(user, "linkedin", _export(tmp_path, "Connections.csv"))
    created = sorted(c.name for c in summary.changes if c.action == "created")
    assert created == sorted(Person.objects.filter(owner=user).values_list("full_name", flat=True))
    assert "Mirela Okonkwo-Hart" in created and len(created) == summary.people.created == 5
    rows = ImportChange.objects.filter(run_id=summary.run_id, action="created")
    assert sorted(rows.values_list("person_name", flat=True)) == created


def test_a_reimport_records_each_changed_field_with_its_old_value(user, tmp_path: Path) -> None:
    run(user, "linkedin", _export(tmp_path, "Connections.csv"))
    newer = run(user, "linkedin", _export(tmp_path, "Connections_newer.csv"))
    by_name = {c.name: c for c in newer.changes}
    assert by_name["Mirela Okonkwo-Hart"].action == "updated"
    assert _fields(by_name["Mirela Okonkwo-Hart"]) == {
        "company": ("Finchwell Labs", "Tidewater Institute"),
        "title": ("Head of Research, Climate", "Director of Research"),
    }
    assert _fields(by_name["Tobias Lindqvist"]) == {
        "title": ("Staff Engineer", "Principal Engineer")
    }
    assert by_name["Kwame Asante"].action == "created"
    # Unchanged people are counted, not listed.
    assert {c.name for c in newer.changes} == {
        "Mirela Okonkwo-Hart", "Tobias Lindqvist", "Kwame Asante"
    }  # fmt: skip
    # Kept with the run, on the person: the old title is on record.
    tobias = Person.objects.get(owner=user, full_name="Tobias Lindqvist")
    assert tobias.title == "Principal Engineer"
    kept = ImportChange.objects.get(person=tobias, field="title")
    assert (kept.run_id, kept.old, kept.new) == (
        newer.run_id,
        "Staff Engineer",
        "Principal Engineer",
    )
    # The same file again changes nothing and lists no one.
    again = run(user, "linkedin", _export(tmp_path, "Connections_newer.csv"))
    assert again.changes == [] and again.people.unchanged == 6


def test_it_lists_new_interactions_with_known_people(user) -> None:
    run(user, "linkedin", LINKEDIN / "Connections.csv")
    summary = run(user, "linkedin", LINKEDIN / "messages.csv")
    met = {c.name: c for c in summary.changes}
    mirela = Person.objects.get(owner=user, full_name="Mirela Okonkwo-Hart")
    # A connection who only got messages is listed with them, not as changed.
    assert met["Mirela Okonkwo-Hart"].action == "interactions"
    assert met["Mirela Okonkwo-Hart"].new_interactions == mirela.interactions.count() > 0
    # Everyone a new interaction involves is listed.
    involved = set(
        Person.objects.filter(owner=user, interactions__isnull=False).values_list(
            "full_name", flat=True
        )
    )
    assert {name for name, c in met.items() if c.new_interactions} == involved


def test_a_dry_run_lists_changes_and_writes_none(user, tmp_path: Path) -> None:
    run(user, "linkedin", _export(tmp_path, "Connections.csv"))
    before = ImportChange.objects.count()
    preview = run(user, "linkedin", _export(tmp_path, "Connections_newer.csv"), dry_run=True)
    assert _fields({c.name: c for c in preview.changes}["Tobias Lindqvist"]) == {
        "title": ("Staff Engineer", "Principal Engineer")
    }
    assert ImportChange.objects.count() == before
    assert Person.objects.get(full_name="Tobias Lindqvist").title == "Staff Engineer"


def test_skips_say_where_they_were(user) -> None:
    summary = run(user, "linkedin", LINKEDIN / "Connections.csv")
    places = summary.skipped_at["hidden LinkedIn member (no name or profile URL)"]
    assert places == [f"{LINKEDIN / 'Connections.csv'}:7", f"{LINKEDIN / 'Connections.csv'}:9"]


def test_the_command_prints_each_person_and_json_has_the_changes(user, tmp_path: Path) -> None:
    call("import", "linkedin", str(_export(tmp_path, "Connections.csv")), stdout=StringIO())
    out = StringIO()
    call("import", "linkedin", str(_export(tmp_path, "Connections_newer.csv")), stdout=out)
    text = out.getvalue()
    assert "created Kwame Asante" in text
    assert "changed Tobias Lindqvist" in text
    assert "title: Staff Engineer → Principal Engineer" in text
    out = StringIO()
    call("import", "linkedin", str(_export(tmp_path, "Connections.csv")), "--json", stdout=out)
    data = json.loads(out.getvalue())
    tobias = next(c for c in data["changes"] if c["name"] == "Tobias Lindqvist")
    assert tobias["action"] == "updated"
    assert tobias["fields"] == [
        {"field": "title", "old": "Principal Engineer", "new": "Staff Engineer"}
    ]
