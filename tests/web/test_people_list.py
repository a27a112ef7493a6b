"""Test the people list: search, filters, sorting, pagination and query count."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amity.people import services
from amity.people.models import Person
from amity.web.forms import SORT_CHOICES


def names_on(response) -> list[str]:
    """Return the person names in the order the list shows them."""
    return re.findall(r'<span class="person-name">([^<]+)</span>', response.content.decode())


def test_it_lists_people_with_role_tags_and_last_contact(web, ada_network) -> None:
    response = web.get(reverse("people"))
    assert response.status_code == 200
    assert names_on(response) == ["Grace Hopper", "Katherine Johnson", "Alan Turing"]
    html = response.content.decode()
    assert "Rear Admiral" in html and "Navy" in html and "grace@navy.example" in html
    assert 'class="tag"' in html and "mentors" in html
    assert "now" in html  # naturaltime of the call just logged
    assert "3 people in your network" in html


def test_it_searches_by_words(web, ada_network) -> None:
    response = web.get(reverse("people"), {"q": "hopper navy"})
    assert names_on(response) == ["Grace Hopper"]
    assert "1 match" in response.content.decode()


def test_it_shows_a_helpful_empty_state_when_nothing_matches(web, ada_network) -> None:
    response = web.get(reverse("people"), {"q": "nobody-like-this"})
    assert names_on(response) == []
    assert "No one matches" in response.content.decode()


def test_it_opens_the_person_a_search_names_exactly(web, ada_network) -> None:
    response = web.get(reverse("people"), {"q": "grace@navy.example"})
    assert response.status_code == 302
    assert response["Location"] == reverse("person", kwargs={"person_id": ada_network["grace"].pk})


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tag": "mentors"}, ["Grace Hopper"]),
        ({"field": "Maths"}, ["Katherine Johnson", "Alan Turing"]),
        ({"company": "NASA"}, ["Katherine Johnson"]),
        ({"field": "Maths", "tag": "climate"}, ["Alan Turing"]),
    ],
)
def test_it_filters_by_tag_field_and_company(web, ada_network, params, expected) -> None:
    assert names_on(web.get(reverse("people"), params)) == expected


def test_it_offers_only_the_owners_values_in_the_filters(web, ada_network, other_user) -> None:
    services.create_person(owner=other_user, full_name="Secret", company="Hidden Corp")
    html = web.get(reverse("people")).content.decode()
    assert '<option value="NASA">NASA</option>' in html
    assert '<option value="mentors">mentors</option>' in html
    assert "Hidden Corp" not in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Grace Hopper", "Katherine Johnson", "Alan Turing"]),
        ("-name", ["Alan Turing", "Katherine Johnson", "Grace Hopper"]),
        ("company", ["Alan Turing", "Katherine Johnson", "Grace Hopper"]),
        ("recent", ["Grace Hopper", "Katherine Johnson", "Alan Turing"]),
        ("added", ["Katherine Johnson", "Alan Turing", "Grace Hopper"]),
    ],
)
def test_it_sorts(web, ada_network, sort, expected) -> None:
    assert names_on(web.get(reverse("people"), {"sort": sort})) == expected


def test_it_offers_every_sort_the_service_knows() -> None:
    from amity.relationships.listing import SCORE_SORTS

    assert [key for key, _ in SORT_CHOICES] == [*services.SORTS, *SCORE_SORTS]


def test_it_ignores_an_unknown_sort(web, ada_network) -> None:
    response = web.get(reverse("people"), {"sort": "evil; drop table"})
    assert response.status_code == 200
    assert names_on(response) == ["Grace Hopper", "Katherine Johnson", "Alan Turing"]


def _bulk_people(owner, count: int) -> None:
    Person.objects.bulk_create(
        Person(
            owner=owner,
            full_name=f"Person {i:03d}",
            sort_name=f"{i:03d} person",
            company=f"Co {i % 7}",
            search_text=f"person {i:03d}",
        )
        for i in range(count)
    )


def test_it_paginates_in_pages_of_the_configured_size(web, user, monkeypatch) -> None:
    monkeypatch.setenv("AMITY_PAGE_SIZE", "10")
    _bulk_people(user, 25)
    first = web.get(reverse("people"))
    assert len(names_on(first)) == 10 and names_on(first)[0] == "Person 000"
    third = web.get(reverse("people"), {"page": 3})
    assert names_on(third) == [f"Person {i:03d}" for i in range(20, 25)]
    html = third.content.decode()
    assert "21–25 of 25" in html and 'rel="prev"' in html and 'rel="next"' not in html
    # Out-of-range pages show the last page rather than an error.
    assert names_on(web.get(reverse("people"), {"page": 99})) == names_on(third)


def test_it_keeps_the_filters_in_the_page_links(web, user, monkeypatch) -> None:
    monkeypatch.setenv("AMITY_PAGE_SIZE", "5")
    _bulk_people(user, 60)
    html = web.get(reverse("people"), {"company": "Co 1", "sort": "-name"}).content.decode()
    assert "?company=Co+1&amp;sort=-name&amp;page=2" in html


def test_it_runs_a_fixed_number_of_queries_whatever_the_page_size(web, user, monkeypatch) -> None:
    monkeypatch.setenv("AMITY_PAGE_SIZE", "100")
    _bulk_people(user, 5)
    for person in Person.objects.filter(owner=user):
        services.set_tags(person=person, names=["a", "b"])
        services.set_contact_points(person=person, kind="email", values=[f"{person.pk}@x.org"])
    # The first list of the day also finds the day's circle boundaries (then kept).
    web.get(reverse("people"))
    with CaptureQueriesContext(connection) as small:
        web.get(reverse("people"))
    _bulk_people(user, 60)
    for person in Person.objects.filter(owner=user, tags__isnull=True):
        services.set_tags(person=person, names=["c"])
    with CaptureQueriesContext(connection) as large:
        response = web.get(reverse("people"))
    assert len(names_on(response)) == 65
    # 13 since the strength, circle and overdue columns: the day's circle boundaries,
    # the page's packed summaries, their stored circles and the cadence overrides.
    assert len(large.captured_queries) == len(small.captured_queries) <= 14
