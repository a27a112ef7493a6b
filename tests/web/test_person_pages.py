"""Test the person page and adding, editing and deleting people."""

from __future__ import annotations

from django.urls import reverse

from amity.people import services
from amity.people.models import Interaction, Person


def person_url(name: str, person: Person) -> str:
    """Return the address of one of a person's pages."""
    return reverse(name, kwargs={"person_id": person.pk})


def test_it_shows_every_profile_field(web, user) -> None:
    person = services.create_person(
        owner=user,
        full_name="Ada King Lovelace",
        title="Analyst",
        company="Analytical Engines",
        field="Mathematics",
        location="London",
        emails=["ada@example.org", "ada@work.example"],
        phones=["+44 20 7946 0958"],
        urls=["example.org/ada", "javascript:alert(1)"],
        linkedin_url="linkedin.com/in/ada-lovelace",
        tags=["mentors"],
        interests=["engines", "poetry"],
        birthday="1815-12-10",
        connected_on="2020-01-02",
        how_we_met="Babbage's salon",
        looking_for="A publisher",
        can_offer="Notes on the engine",
        notes="She wrote *the* first program",
    )
    html = web.get(person_url("person", person)).content.decode()
    for text in (
        "Ada King Lovelace",
        "Analyst",
        "Analytical Engines",
        "Mathematics",
        "London",
        'href="mailto:ada@example.org"',
        "ada@work.example",
        'href="tel:+442079460958"',
        'href="https://example.org/ada"',
        'href="https://www.linkedin.com/in/ada-lovelace"',
        "mentors",
        "poetry",
        "10 December 1815",
        "2 January 2020",
        "Babbage&#x27;s salon",
        "A publisher",
        "Notes on the engine",
        "She wrote <em>the</em> first program",
    ):
        assert text in html, text
    # A URL with a script scheme is shown, never linked.
    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html


def test_it_leaves_a_place_for_the_relationship_panel(web, ada_network) -> None:
    response = web.get(person_url("person", ada_network["grace"]))
    assert "amity/people/_relationship.html" in [t.name for t in response.templates]


def test_it_adds_a_person_from_the_form(web, user) -> None:
    response = web.submit(
        reverse("person_new"),
        reverse("person_new"),
        {
            "full_name": "Margaret Hamilton",
            "company": "MIT",
            "emails": "margaret@mit.example\n\nmh@home.example\n",
            "phones": "",
            "urls": "",
            "tags": "apollo, mentors, ",
            "interests": "software, ",
            "birthday": "1936-08-17",
        },
        follow=True,
    )
    person = Person.objects.get(owner=user, full_name="Margaret Hamilton")
    assert response.redirect_chain[-1][0] == person_url("person", person)
    assert "Added Margaret Hamilton" in response.content.decode()
    assert sorted(person.tags.values_list("name", flat=True)) == ["apollo", "mentors"]
    assert person.interests == ["software"]
    emails = list(person.contact_points.filter(kind="email").values_list("value", "is_primary"))
    assert emails == [("margaret@mit.example", True), ("mh@home.example", False)]


def test_it_shows_service_validation_errors_next_to_the_field(web, user) -> None:
    services.create_person(owner=user, full_name="Ada", linkedin_url="linkedin.com/in/ada")
    response = web.submit(
        reverse("person_new"),
        reverse("person_new"),
        {"full_name": "Impostor", "linkedin_url": "https://linkedin.com/in/ada", "emails": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_linkedin_url_error"' in html and "already belongs to Ada" in html
    assert 'value="Impostor"' in html  # the form keeps what was typed
    assert not Person.objects.filter(full_name="Impostor").exists()


def test_it_shows_a_bad_email_next_to_the_emails_field(web) -> None:
    response = web.submit(
        reverse("person_new"), reverse("person_new"), {"full_name": "Bo", "emails": "not-an-email"}
    )
    assert 'id="id_emails_error"' in response.content.decode()
    assert not Person.objects.filter(full_name="Bo").exists()


def test_it_requires_a_name(web) -> None:
    response = web.submit(reverse("person_new"), reverse("person_new"), {"full_name": "  "})
    assert 'id="id_full_name_error"' in response.content.decode()


def test_it_edits_a_person_with_the_form_prefilled(web, ada_network) -> None:
    grace = ada_network["grace"]
    page = person_url("person_edit", grace)
    form_html = web.get(page).content.decode()
    assert "grace@navy.example</textarea>" in form_html
    assert 'value="mentors"' in form_html and 'value="compilers"' in form_html
    response = web.submit(
        page,
        page,
        {
            "full_name": "Grace Brewster Hopper",
            "company": "US Navy",
            "emails": "grace@navy.example\ngrace@yale.example",
            "tags": "mentors, navy",
            "interests": "compilers",
        },
        follow=True,
    )
    assert "Saved Grace Brewster Hopper" in response.content.decode()
    grace.refresh_from_db()
    assert (grace.full_name, grace.company, grace.title) == (
        "Grace Brewster Hopper",
        "US Navy",
        "",
    )
    assert sorted(grace.tags.values_list("name", flat=True)) == ["mentors", "navy"]
    assert grace.contact_points.filter(kind="email").count() == 2
    # Derived columns survive an edit.
    assert grace.interaction_count == 1


def test_it_asks_before_deleting_a_person(web, ada_network) -> None:
    grace = ada_network["grace"]
    response = web.get(person_url("person_delete", grace))
    assert response.status_code == 200
    assert "Delete Grace Hopper?" in response.content.decode()
    assert Person.objects.filter(pk=grace.pk).exists()


def test_it_deletes_a_person_on_post(web, ada_network) -> None:
    grace = ada_network["grace"]
    page = person_url("person_delete", grace)
    response = web.submit(page, page, follow=True)
    assert response.redirect_chain[-1][0] == reverse("people")
    assert "Deleted Grace Hopper" in response.content.decode()
    assert not Person.objects.filter(pk=grace.pk).exists()
    assert not Interaction.objects.filter(pk=ada_network["interaction"].pk).exists()


def test_it_answers_404_for_a_missing_person(web) -> None:
    assert web.get(reverse("person", kwargs={"person_id": 999999})).status_code == 404


def test_it_renders_a_person_page_without_writing(user) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.histories import with_history

    friend = with_history(user, "Ada Lovelace", days_ago=(400, 300, 200, 120), channel="call")
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/people/{friend.pk}/")
    assert response.status_code == 200
    assert "Relationship" in response.content.decode()
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
        and "django_session" not in q["sql"]
    ]
    assert writes == []
