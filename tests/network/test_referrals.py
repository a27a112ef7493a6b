"""Test referrals: "A recommended I talk to B, C, D", research first, thank A after."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from amity.network import services
from amity.people.models import Interaction
from amity.people.services import ValidationError
from amity.people.timeline import log_interaction
from amity.relationships.today import today_list


def test_it_records_referrals_and_gives_recommended_by_context(user: Any, network: dict) -> None:
    a, b, c = network["doctor"], network["sailor"], network["engineer"]
    made = services.add_referrals(owner=user, referrer=a, people=[b, c, a], note="at the gala")
    assert [r.person for r in made] == [b, c]
    again = services.add_referrals(owner=user, referrer=a, people=[b])
    assert again[0].pk == made[0].pk
    context = services.referral_context(owner=user, person=b)
    assert [r.referrer for r in context] == [a]
    assert context[0].note == "at the gala"


def test_it_suggests_research_first_then_thanking_the_referrer(user: Any, network: dict) -> None:
    a, b = network["doctor"], network["sailor"]
    (referral,) = services.add_referrals(owner=user, referrer=a, people=[b])
    steps = services.referral_steps(owner=user)
    assert [(s.action, s.person_id) for s in steps] == [("research", b.pk)]
    assert "recommended by Ada Okafor" in steps[0].text
    services.mark_researched(referral=referral)
    assert services.referral_steps(owner=user) == []
    log_interaction(owner=user, people=[b], summary="First call")
    steps = services.referral_steps(owner=user)
    assert [(s.action, s.person_id) for s in steps] == [("thank", a.pk)]
    thanks = services.thank_referrer(referral=referral)
    assert (thanks.intent, thanks.subtype) == ("deposit", "thanks")
    assert list(thanks.people.all()) == [a]
    assert services.referral_steps(owner=user) == []


def test_it_refuses_others_people_and_self_referrals(
    user: Any, other_user: Any, make_person: Any, network: dict
) -> None:
    stranger = make_person("Zed", owner=other_user)
    with pytest.raises(ValidationError):
        services.add_referrals(owner=user, referrer=network["doctor"], people=[stranger])
    with pytest.raises(ValidationError):
        services.add_referrals(owner=user, referrer=network["doctor"], people=[network["doctor"]])
    assert services.referral_steps(owner=other_user) == []
    assert Interaction.objects.count() == 0


def test_a_referral_is_help_received_that_today_asks_to_thank(user: Any, network: dict) -> None:
    a, b, c = network["doctor"], network["sailor"], network["engineer"]
    services.add_referrals(owner=user, referrer=a, people=[b, c], note="at the gala")
    (logged,) = Interaction.objects.filter(people=a)
    assert (logged.direction, logged.intent, logged.subtype) == (
        "inbound",
        "deposit",
        "recommendation",
    )
    assert logged.summary == "Recommended I talk to Bea Lindqvist, Cy Tanaka"
    # Recording the same referral again is not a second favour.
    services.add_referrals(owner=user, referrer=a, people=[b])
    assert Interaction.objects.filter(people=a).count() == 1

    item = next(i for i in today_list(owner=user, limit=10)["items"] if i["id"] == a.pk)
    assert "unthanked" in [r["code"] for r in item["reasons"]]
    assert "recommended you" in item["reason"]

    (referral,) = services.referrals_for(owner=user).filter(person=b)
    services.thank_referrer(referral=referral)
    later = timezone.localdate() + dt.timedelta(days=2)
    codes = [
        r["code"]
        for i in today_list(owner=user, day=later, limit=10)["items"]
        if i["id"] == a.pk
        for r in i["reasons"]
    ]
    assert "unthanked" not in codes
