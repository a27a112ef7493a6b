"""Test the people and interaction services against the database."""

import datetime as dt

import pytest
from django.utils import timezone

from amity.people import merging, services, timeline
from amity.people.models import ContactPoint, Interaction, Person


def test_it_creates_a_person_with_parsed_name_contacts_and_tags(user) -> None:
    person = services.create_person(
        owner=user,
        full_name="Ada King Lovelace",
        emails=["Ada@Example.org", "ada@example.org", "ada@work.example"],
        phones=["+44 20 7946 0958"],
        linkedin_url="linkedin.com/in/Ada-Lovelace/",
        interests=["Maths", "maths", "engines"],
        tags=["mentors"],
        company="Analytical Engines",
        birthday="1815-12-10",
    )
    assert (person.given_name, person.family_name) == ("Ada", "Lovelace")
    assert person.linkedin_url == "https://www.linkedin.com/in/ada-lovelace"
    assert person.interests == ["Maths", "engines"]
    assert person.birthday == dt.date(1815, 12, 10)
    emails = person.contact_points.filter(kind="email")
    assert [cp.normalized for cp in emails] == ["ada@example.org", "ada@work.example"]
    assert emails.get(normalized="ada@example.org").is_primary
    assert list(person.tags.values_list("name", flat=True)) == ["mentors"]
    assert "analytical engines" in person.search_text and "ada@work.example" in person.search_text
    assert person.provenance["company"] == "manual"


def test_it_refuses_a_linkedin_url_that_another_person_has(user) -> None:
    services.create_person(owner=user, full_name="Ada", linkedin_url="linkedin.com/in/ada")
    with pytest.raises(services.ValidationError, match="already belongs to Ada"):
        services.create_person(owner=user, full_name="Other", linkedin_url="linkedin.com/in/ADA")


def test_it_logs_an_interaction_and_keeps_the_summary_current(user) -> None:
    ada = services.create_person(owner=user, full_name="Ada Lovelace")
    when = timezone.now() - dt.timedelta(days=3)
    interaction = timeline.log_interaction(
        owner=user, people=[ada], occurred_at=when, channel="phone", subtype="help"
    )
    assert (interaction.channel, interaction.intent, interaction.subtype) == (
        "call",
        "deposit",
        "help",
    )
    ada.refresh_from_db()
    assert ada.interaction_count == 1 and ada.last_interaction_at == when
    timeline.delete_interaction(interaction=interaction)
    ada.refresh_from_db()
    assert ada.interaction_count == 0 and ada.last_interaction_at is None


def test_it_rejects_a_subtype_of_the_wrong_intent(user) -> None:
    ada = services.create_person(owner=user, full_name="Ada Lovelace")
    with pytest.raises(services.ValidationError, match="deposit subtype"):
        timeline.log_interaction(owner=user, people=[ada], intent="deposit", subtype="pitch")
    assert Interaction.objects.count() == 0


def test_it_will_not_log_with_someone_elses_person(user, other_user) -> None:
    theirs = services.create_person(owner=other_user, full_name="Bob's Friend")
    with pytest.raises(services.ValidationError):
        timeline.log_interaction(owner=user, people=[theirs])


def test_it_merges_people_without_losing_anything(user) -> None:
    keep = services.create_person(owner=user, full_name="Ada Lovelace", emails=["ada@a.org"])
    dupe = services.create_person(
        owner=user,
        full_name="Ada L.",
        emails=["ADA@a.org", "ada@b.org"],
        company="Engines",
        linkedin_url="linkedin.com/in/ada",
        tags=["maths"],
    )
    timeline.log_interaction(owner=user, people=[dupe])
    timeline.add_note(person=dupe, body="Met at the Royal Society")
    merged = merging.merge_people(keep=keep, others=[dupe])
    assert not Person.objects.filter(pk=dupe.pk).exists()
    assert merged.company == "Engines" and merged.linkedin_url.endswith("/in/ada")
    assert sorted(
        ContactPoint.objects.filter(person=merged).values_list("normalized", flat=True)
    ) == ["ada@a.org", "ada@b.org"]
    assert merged.interaction_count == 1
    assert merged.timeline_notes.count() == 1
    assert list(merged.tags.values_list("name", flat=True)) == ["maths"]


def test_it_deletes_a_person_and_their_solo_interactions_only(user) -> None:
    ada = services.create_person(owner=user, full_name="Ada Lovelace")
    charles = services.create_person(owner=user, full_name="Charles Babbage")
    timeline.log_interaction(owner=user, people=[ada])
    shared = timeline.log_interaction(owner=user, people=[ada, charles])
    services.delete_person(person=ada)
    assert list(Interaction.objects.values_list("pk", flat=True)) == [shared.pk]


def test_it_finds_people_by_id_email_linkedin_and_name(user) -> None:
    ada = services.create_person(
        owner=user,
        full_name="Ada Lovelace",
        emails=["ada@a.org"],
        linkedin_url="linkedin.com/in/ada",
    )
    services.create_person(owner=user, full_name="Ada Byron")
    for ref in (f"#{ada.pk}", "ADA@a.org", "https://www.linkedin.com/in/ada/", "ada lovelace"):
        assert services.find_person(owner=user, ref=ref) == ada
    king = services.create_person(owner=user, full_name="Grace King Hopper")
    assert services.find_person(owner=user, ref="grace hopper") == king
    with pytest.raises(LookupError, match="ambiguous"):
        services.find_person(owner=user, ref="Ada")
    with pytest.raises(LookupError, match="no person"):
        services.find_person(owner=user, ref="Charles")


def test_it_searches_and_filters_only_the_owners_people(user, other_user) -> None:
    services.create_person(owner=user, full_name="Ada Lovelace", company="Engines", tags=["x"])
    services.create_person(owner=user, full_name="Grace Hopper", company="Navy", field="Defence")
    services.create_person(owner=other_user, full_name="Ada Clone", company="Engines")
    names = lambda qs: [p.full_name for p in qs]  # noqa: E731
    assert names(services.people_for(owner=user, query="ada")) == ["Ada Lovelace"]
    assert names(services.people_for(owner=user, company="Navy")) == ["Grace Hopper"]
    assert names(services.people_for(owner=user, tag="x")) == ["Ada Lovelace"]
    assert names(services.people_for(owner=user, field="Defence")) == ["Grace Hopper"]
    # Sorted by surname: Hopper before Lovelace.
    assert names(services.people_for(owner=user)) == ["Grace Hopper", "Ada Lovelace"]
    assert names(services.people_for(owner=user, sort="-name")) == ["Ada Lovelace", "Grace Hopper"]


def test_a_merge_keeps_what_other_apps_know_about_the_merged_person(user) -> None:
    from amity.importers.models import ExternalKey
    from amity.relationships.models import Snooze

    keep = services.create_person(owner=user, full_name="Ada Lovelace")
    dupe = services.create_person(owner=user, full_name="Ada L.")
    ExternalKey.objects.create(owner=user, person=dupe, source="vcard", key="uid-1")
    Snooze.objects.create(owner=user, person=dupe, until=timezone.localdate())
    merging.merge_people(keep=keep, others=[dupe])
    assert ExternalKey.objects.get(key="uid-1").person_id == keep.pk
    assert Snooze.objects.get(owner=user).person_id == keep.pk
