"""Test the demo network: its size, spread, mix, determinism and the `amity demo` verb."""

import datetime as dt
import json
from collections import defaultdict
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Max
from django.utils import timezone

from amity.cli import call
from amity.cli.base import CliError
from amity.people import services
from amity.people.models import Interaction, Note, Person
from amity.portability.demo import DemoRefused, build_demo

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 1)
NOW = timezone.make_aware(dt.datetime.combine(TODAY, dt.time()))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Build the demo once for this module (it takes a second or two) and clean up after."""
    with django_db_blocker.unblock():
        owner = get_user_model().objects.create_user(username="demo-owner", password="x")
        summary = build_demo(owner=owner, seed=7, today=TODAY)
    yield owner, summary
    with django_db_blocker.unblock():
        Interaction.objects.filter(owner=owner).delete()
        Person.objects.filter(owner=owner).delete()
        owner.delete()


def _timelines(owner) -> dict[int, list[Interaction]]:
    """Return each person's interactions, oldest first."""
    rows = Interaction.people.through.objects.filter(interaction__owner=owner).select_related(
        "interaction"
    )
    timelines: dict[int, list[Interaction]] = defaultdict(list)
    for row in rows:
        timelines[row.person_id].append(row.interaction)
    for items in timelines.values():
        items.sort(key=lambda i: i.occurred_at)
    return timelines


def test_it_builds_a_network_of_the_promised_size_and_spread(demo) -> None:
    owner, summary = demo
    people = Person.objects.filter(owner=owner)
    interactions = Interaction.objects.filter(owner=owner)
    assert summary.people == people.count() >= 300
    assert summary.interactions == interactions.count() >= 5000
    assert summary.notes == Note.objects.filter(owner=owner).count() > 0
    assert people.values("field").distinct().count() >= 12
    first = interactions.order_by("occurred_at").first().occurred_at
    last = interactions.order_by("-occurred_at").first().occurred_at
    assert first <= NOW - dt.timedelta(days=round(4.5 * 365))
    assert NOW - dt.timedelta(days=7) <= last < NOW
    # Profiles are filled like a real network's: most on LinkedIn, many with emails.
    assert people.exclude(linkedin_url="").count() >= 0.8 * people.count()
    assert people.filter(contact_points__kind="email").distinct().count() >= 0.5 * people.count()
    assert people.exclude(birthday=None).exists() and people.exclude(looking_for="").exists()
    assert people.filter(tags__name="climate circle").exists()
    assert people.exclude(search_text="").count() == people.count()
    assert Note.objects.filter(owner=owner, body__startswith="New role").count() >= 5


def test_it_mixes_close_fading_dormant_and_taker_ties(demo) -> None:
    owner, _ = demo
    timelines = _timelines(owner)
    two_years_ago = NOW - dt.timedelta(days=730)
    one_year_ago = NOW - dt.timedelta(days=365)
    recent_and_frequent = [
        pk
        for pk, items in timelines.items()
        if sum(i.occurred_at >= NOW - dt.timedelta(days=60) for i in items) >= 6
    ]
    dormant = [
        pk
        for pk, items in timelines.items()
        if len(items) >= 3
        and items[-1].occurred_at < two_years_ago
        and {"inbound"} <= {i.direction for i in items}
        and {"outbound", "mutual"} & {i.direction for i in items}
    ]
    fading = [
        pk
        for pk, items in timelines.items()
        if sum(i.occurred_at < two_years_ago for i in items) >= 20
        and sum(i.occurred_at >= one_year_ago for i in items) <= 4
    ]
    takers = [
        pk
        for pk, items in timelines.items()
        if len(items) >= 3
        and all(i.intent == "withdrawal" and i.direction == "outbound" for i in items)
    ]
    assert len(recent_and_frequent) >= 3
    assert len(dormant) >= 10
    assert len(fading) >= 5
    assert len(takers) >= 3


def test_it_records_deposits_withdrawals_asks_and_group_meetings(demo) -> None:
    owner, _ = demo
    interactions = Interaction.objects.filter(owner=owner)
    mix = {
        (row["direction"], row["intent"]): row["n"]
        for row in interactions.values("direction", "intent").annotate(n=Count("id"))
    }
    deposits = mix.get(("outbound", "deposit"), 0)
    withdrawals = mix.get(("outbound", "withdrawal"), 0)
    assert deposits > withdrawals > 0
    assert mix.get(("inbound", "withdrawal"), 0) > 0 and mix.get(("inbound", "deposit"), 0) > 0
    assert not interactions.exclude(intent="neutral").filter(subtype="").exists()
    assert not interactions.filter(summary="").exists()
    assert interactions.values("channel").distinct().count() >= 6
    group = interactions.annotate(n=Count("people")).filter(n__gte=2)
    assert group.exists() and not interactions.annotate(n=Count("people")).filter(n=0).exists()


def test_it_keeps_summaries_consistent_with_the_participant_rows(demo) -> None:
    owner, _ = demo
    actual = Person.objects.filter(owner=owner).annotate(
        n=Count("interactions"), last=Max("interactions__occurred_at")
    )
    mismatched = [
        p.full_name for p in actual if (p.interaction_count, p.last_interaction_at) != (p.n, p.last)
    ]
    assert mismatched == []


def test_it_builds_the_same_network_for_the_same_seed(user, other_user) -> None:
    build_demo(owner=user, seed=11, today=TODAY)
    build_demo(owner=other_user, seed=11, today=TODAY)

    def fingerprint(owner):
        names = list(Person.objects.filter(owner=owner).order_by("id").values_list("full_name"))
        timeline = list(
            Interaction.objects.filter(owner=owner)
            .order_by("id")
            .values_list("occurred_at", "channel", "intent", "summary")
        )
        return names, timeline

    mine, theirs = fingerprint(user), fingerprint(other_user)
    assert mine == theirs
    other_seed = get_user_model().objects.create_user(username="cy", password="x")
    build_demo(owner=other_seed, seed=12, today=TODAY)
    assert fingerprint(other_seed)[0] != mine[0]


def test_it_refuses_to_mix_the_demo_into_an_existing_network(user) -> None:
    services.create_person(owner=user, full_name="Ada Lovelace")
    with pytest.raises(DemoRefused):
        build_demo(owner=user, today=TODAY)
    assert Person.objects.filter(owner=user).count() == 1


def test_it_replaces_a_network_from_the_command_line_only_with_force(user, other_user) -> None:
    services.create_person(owner=user, full_name="Ada Lovelace")
    bob_friend = services.create_person(owner=other_user, full_name="Bob's friend")
    with pytest.raises(CliError, match="--force"):
        call("demo", "--user", "ada", stdout=StringIO(), stderr=StringIO())
    out, err = StringIO(), StringIO()
    call(
        "demo", "--user", "ada", "--force", "--json", "--today", str(TODAY), stdout=out, stderr=err
    )
    data = json.loads(out.getvalue())
    assert data["replaced"] == {"people": 1, "interactions": 0}
    assert "Deleting 1 people" in err.getvalue()
    assert data["people"] == Person.objects.filter(owner=user).count() >= 300
    assert not Person.objects.filter(owner=user, full_name="Ada Lovelace").exists()
    assert Person.objects.filter(pk=bob_friend.pk).exists()
