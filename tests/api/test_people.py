"""Test /api/v1/people: CRUD, pagination, filters, sorting and validation."""

import datetime as dt
from typing import get_args

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amity.api.people import SortKey
from amity.people import services, timeline
from amity.people.models import Person

PEOPLE = "/api/v1/people"


def test_it_creates_a_person_and_shows_every_public_field(api: Client) -> None:
    response = api.post(
        PEOPLE,
        {
            "full_name": "Dr. Ada King Lovelace",
            "company": "Analytical Engines",
            "field": "Mathematics",
            "emails": ["ada@example.org", "ada@work.example"],
            "phones": ["+44 20 7946 0958"],
            "urls": ["https://ada.example"],
            "tags": ["mentors", "maths"],
            "interests": ["engines"],
            "notes": "**Brilliant** <script>alert(1)</script>",
            "birthday": "1815-12-10",
            "linkedin_url": "linkedin.com/in/ada",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["given_name"], body["family_name"], body["prefix"]) == ("Ada", "Lovelace", "Dr.")
    assert body["emails"] == ["ada@example.org", "ada@work.example"]
    assert body["phones"] == ["+44 20 7946 0958"] and body["urls"] == ["https://ada.example"]
    assert sorted(body["tags"]) == ["maths", "mentors"]
    assert body["contact_points"][0]["is_primary"] is True
    assert body["birthday"] == "1815-12-10"
    assert body["linkedin_url"] == "https://www.linkedin.com/in/ada"
    assert "<strong>Brilliant</strong>" in body["notes_html"]
    assert "<script>" not in body["notes_html"]
    assert body["interaction_count"] == 0 and body["last_interaction_at"] is None
    assert set(body) >= {"id", "uid", "created_at", "updated_at", "looking_for", "can_offer"}
    assert Person.objects.get(pk=body["id"]).company == "Analytical Engines"


def test_it_reads_changes_and_deletes_a_person(api: Client, user: object) -> None:
    person = services.create_person(
        owner=user, full_name="Grace Hopper", emails=["grace@navy.example"], birthday="1906-12-09"
    )
    url = f"{PEOPLE}/{person.pk}"
    assert api.get(url).json()["full_name"] == "Grace Hopper"

    response = api.patch(
        url,
        {"company": "US Navy", "emails": ["g@cobol.example"], "birthday": None, "tags": ["navy"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["company"] == "US Navy" and body["emails"] == ["g@cobol.example"]
    assert body["birthday"] is None and body["tags"] == ["navy"]
    # Fields left out of a PATCH stay as they were.
    assert body["full_name"] == "Grace Hopper"

    deleted = api.delete(url)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert api.get(url).status_code == 404
    assert not Person.objects.filter(pk=person.pk).exists()


def test_it_pages_people_with_limit_and_offset(api: Client, user: object) -> None:
    for name in ["Ann A", "Ben B", "Cat C", "Dan D", "Eve E"]:
        services.create_person(owner=user, full_name=name)
    body = api.get(PEOPLE, {"limit": 2, "offset": 2}).json()
    assert body["count"] == 5
    assert [p["full_name"] for p in body["items"]] == ["Cat C", "Dan D"]
    assert len(api.get(PEOPLE, {"offset": 4}).json()["items"]) == 1


def test_it_uses_amity_page_size_as_the_default_limit(
    api: Client, user: object, monkeypatch
) -> None:
    monkeypatch.setenv("AMITY_PAGE_SIZE", "2")
    for name in ["Ann A", "Ben B", "Cat C"]:
        services.create_person(owner=user, full_name=name)
    body = api.get(PEOPLE).json()
    assert body["count"] == 3 and len(body["items"]) == 2


def test_it_refuses_a_limit_over_500(api: Client) -> None:
    response = api.get(PEOPLE, {"limit": 501})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "limit"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "babbage"}, ["Charles Babbage"]),
        ({"q": "engine ada"}, ["Ada Lovelace"]),
        ({"q": "ada@example"}, ["Ada Lovelace"]),
        ({"tag": "mentors"}, ["Charles Babbage", "Ada Lovelace"]),
        ({"field": "Computing"}, ["Grace Hopper"]),
        ({"company": "Analytical Engines"}, ["Charles Babbage", "Ada Lovelace"]),
        ({"company": "Analytical Engines", "tag": "maths"}, ["Ada Lovelace"]),
        ({"sort": "-name"}, ["Ada Lovelace", "Grace Hopper", "Charles Babbage"]),
        ({"sort": "added"}, ["Grace Hopper", "Charles Babbage", "Ada Lovelace"]),
        ({"sort": "recent"}, ["Grace Hopper", "Ada Lovelace", "Charles Babbage"]),
        ({"sort": "field", "q": "a"}, ["Grace Hopper", "Charles Babbage", "Ada Lovelace"]),
        ({"sort": "company"}, ["Charles Babbage", "Ada Lovelace", "Grace Hopper"]),
    ],
)
def test_it_filters_and_sorts_people(
    api: Client, user: object, params: dict[str, str], expected: list[str]
) -> None:
    now = timezone.now()
    ada = services.create_person(
        owner=user,
        full_name="Ada Lovelace",
        company="Analytical Engines",
        field="Mathematics",
        emails=["ada@example.org"],
        tags=["mentors", "maths"],
    )
    babbage = services.create_person(
        owner=user,
        full_name="Charles Babbage",
        company="Analytical Engines",
        field="Engineering",
        tags=["mentors"],
    )
    grace = services.create_person(
        owner=user, full_name="Grace Hopper", company="US Navy", field="Computing"
    )
    for offset, person in enumerate([ada, babbage, grace]):
        Person.objects.filter(pk=person.pk).update(created_at=now + dt.timedelta(minutes=offset))
    timeline.log_interaction(owner=user, people=[ada], occurred_at=now - dt.timedelta(days=9))
    timeline.log_interaction(owner=user, people=[grace], occurred_at=now - dt.timedelta(days=1))
    body = api.get(PEOPLE, params).json()
    assert [p["full_name"] for p in body["items"]] == expected
    assert body["count"] == len(expected)


def test_it_refuses_an_unknown_sort(api: Client) -> None:
    response = api.get(PEOPLE, {"sort": "shoe size"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "sort"


def test_it_lists_a_page_with_a_fixed_number_of_queries(api: Client, user: object) -> None:
    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(PEOPLE, {"limit": 500})
        assert response.status_code == 200
        return len(captured.captured_queries)

    def add_people(count: int, start: int) -> None:
        for n in range(start, start + count):
            services.create_person(
                owner=user,
                full_name=f"Person {n}",
                emails=[f"p{n}@example.org"],
                phones=[f"+1 555 000 {n:04d}"],
                tags=[f"tag{n % 3}"],
            )

    add_people(2, 0)
    queries_for_page()  # the token's first use is recorded once; leave that out
    few = queries_for_page()
    add_people(20, 2)
    # Contact points and tags are prefetched for the page: no query per person.
    assert queries_for_page() == few
    assert few <= 6


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "full_name"),
        ({"full_name": "   "}, "full_name"),
        ({"full_name": "Ada", "emails": ["not an address"]}, "emails"),
        ({"full_name": "Ada", "linkedin_url": "https://example.org/ada"}, "linkedin_url"),
        ({"full_name": "Ada", "company": "x" * 201}, "company"),
        ({"full_name": "Ada", "birthday": "the tenth"}, "birthday"),
        ({"full_name": "Ada", "tags": "mentors"}, "tags"),
    ],
)
def test_it_answers_422_naming_the_field(api: Client, payload: dict, field: str) -> None:
    response = api.post(PEOPLE, payload, content_type="application/json")
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert detail[0]["field"] == field and detail[0]["message"]
    assert not Person.objects.exists()


def test_it_answers_422_for_a_linkedin_url_another_person_has(api: Client, user: object) -> None:
    services.create_person(owner=user, full_name="Ada", linkedin_url="linkedin.com/in/ada")
    other = services.create_person(owner=user, full_name="Other")
    response = api.patch(
        f"{PEOPLE}/{other.pk}",
        {"linkedin_url": "https://www.linkedin.com/in/ada/"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "linkedin_url", "message": response.json()["detail"][0]["message"]}
    ]
    assert "already belongs to Ada" in response.json()["detail"][0]["message"]


def test_it_lists_a_persons_interactions_newest_first(api: Client, user: object) -> None:
    ada = services.create_person(owner=user, full_name="Ada Lovelace")
    grace = services.create_person(owner=user, full_name="Grace Hopper")
    now = timezone.now()
    old = timeline.log_interaction(owner=user, people=[ada], occurred_at=now - dt.timedelta(days=3))
    new = timeline.log_interaction(
        owner=user, people=[ada, grace], occurred_at=now - dt.timedelta(days=1)
    )
    timeline.log_interaction(owner=user, people=[grace])
    body = api.get(f"{PEOPLE}/{ada.pk}/interactions").json()
    assert body["count"] == 2
    assert [i["id"] for i in body["items"]] == [new.pk, old.pk]
    assert sorted(body["items"][0]["people"]) == sorted([ada.pk, grace.pk])
    page = api.get(f"{PEOPLE}/{ada.pk}/interactions", {"limit": 1, "offset": 1}).json()
    assert [i["id"] for i in page["items"]] == [old.pk]


def test_it_offers_exactly_the_services_sorts() -> None:
    assert get_args(SortKey) == tuple(services.SORTS)
