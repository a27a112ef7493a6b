"""Test editing notes and interactions and undoing deletes, snoozes and Done via the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from amity.people import services, timeline, validation
from amity.people.models import Interaction, Note, Person
from amity.relationships.models import Snooze


@pytest.fixture
def grace(user) -> Person:
    return services.create_person(owner=user, full_name="Grace Hopper")


def test_it_refuses_a_future_date_with_the_shared_message(api: Client, grace: Person) -> None:
    later = (timezone.now() + dt.timedelta(days=2)).isoformat()
    created = api.post(
        "/api/v1/interactions",
        {"people": [grace.pk], "occurred_at": later},
        content_type="application/json",
    )
    assert created.status_code == 422
    assert created.json()["detail"] == [{"field": "occurred_at", "message": validation.FUTURE_DATE}]
    interaction = timeline.log_interaction(owner=grace.owner, people=[grace])
    changed = api.patch(
        f"/api/v1/interactions/{interaction.pk}",
        {"occurred_at": later},
        content_type="application/json",
    )
    assert changed.status_code == 422
    assert changed.json()["detail"][0]["message"] == validation.FUTURE_DATE


def test_it_adds_changes_lists_and_deletes_notes_with_undo(api: Client, grace: Person) -> None:
    added = api.post(
        f"/api/v1/people/{grace.pk}/notes",
        {"body": "Likes *COBOL*"},
        content_type="application/json",
    )
    assert added.status_code == 201
    note = added.json()
    assert note["body_html"] == "<p>Likes <em>COBOL</em></p>"
    changed = api.patch(
        f"/api/v1/notes/{note['id']}", {"body": "Likes Fortran"}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert changed.json()["body"] == "Likes Fortran"
    assert changed.json()["created_at"] == note["created_at"]
    empty = api.patch(f"/api/v1/notes/{note['id']}", {"body": " "}, content_type="application/json")
    assert empty.status_code == 422 and empty.json()["detail"][0]["field"] == "body"
    listed = api.get(f"/api/v1/people/{grace.pk}/notes").json()
    assert [n["body"] for n in listed["items"]] == ["Likes Fortran"]
    deleted = api.delete(f"/api/v1/notes/{note['id']}")
    assert deleted.status_code == 204
    assert not Note.objects.filter(pk=note["id"]).exists()
    pending = api.get("/api/v1/undo").json()
    assert [p["id"] for p in pending] == [int(deleted["Amity-Undo"])]
    undone = api.post(f"/api/v1/undo/{deleted['Amity-Undo']}")
    assert undone.status_code == 200 and undone.json()["undone_at"]
    assert Note.objects.get(pk=note["id"]).body == "Likes Fortran"
    assert api.post(f"/api/v1/undo/{deleted['Amity-Undo']}").status_code == 404


def test_it_undoes_an_interaction_delete_exactly(api: Client, grace: Person) -> None:
    when = timezone.now() - dt.timedelta(days=9)
    interaction = timeline.log_interaction(
        owner=grace.owner, people=[grace], occurred_at=when, subtype="thanks", summary="Card"
    )
    before = api.get(f"/api/v1/interactions/{interaction.pk}").json()
    response = api.delete(f"/api/v1/interactions/{interaction.pk}")
    assert response.status_code == 204
    grace.refresh_from_db()
    assert grace.interaction_count == 0
    assert api.post("/api/v1/undo").status_code == 200
    assert api.get(f"/api/v1/interactions/{interaction.pk}").json() == before
    grace.refresh_from_db()
    assert (grace.interaction_count, grace.last_interaction_at) == (1, when)


def test_it_undoes_a_snooze_and_a_done(api: Client, grace: Person) -> None:
    snoozed = api.post(
        f"/api/v1/people/{grace.pk}/snooze", {"duration": "2w"}, content_type="application/json"
    )
    assert snoozed.status_code == 200
    assert snoozed.json()["undo_id"] == int(snoozed["Amity-Undo"])
    assert Snooze.objects.filter(person=grace).exists()
    assert api.post(f"/api/v1/undo/{snoozed.json()['undo_id']}").status_code == 200
    assert not Snooze.objects.filter(person=grace).exists()
    done = api.post(f"/api/v1/people/{grace.pk}/done", {}, content_type="application/json")
    assert done.status_code == 201
    assert Interaction.objects.filter(pk=done.json()["id"]).exists()
    assert api.post(f"/api/v1/undo/{done['Amity-Undo']}").status_code == 200
    assert not Interaction.objects.filter(pk=done.json()["id"]).exists()


def test_it_documents_the_new_routes(api: Client) -> None:
    document = api.get("/api/v1/openapi.json").json()
    assert {"patch", "delete", "get"} <= set(document["paths"]["/api/v1/notes/{note_id}"])
    assert "patch" in document["paths"]["/api/v1/interactions/{interaction_id}"]
    assert {"NotePublic", "NoteUpdate", "UndoPublic"} <= set(document["components"]["schemas"])
