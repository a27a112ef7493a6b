"""Test the network API: share, reading list, introductions, referrals, insights."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from amity.accounts.services import create_token
from amity.network.models import Introduction, ReadingItem
from amity.people.models import Interaction


class Api:
    """A JSON client that authenticates with a personal token."""

    def __init__(self, owner: Any) -> None:
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(owner=owner)[1]}"}

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}", **self.auth)

    def post(self, path: str, data: Any = None) -> Any:
        return self.client.post(
            f"/api/v1{path}", data or {}, content_type="application/json", **self.auth
        )

    def patch(self, path: str, data: Any) -> Any:
        return self.client.patch(
            f"/api/v1{path}", data, content_type="application/json", **self.auth
        )


@pytest.fixture
def api(user: Any) -> Api:
    return Api(user)


def test_it_needs_authentication(client: Client) -> None:
    assert (
        client.post("/api/v1/share", {"text": "x"}, content_type="application/json").status_code
        == 401
    )


def test_share_answers_like_the_cli(tfidf: None, api: Api, network: dict) -> None:
    sailor = network["sailor"]
    response = api.post(
        "/share", {"text": "Restoring wooden boats", "log_person_id": sailor.pk, "save": True}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["backend"] == "tfidf"
    assert data["matches"][0]["person"]["name"] == "Bea Lindqvist"
    assert data["matches"][0]["reasons"][0]["quote"] == "wooden boats"
    assert Interaction.objects.get(pk=data["logged"]).subtype == "shared_content"
    assert data["saved"]["shared_with"] == [sailor.pk]
    assert api.post("/share", {"text": "  "}).status_code == 422


def test_reading_list_add_and_archive(tfidf: None, api: Api, network: dict) -> None:
    made = api.post("/reading", {"text": "https://ex.org/x Boats"})
    assert made.status_code == 201 and made.json()["url"] == "https://ex.org/x"
    assert [i["id"] for i in api.get("/reading").json()] == [made.json()["id"]]
    assert api.post(f"/reading/{made.json()['id']}/archive").json()["archived"] is True
    assert api.get("/reading").json() == []


def test_the_whole_introduction_flow(tfidf: None, api: Api, make_person: Any) -> None:
    ann = make_person("Ann Law", field="Law", interests=["beekeeping"])
    ben = make_person("Ben Med", field="Medicine", interests=["beekeeping"])
    suggested = api.get("/intros/suggestions").json()
    assert {suggested["suggestions"][0]["a"]["id"], suggested["suggestions"][0]["b"]["id"]} == {
        ann.pk,
        ben.pk,
    }
    made = api.post("/intros", {"a_id": ann.pk, "b_id": ben.pk})
    assert made.status_code == 201
    intro = made.json()
    assert intro["next_action"] == "ask A"
    edited = api.patch(f"/intros/{intro['id']}", {"ask_a": "Ann, meet Ben?"}).json()
    assert edited["drafts"]["ask_a"] == "Ann, meet Ben?"
    url = f"/intros/{intro['id']}"
    assert api.post(f"{url}/advance").json()["state"] == "asked_a"
    waiting = api.post(f"{url}/advance")
    assert waiting.status_code == 422 and "Ann Law's answer" in waiting.text
    agreed = api.post(f"{url}/answer", {"by": "a", "agreed": True}).json()
    assert (agreed["state"], agreed["next_action"]) == ("agreed_a", "ask B")
    assert agreed["agreed_a_at"] and agreed["next_step"] == "Ann said yes: ask Ben"
    assert api.post(f"{url}/advance").json()["state"] == "asked_b"
    both = api.post(f"{url}/answer", {"by": "b", "agreed": True}).json()
    assert (both["state"], both["next_action"]) == ("agreed", "introduce") and both["agreed_b_at"]
    assert api.post(f"{url}/advance").json()["state"] == "introduced"
    assert api.post(f"{url}/advance").json()["state"] == "followed_up"
    assert api.post(f"{url}/advance").status_code == 422
    assert api.post(f"{url}/answer", {"by": "c", "agreed": True}).status_code == 422
    assert Interaction.objects.filter(subtype="introduction").count() == 1
    assert [i["id"] for i in api.get("/intros?active=false").json()] == [intro["id"]]
    assert api.post("/intros", {"a_id": ben.pk, "b_id": ann.pk}).status_code == 422


def test_decline_via_the_api(tfidf: None, api: Api, make_person: Any) -> None:
    ann = make_person("Ann Law")
    ben = make_person("Ben Med")
    intro = api.post("/intros", {"a_id": ann.pk, "b_id": ben.pk}).json()
    declined = api.post(f"/intros/{intro['id']}/decline", {"by": "a"}).json()
    assert declined["state"] == "declined_a"
    assert api.post(f"/intros/{intro['id']}/decline", {"by": "x"}).status_code == 422


def test_referrals_via_the_api(tfidf: None, api: Api, network: dict) -> None:
    made = api.post(
        "/referrals",
        {
            "referrer_id": network["doctor"].pk,
            "people_ids": [network["sailor"].pk, network["engineer"].pk],
        },
    )
    assert made.status_code == 201 and len(made.json()) == 2
    first = made.json()[0]["id"]
    assert api.post(f"/referrals/{first}/researched").json()["researched_at"]
    assert api.post(f"/referrals/{first}/thank").json()["thanked_at"]
    assert len(api.get("/referrals").json()) == 2


def test_insights_via_the_api(tfidf: None, api: Api, network: dict) -> None:
    data = api.get("/insights").json()
    assert data["people"] == 5 and len(data["months"]) == 12


def test_no_one_reaches_another_users_rows(
    tfidf: None, api: Api, other_user: Any, make_person: Any, network: dict
) -> None:
    theirs = Api(other_user)
    zed = make_person("Zed", owner=other_user)
    yan = make_person("Yan", owner=other_user)
    intro = theirs.post("/intros", {"a_id": zed.pk, "b_id": yan.pk}).json()
    item = theirs.post("/reading", {"text": "Theirs"}).json()
    assert api.get(f"/intros/{intro['id']}").status_code == 404
    assert api.post(f"/intros/{intro['id']}/advance").status_code == 404
    assert api.post(f"/reading/{item['id']}/archive").status_code == 404
    assert api.post("/intros", {"a_id": zed.pk, "b_id": network["doctor"].pk}).status_code == 404
    assert api.post("/share", {"text": "x", "log_person_id": zed.pk}).status_code == 404
    assert api.get("/intros").json() == [] and api.get("/reading").json() == []
    assert Introduction.objects.get().state == "proposed"
    assert not ReadingItem.objects.get().archived
