"""Test that one user never sees, changes or learns of another user's data via the API.

ada owns the data; bob asks. Every route that names an object answers bob 404 (never
403), and every list leaves ada's rows out.
"""

import pytest
from django.test import Client

from amity.api.api import api as amity_api
from amity.people import services, timeline
from amity.people.models import Interaction, Person, Tag
from amity.relationships.models import CadenceOverride

# Every API operation that names one object, with a body that would change it.
OBJECT_ROUTES = [
    ("get", "/api/v1/people/{person}", None),
    ("patch", "/api/v1/people/{person}", {"full_name": "Hijacked", "tags": ["bob"]}),
    ("delete", "/api/v1/people/{person}", None),
    ("get", "/api/v1/people/{person}/interactions", None),
    ("get", "/api/v1/interactions/{interaction}", None),
    ("patch", "/api/v1/interactions/{interaction}", {"summary": "Hijacked"}),
    ("delete", "/api/v1/interactions/{interaction}", None),
    ("get", "/api/v1/people/{person}/strength", None),
    ("get", "/api/v1/people/{person}/balance", None),
    ("get", "/api/v1/people/{person}/can-i-ask", None),
    ("post", "/api/v1/people/{person}/snooze", {"duration": "30d"}),
    ("post", "/api/v1/people/{person}/done", {"note": "Hijacked"}),
    ("get", "/api/v1/people/{person}/cadence", None),
    ("put", "/api/v1/people/{person}/cadence", {"cadence": "weekly"}),
    ("get", "/api/v1/tags/{tag}/cadence", None),
    ("put", "/api/v1/tags/{tag}/cadence", {"cadence": "weekly"}),
    ("get", "/api/v1/people/{person}/notes", None),
    ("post", "/api/v1/people/{person}/notes", {"body": "Hijacked"}),
    ("get", "/api/v1/notes/{note}", None),
    ("patch", "/api/v1/notes/{note}", {"body": "Hijacked"}),
    ("delete", "/api/v1/notes/{note}", None),
    ("post", "/api/v1/undo/{undo}", None),
]
# The resources this test owns; routers added later bring their own isolation tests.
COVERED_PREFIXES = (
    "/api/v1/people",
    "/api/v1/interactions",
    "/api/v1/tags",
    "/api/v1/me",
    "/api/v1/notes",
    "/api/v1/undo",
)


@pytest.fixture
def adas_data(user: object) -> dict[str, object]:
    """Give ada a tagged person and an interaction with them."""
    person = services.create_person(
        owner=user, full_name="Ada Lovelace", company="Analytical", tags=["secret"]
    )
    interaction = timeline.log_interaction(
        owner=user, people=[person], channel="call", summary="Private"
    )
    note = timeline.add_note(person=person, body="Private note")
    gone = timeline.add_note(person=person, body="Deleted note")
    record = timeline.delete_note(note=gone)
    return {"person": person, "interaction": interaction, "note": note, "undo": record}


@pytest.mark.parametrize(("method", "template", "body"), OBJECT_ROUTES)
def test_it_answers_404_for_another_users_objects(
    other_api: Client, adas_data: dict, method: str, template: str, body: dict | None
) -> None:
    person, interaction = adas_data["person"], adas_data["interaction"]
    tag = Tag.objects.get(name="secret")
    note, record = adas_data["note"], adas_data["undo"]
    url = template.format(
        person=person.pk, interaction=interaction.pk, tag=tag.pk, note=note.pk, undo=record.pk
    )
    kwargs = {"content_type": "application/json", "data": body} if body else {}
    response = getattr(other_api, method)(url, **kwargs)
    assert response.status_code == 404, response.content
    # The answer is the same as for an id that does not exist at all.
    missing = template.format(person=10**9, interaction=10**9, tag=10**9, note=10**9, undo=10**9)
    assert response.json() == getattr(other_api, method)(missing, **kwargs).json()
    person.refresh_from_db()
    interaction.refresh_from_db()
    assert (person.full_name, interaction.summary) == ("Ada Lovelace", "Private")
    assert list(person.tags.values_list("name", flat=True)) == ["secret"]
    assert not CadenceOverride.objects.exists()
    note.refresh_from_db()
    assert note.body == "Private note"
    assert list(person.timeline_notes.values_list("body", flat=True)) == ["Private note"]


def test_it_covers_every_route_that_names_an_object(db: None) -> None:
    document = amity_api.get_openapi_schema()
    named = {
        (method, path)
        for path, item in document["paths"].items()
        if "{" in path and path.startswith(COVERED_PREFIXES)
        for method in item
    }
    covered = {
        (
            method,
            template.replace("{person}", "{person_id}")
            .replace("{interaction}", "{interaction_id}")
            .replace("{tag}", "{tag_id}")
            .replace("{note}", "{note_id}")
            .replace("{undo}", "{record_id}"),
        )
        for method, template, _ in OBJECT_ROUTES
    }
    assert named == covered


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/people",
        "/api/v1/people?q=ada",
        "/api/v1/people?tag=secret",
        "/api/v1/people?company=Analytical",
        "/api/v1/interactions",
        "/api/v1/interactions?channel=call",
        "/api/v1/interactions?person={person}",
        "/api/v1/tags",
    ],
)
def test_it_leaves_another_users_rows_out_of_lists(
    other_api: Client, other_user: object, adas_data: dict, url: str
) -> None:
    bobs = services.create_person(owner=other_user, full_name="Bob's Friend", tags=["mine"])
    timeline.log_interaction(owner=other_user, people=[bobs], channel="call")
    body = other_api.get(url.format(person=adas_data["person"].pk)).json()
    rows = body if isinstance(body, list) else body["items"]
    text = str(body)
    assert "Ada Lovelace" not in text and "Private" not in text and "secret" not in text
    assert adas_data["person"].pk not in [row.get("id") for row in rows if "full_name" in row]
    assert adas_data["interaction"].pk not in [row["id"] for row in rows if "channel" in row]
    if isinstance(body, dict):
        assert body["count"] == len(rows)


def test_it_shows_bob_himself(other_api: Client, adas_data: dict) -> None:
    assert other_api.get("/api/v1/me").json()["username"] == "bob"


def test_it_refuses_to_attach_another_users_person(
    other_api: Client, other_user: object, adas_data: dict
) -> None:
    adas_person = adas_data["person"]
    response = other_api.post(
        "/api/v1/interactions", {"people": [adas_person.pk]}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "people"
    # Same words as for an id that does not exist, so nothing leaks.
    missing = other_api.post(
        "/api/v1/interactions", {"people": [10**9]}, content_type="application/json"
    )
    assert response.json()["detail"][0]["message"] == f"unknown person id(s): {adas_person.pk}"
    assert missing.json()["detail"][0]["message"] == f"unknown person id(s): {10**9}"
    assert Interaction.objects.filter(owner=other_user).count() == 0

    bobs = services.create_person(owner=other_user, full_name="Bob's Friend")
    own = timeline.log_interaction(owner=other_user, people=[bobs])
    response = other_api.patch(
        f"/api/v1/interactions/{own.pk}",
        {"people": [bobs.pk, adas_person.pk]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(own.people.all()) == [bobs]
    adas_person.refresh_from_db()
    assert adas_person.interaction_count == 1


def test_it_keeps_tags_of_the_same_name_apart(
    other_api: Client, other_user: object, adas_data: dict
) -> None:
    response = other_api.post(
        "/api/v1/people", {"full_name": "Bob's Friend", "tags": ["secret"]}, "application/json"
    )
    assert response.status_code == 201
    assert Tag.objects.filter(name="secret").count() == 2
    body = other_api.get("/api/v1/people?tag=secret").json()
    assert [p["full_name"] for p in body["items"]] == ["Bob's Friend"]
    assert other_api.get("/api/v1/tags").json()[0]["count"] == 1
    assert Person.objects.get(pk=adas_data["person"].pk).owner != other_user
