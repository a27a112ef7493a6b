"""Test reading and setting contact cadences of people and tags through the API."""

from __future__ import annotations

from typing import Any

from django.test import Client

from amity.accounts.services import create_token
from amity.people.models import Tag
from amity.relationships import scoring as relationships
from amity.relationships.models import CadenceOverride
from tests.histories import engine_cadence
from tests.histories import with_history as friend


def put(api: Client, url: str, body: dict) -> Any:
    """Send `body` as JSON with PUT."""
    return api.put(url, body, content_type="application/json")


def test_it_describes_a_persons_circle_default(api: Client, user) -> None:
    grace = friend(user)
    body = api.get(f"/api/v1/people/{grace.pk}/cadence").json()
    assert body == {
        "id": grace.pk,
        "name": "Grace Hopper",
        "cadence_days": 7,
        "cadence": "weekly",
        "source": "circle",
        "tag": None,
        "setting": "default",
    }


def test_it_sets_a_persons_cadence_and_the_engine_uses_it(api: Client, user) -> None:
    grace = friend(user)
    response = put(api, f"/api/v1/people/{grace.pk}/cadence", {"cadence": "monthly"})
    assert response.status_code == 200
    body = response.json()
    assert (body["cadence_days"], body["source"], body["setting"]) == (30, "person", "monthly")
    assert engine_cadence(grace) == 30
    assert api.get(f"/api/v1/people/{grace.pk}/strength").json()["cadence_days"] == 30

    body = put(api, f"/api/v1/people/{grace.pk}/cadence", {"cadence": "45d"}).json()
    assert (body["cadence_days"], body["cadence"], body["setting"]) == (45, "every 45 days", "45d")
    assert CadenceOverride.objects.get(person=grace).days == 45


def test_it_stops_reminders_with_never_and_removes_the_override_with_default(
    api: Client, user
) -> None:
    grace = friend(user)
    body = put(api, f"/api/v1/people/{grace.pk}/cadence", {"cadence": "never"}).json()
    assert (body["cadence_days"], body["setting"], body["source"]) == (None, "never", "person")
    assert engine_cadence(grace) is None
    assert api.get(f"/api/v1/people/{grace.pk}/strength").json()["cadence_days"] is None

    body = put(api, f"/api/v1/people/{grace.pk}/cadence", {"cadence": "Default"}).json()
    assert (body["cadence_days"], body["setting"], body["source"]) == (7, "default", "circle")
    assert not CadenceOverride.objects.exists()
    assert engine_cadence(grace) == 7


def test_it_rejects_a_bad_cadence_with_422_naming_the_field(api: Client, user) -> None:
    grace = friend(user)
    relationships.set_cadence(owner=user, days=30, person=grace)
    tag = Tag.objects.create(owner=user, name="mentors")
    for url in (f"/api/v1/people/{grace.pk}/cadence", f"/api/v1/tags/{tag.pk}/cadence"):
        for body, message in (
            ({"cadence": "sometimes"}, "unknown cadence 'sometimes'"),
            ({"cadence": "0d"}, "unknown cadence '0d'"),
            ({"cadence": "9999d"}, "over 3650 days"),
            ({"cadence": " "}, "choose a cadence"),
            ({"cadence": "x" * 41}, "at most 40 characters"),
            ({}, "required"),
        ):
            response = put(api, url, body)
            assert response.status_code == 422, (url, body)
            (detail,) = response.json()["detail"]
            assert detail["field"] == "cadence" and message in detail["message"], detail
    assert list(CadenceOverride.objects.values_list("person", "tag", "days")) == [
        (grace.pk, None, 30)
    ]
    assert engine_cadence(grace) == 30


def test_it_sets_a_tags_cadence_and_a_persons_own_still_wins(api: Client, user) -> None:
    grace = friend(user, tags=["mentors"])
    alan = friend(user, "Alan Turing", tags=["mentors"])
    tag = Tag.objects.get(owner=user, name="mentors")
    assert api.get(f"/api/v1/tags/{tag.pk}/cadence").json()["setting"] == "default"
    put(api, f"/api/v1/people/{alan.pk}/cadence", {"cadence": "fortnightly"})

    response = put(api, f"/api/v1/tags/{tag.pk}/cadence", {"cadence": "6w"})
    assert response.status_code == 200
    assert response.json() == {
        "id": tag.pk,
        "name": "mentors",
        "cadence_days": 42,
        "setting": "42d",
    }
    assert (engine_cadence(grace), engine_cadence(alan)) == (42, 14)
    body = api.get(f"/api/v1/people/{grace.pk}/cadence").json()
    assert (body["cadence_days"], body["source"], body["tag"]) == (42, "tag", "mentors")
    (listed,) = api.get("/api/v1/tags").json()
    assert listed == {
        "id": tag.pk,
        "name": "mentors",
        "count": 2,
        "cadence_days": 42,
        "cadence": "42d",
    }

    body = put(api, f"/api/v1/tags/{tag.pk}/cadence", {"cadence": "default"}).json()
    assert (body["cadence_days"], body["setting"]) == (None, "default")
    assert engine_cadence(grace) == 7
    assert api.get("/api/v1/tags").json()[0]["cadence"] == "default"


def test_it_lists_a_never_tag_apart_from_one_without_a_cadence(api: Client, user) -> None:
    friend(user, tags=["quiet", "plain"])
    put(api, f"/api/v1/tags/{Tag.objects.get(name='quiet').pk}/cadence", {"cadence": "never"})
    listed = {row["name"]: row for row in api.get("/api/v1/tags").json()}
    assert (listed["quiet"]["cadence_days"], listed["quiet"]["cadence"]) == (None, "never")
    assert (listed["plain"]["cadence_days"], listed["plain"]["cadence"]) == (None, "default")


def test_it_answers_404_for_another_users_person_or_tag(other_api: Client, user) -> None:
    grace = friend(user, tags=["mentors"])
    tag = Tag.objects.get(owner=user)
    for url in (f"/api/v1/people/{grace.pk}/cadence", f"/api/v1/tags/{tag.pk}/cadence"):
        assert other_api.get(url).status_code == 404
        assert put(other_api, url, {"cadence": "weekly"}).status_code == 404
    assert not CadenceOverride.objects.exists()


def test_it_needs_the_csrf_token_when_the_browser_session_sets_a_cadence(user) -> None:
    grace = friend(user)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = put(browser, f"/api/v1/people/{grace.pk}/cadence", {"cadence": "weekly"})
    assert response.status_code == 403
    assert not CadenceOverride.objects.exists()
    # A token needs no CSRF token.
    _, raw = create_token(owner=user, name="script")
    scripted = Client(headers={"Authorization": f"Bearer {raw}"})
    response = put(scripted, f"/api/v1/people/{grace.pk}/cadence", {"cadence": "weekly"})
    assert response.status_code == 200
