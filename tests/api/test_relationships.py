"""Test the relationship API: today, strength, balance, can-i-ask, snooze and done."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from amity.people import services, timeline
from amity.relationships.models import Snooze
from tests.histories import with_history as friend


def test_it_serves_todays_list_with_reasons_and_actions(api: Client, user) -> None:
    grace = friend(user, interests=["compilers"])
    body = api.get("/api/v1/today").json()
    assert body["day"] == timezone.localdate().isoformat()
    (item,) = body["items"]
    assert item["id"] == grace.pk and item["reasons"][0]["code"] == "overdue"
    assert "compilers" in item["action"] and item["done"] is False
    assert api.get("/api/v1/today").json()["cached"] is True


def test_it_lists_strength_strongest_first_and_pages(api: Client, user) -> None:
    friend(user)
    services.create_person(owner=user, full_name="Never Met")
    body = api.get("/api/v1/strength?limit=1").json()
    assert body["count"] == 2
    assert [r["name"] for r in body["items"]] == ["Grace Hopper"]
    assert body["items"][0]["components"]["reciprocity"] == 1.0


def test_it_gives_one_persons_strength_balance_and_verdict(api: Client, user) -> None:
    grace = friend(user)
    timeline.log_interaction(owner=user, people=[grace], intent="withdrawal", subtype="favour")
    strength = api.get(f"/api/v1/people/{grace.pk}/strength").json()
    assert strength["circle"] == 1 and strength["days_since"] == 0 and strength["count_90d"] == 1
    verdict = api.get(f"/api/v1/people/{grace.pk}/can-i-ask").json()
    assert verdict["verdict"] == "overdrawn" and verdict["counts"]["asked"] == 1
    balance = api.get(f"/api/v1/people/{grace.pk}/balance").json()
    assert {**balance, "as_of": None} == {**verdict, "as_of": None}
    network = api.get("/api/v1/balance").json()
    assert network["only_asked"] == [{"id": grace.pk, "name": "Grace Hopper"}]


def test_it_snoozes_and_logs_done(api: Client, user) -> None:
    grace = friend(user)
    response = api.post(
        f"/api/v1/people/{grace.pk}/snooze", {"duration": "2w"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["until"] == (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    assert api.get("/api/v1/today").json()["items"] == []
    response = api.post(
        f"/api/v1/people/{grace.pk}/done", {"subtype": "thanks"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert (response.json()["intent"], response.json()["subtype"]) == ("deposit", "thanks")
    assert not Snooze.objects.exists()


def test_it_rejects_a_bad_duration_or_subtype_with_422(api: Client, user) -> None:
    grace = friend(user)
    bad = api.post(
        f"/api/v1/people/{grace.pk}/snooze", {"duration": "soon"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "duration"
    bad = api.post(
        f"/api/v1/people/{grace.pk}/done", {"subtype": "pitch"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "subtype"
    assert grace.interactions.count() == 3


def test_it_keeps_other_users_people_out_of_lists(other_api: Client, user) -> None:
    friend(user)
    assert other_api.get("/api/v1/strength").json() == {"items": [], "count": 0}
    assert other_api.get("/api/v1/today").json()["items"] == []
    assert other_api.get("/api/v1/balance").json()["only_asked"] == []


def test_it_requires_authentication(db) -> None:
    assert Client().get("/api/v1/today").status_code == 401
