"""Test POST /api/v1/coach, GET /api/v1/triage and the label routes, owner-filtered."""

from __future__ import annotations

from amity.inbox.models import TriageLabel
from amity.people import services as people
from tests.inbox.conftest import history, inbound

PITCH = (
    "Hi there, we help companies like yours cut costs by 40% with our platform. Can I book "
    "15 minutes on your calendar this week?"
)


def test_it_reviews_a_draft(api) -> None:
    response = api.post(
        "/api/v1/coach",
        {"text": "Would love to pick your brain sometime!"},
        content_type="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["verdict"] == "transactional"
    assert any(f["code"] == "vague_ask" and f["text"] == "pick your brain" for f in data["flags"])
    assert len(data["traits"]) == 5 and data["recipient"] is None


def test_it_uses_the_recipient_and_hides_other_users_people(api, user, other_user) -> None:
    ana = people.create_person(owner=user, full_name="Ana Lima")
    history(user, ana, asked=2, met=1)
    text = {"text": "Could you introduce me to your manager?", "to": ana.pk}
    data = api.post("/api/v1/coach", text, content_type="application/json").json()
    assert data["recipient"]["balance"] < 0
    assert any(f["code"] == "ask_negative_balance" for f in data["flags"])
    bobs = people.create_person(owner=other_user, full_name="Bob's friend")
    response = api.post("/api/v1/coach", {**text, "to": bobs.pk}, content_type="application/json")
    assert response.status_code == 404
    empty = api.post("/api/v1/coach", {"text": ""}, content_type="application/json")
    assert empty.status_code == 422


def test_it_triages_only_the_callers_messages(api, other_api, user, other_user) -> None:
    mine = inbound(user, people.create_person(owner=user, full_name="Sal"), PITCH)
    inbound(other_user, people.create_person(owner=other_user, full_name="Other"), PITCH)
    data = api.get("/api/v1/triage", {"limit": 5}).json()
    assert data["total"] == 1
    assert data["groups"][3]["messages"][0]["id"] == mine.pk
    reply = data["groups"][3]["messages"][0]["reply"]
    assert reply["kind"] == "decline" and reply["text"].startswith("Hi Sal,")
    assert other_api.get("/api/v1/triage").json()["total"] == 1
    assert api.get("/api/v1/triage", {"source": "fax"}).status_code == 422


def test_it_labels_the_callers_message_and_404s_others(api, other_api, user) -> None:
    mine = inbound(user, people.create_person(owner=user, full_name="Sal"), PITCH)
    url = f"/api/v1/triage/{mine.pk}/label"
    assert (
        other_api.post(url, {"group": "trusted"}, content_type="application/json").status_code
        == 404
    )
    assert not TriageLabel.objects.exists()
    response = api.post(url, {"group": "trusted"}, content_type="application/json")
    assert response.json() == {"id": mine.pk, "group": "trusted", "labelled": True}
    listed = api.get("/api/v1/triage").json()["groups"][0]["messages"][0]
    assert (listed["id"], listed["corrected"]) == (mine.pk, True)
    bad = api.post(url, {"group": "junk"}, content_type="application/json")
    assert bad.status_code == 422
    assert other_api.delete(url).status_code == 404
    assert api.delete(url).json()["labelled"] is False
    assert api.delete(url).status_code == 404


def test_it_previews_a_move_and_moves_only_one_message_when_asked(api, other_api, user) -> None:
    seller = people.create_person(owner=user, full_name="Sal Esperson")
    first = inbound(user, seller, PITCH, days_ago=2)
    second = inbound(user, seller, PITCH + " Thanks.", days_ago=1)
    preview = api.get(f"/api/v1/triage/{first.pk}/preview?group=trusted")
    assert preview.status_code == 200
    data = preview.json()
    assert (data["from_group"], data["label"]) == ("cold_pitch", "Trusted")
    alone, follow = data["options"]
    assert (alone["moves"], follow["moves"]) == (1, 2)
    assert follow["counts"]["cold_pitch"] == {"before": 2, "after": 0}
    assert {m["id"] for m in follow["changed"]} == {first.pk, second.pk}
    assert follow["changed"][0]["from_group"] == "cold_pitch"
    assert not TriageLabel.objects.exists()
    assert other_api.get(f"/api/v1/triage/{first.pk}/preview?group=trusted").status_code == 404
    moved = api.post(
        f"/api/v1/triage/{first.pk}/label",
        {"group": "trusted", "follow": False},
        content_type="application/json",
    )
    assert moved.json() == {"id": first.pk, "group": "trusted", "labelled": True}
    report = api.get("/api/v1/triage").json()
    assert report["counts"]["cold_pitch"] == 1 and report["counts"]["trusted"] == 1
