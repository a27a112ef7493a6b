"""Test /api/v1/interactions: logging, filters, changes and people's summaries."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from amity.people import services, timeline
from amity.people.models import Interaction, Person

INTERACTIONS = "/api/v1/interactions"


@pytest.fixture
def ada(user: object) -> Person:
    """Return ada's contact Ada Lovelace."""
    return services.create_person(owner=user, full_name="Ada Lovelace")


@pytest.fixture
def grace(user: object) -> Person:
    """Return ada's contact Grace Hopper."""
    return services.create_person(owner=user, full_name="Grace Hopper")


def test_it_logs_an_interaction_and_updates_the_summaries(
    api: Client, ada: Person, grace: Person
) -> None:
    response = api.post(
        INTERACTIONS,
        {
            "people": [ada.pk, grace.pk],
            "occurred_at": "2024-05-01T10:00:00Z",
            "channel": "phone",
            "subtype": "intro",
            "summary": "  Introduced them  ",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["channel"], body["intent"], body["subtype"]) == ("call", "deposit", "introduction")
    assert body["summary"] == "Introduced them" and body["source"] == "manual"
    assert sorted(body["people"]) == sorted([ada.pk, grace.pk])
    assert set(body) >= {"id", "uid", "direction", "content", "created_at"}
    person = api.get(f"/api/v1/people/{ada.pk}").json()
    assert person["interaction_count"] == 1
    assert person["last_interaction_at"].startswith("2024-05-01T10:00:00")


def test_it_reads_and_deletes_an_interaction(api: Client, user: object, ada: Person) -> None:
    interaction = timeline.log_interaction(owner=user, people=[ada], summary="Lunch")
    url = f"{INTERACTIONS}/{interaction.pk}"
    assert api.get(url).json()["summary"] == "Lunch"
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    ada.refresh_from_db()
    assert ada.interaction_count == 0 and ada.last_interaction_at is None


def test_it_changes_an_interaction_and_refreshes_both_peoples_summaries(
    api: Client, user: object, ada: Person, grace: Person
) -> None:
    interaction = timeline.log_interaction(
        owner=user, people=[ada], subtype="help", occurred_at=timezone.now()
    )
    when = "2023-01-02T03:04:05+00:00"
    response = api.patch(
        f"{INTERACTIONS}/{interaction.pk}",
        {"people": [grace.pk], "occurred_at": when, "intent": "withdrawal", "channel": "email"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["people"] == [grace.pk]
    assert (body["intent"], body["subtype"], body["channel"]) == ("withdrawal", "", "email")
    # Fields left out of the PATCH stay as they were.
    assert body["direction"] == "outbound"
    ada.refresh_from_db()
    grace.refresh_from_db()
    assert ada.interaction_count == 0 and ada.last_interaction_at is None
    assert grace.interaction_count == 1
    assert grace.last_interaction_at == dt.datetime(2023, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def test_it_lets_a_new_subtype_imply_its_intent_on_change(
    api: Client, user: object, ada: Person
) -> None:
    interaction = timeline.log_interaction(owner=user, people=[ada])
    body = api.patch(
        f"{INTERACTIONS}/{interaction.pk}", {"subtype": "pitch"}, content_type="application/json"
    ).json()
    assert (body["intent"], body["subtype"]) == ("withdrawal", "pitch")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"direction": "sideways"}, "direction"),
        ({"intent": "bribe"}, "intent"),
        ({"intent": "neutral", "subtype": "help"}, "subtype"),
        ({"people": []}, "people"),
        ({"people": [999999]}, "people"),
        ({"occurred_at": "yesterday-ish"}, "occurred_at"),
        ({"occurred_at": None}, "occurred_at"),
    ],
)
def test_it_refuses_a_bad_change_naming_the_field(
    api: Client, user: object, ada: Person, payload: dict, field: str
) -> None:
    interaction = timeline.log_interaction(owner=user, people=[ada], subtype="help")
    response = api.patch(
        f"{INTERACTIONS}/{interaction.pk}", payload, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["field"] == field
    interaction.refresh_from_db()
    assert (interaction.intent, interaction.subtype) == ("deposit", "help")
    assert list(interaction.people.all()) == [ada]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (lambda ada: {"people": []}, "people"),
        (lambda ada: {"summary": "nobody"}, "people"),
        (lambda ada: {"people": [ada.pk, 999999]}, "people"),
        (lambda ada: {"people": ["ada"]}, "people.0"),
        (lambda ada: {"people": [ada.pk], "channel": "pigeon"}, "channel"),
        (lambda ada: {"people": [ada.pk], "source": "x" * 21}, "source"),
    ],
)
def test_it_refuses_a_bad_new_interaction(
    api: Client, ada: Person, payload: Callable[[Person], dict], field: str
) -> None:
    response = api.post(INTERACTIONS, payload(ada), content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["field"] == field
    assert not Interaction.objects.exists()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["call", "lunch", "email", "old"]),
        ({"intent": "withdrawal"}, ["email"]),
        ({"intent": "deposit"}, ["call", "old"]),
        ({"channel": "phone"}, ["call"]),
        ({"channel": "in_person"}, ["lunch"]),
        ({"direction": "in"}, ["email"]),
        ({"direction": "mutual"}, ["lunch"]),
        ({"since": "2024-03-01"}, ["call", "lunch", "email"]),
        ({"until": "2024-03-01"}, ["old"]),
        ({"since": "2024-03-01", "until": "2024-03-10T12:00:00Z"}, ["email"]),
        ({"intent": "deposit", "since": "2024-01-01"}, ["call", "old"]),
    ],
)
def test_it_filters_interactions_newest_first(
    api: Client,
    user: object,
    ada: Person,
    grace: Person,
    params: dict[str, str],
    expected: list[str],
) -> None:
    def log(summary: str, day: str, **fields: str) -> None:
        when = dt.datetime.fromisoformat(f"{day}T09:00:00+00:00")
        timeline.log_interaction(
            owner=user, people=[ada], occurred_at=when, summary=summary, **fields
        )

    log("old", "2024-02-01", channel="email", subtype="thanks")
    log("email", "2024-03-10", channel="email", direction="inbound", subtype="favour")
    log("lunch", "2024-04-01", channel="in person", direction="mutual")
    log("call", "2024-05-01", channel="call", subtype="help")
    body = api.get(INTERACTIONS, params).json()
    assert [i["summary"] for i in body["items"]] == expected
    assert body["count"] == len(expected)


def test_it_filters_interactions_by_person(
    api: Client, user: object, ada: Person, grace: Person
) -> None:
    timeline.log_interaction(owner=user, people=[ada], summary="ada only")
    timeline.log_interaction(owner=user, people=[ada, grace], summary="both")
    timeline.log_interaction(owner=user, people=[grace], summary="grace only")
    body = api.get(INTERACTIONS, {"person": ada.pk}).json()
    assert sorted(i["summary"] for i in body["items"]) == ["ada only", "both"]


def test_it_pages_interactions(api: Client, user: object, ada: Person) -> None:
    for n in range(5):
        timeline.log_interaction(
            owner=user, people=[ada], summary=str(n), occurred_at=timezone.now()
        )
    body = api.get(INTERACTIONS, {"limit": 2, "offset": 1}).json()
    assert body["count"] == 5 and [i["summary"] for i in body["items"]] == ["3", "2"]


def test_it_refuses_an_unknown_filter_word(api: Client) -> None:
    response = api.get(INTERACTIONS, {"channel": "pigeon"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "channel"


def test_it_lists_tags_with_counts(api: Client, user: object) -> None:
    services.create_person(owner=user, full_name="Ada", tags=["mentors", "maths"])
    services.create_person(owner=user, full_name="Grace", tags=["mentors"])
    services.create_person(owner=user, full_name="Alan", tags=[])
    body = api.get("/api/v1/tags").json()
    assert [(t["name"], t["count"]) for t in body] == [("maths", 1), ("mentors", 2)]
