"""Test introduction suggestions and the double-opt-in workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from amity.network import introductions as intros
from amity.network import optin
from amity.network.models import Introduction
from amity.people.models import Interaction
from amity.people.services import ValidationError
from amity.people.timeline import log_interaction


def _pairs(result: intros.Suggestions) -> list[set[str]]:
    return [{s.a.full_name, s.b.full_name} for s in result.items]


def test_it_suggests_the_founder_and_the_investor_with_the_model(
    model: None, user: Any, network: dict
) -> None:
    result = intros.suggest_introductions(owner=user)
    assert result.kind == "model"
    assert _pairs(result)[0] == {"Dee Mensah", "Eli Novak"}
    kinds = [r.kind for r in result.items[0].reasons]
    assert kinds == ["need", "roles", "city"] or kinds[0] == "need"
    assert "Dee Mensah is looking for “someone who can help me raise a seed round”" in (
        result.items[0].reason_text
    )
    assert "both in Leeds" in result.items[0].reason_text


def test_it_counts_logged_asks_as_looking_for(model: None, user: Any, make_person: Any) -> None:
    asker = make_person("Gus Green", title="Product manager", field="Retail")
    helper = make_person(
        "Hana Ito", title="Lawyer", field="Law", can_offer="contract and employment law advice"
    )
    log_interaction(
        owner=user,
        people=[asker],
        direction="inbound",
        intent="withdrawal",
        subtype="advice_request",
        summary="Needs a lawyer to review an employment contract",
    )
    result = intros.suggest_introductions(owner=user)
    assert _pairs(result) == [{"Gus Green", "Hana Ito"}]
    assert result.items[0].reasons[0].kind == "need"
    assert (
        result.items[0]
        .reasons[0]
        .text.startswith(
            "Gus Green asked you about “Needs a lawyer to review an employment contract”"
        )
    )
    assert helper in (result.items[0].a, result.items[0].b)


def test_it_meets_a_need_with_someones_work_when_nobody_offers_it(
    model: None, user: Any, make_person: Any
) -> None:
    make_person(
        "Ivy Hale", title="Novelist", field="Writing", looking_for="someone to explain police work"
    )
    make_person("Jon Reyes", title="Police detective", company="Leeds Police", field="Law")
    for i, (title, fld) in enumerate(
        (("Baker", "Food"), ("Pilot", "Aviation"), ("Florist", "Retail"), ("Vet", "Health"))
    ):
        make_person(f"Other {i}", title=title, field=fld)
    result = intros.suggest_introductions(owner=user)
    assert _pairs(result)[0] == {"Ivy Hale", "Jon Reyes"}
    assert result.items[0].reasons[0].text == (
        "Ivy Hale is looking for “someone to explain police work”; "
        "Jon Reyes works as Police detective at Leeds Police"
    )


def test_the_fallback_suggests_pairs_that_share_words(
    tfidf: None, user: Any, make_person: Any
) -> None:
    make_person("Ann Law", field="Law", interests=["beekeeping", "chess"])
    make_person("Ben Med", field="Medicine", interests=["beekeeping", "opera"])
    make_person("Cat Law", field="Law", interests=["beekeeping"])
    result = intros.suggest_introductions(owner=user)
    assert result.kind == "tfidf"
    pairs = _pairs(result)
    assert {"Ann Law", "Ben Med"} in pairs and {"Cat Law", "Ben Med"} in pairs
    # same field: never suggested for shared interests
    assert {"Ann Law", "Cat Law"} not in pairs
    assert "both care about “beekeeping”" in result.items[0].reason_text


def test_it_never_pairs_people_who_met_in_a_shared_interaction(
    model: None, user: Any, network: dict
) -> None:
    log_interaction(owner=user, people=[network["founder"], network["investor"]], summary="Dinner")
    assert {"Dee Mensah", "Eli Novak"} not in _pairs(intros.suggest_introductions(owner=user))


def test_it_walks_the_double_opt_in_and_logs_every_step(
    tfidf: None, user: Any, network: dict
) -> None:
    a, b = network["founder"], network["investor"]
    intro = optin.propose_introduction(owner=user, a=a, b=b)
    assert intro.state == "proposed"
    # the fallback sees no shared words in their need and offer; roles and city remain
    assert intro.reason == "complementary roles: a founder and an investor; both in Leeds"
    assert intro.ask_a_draft.startswith("Hi Dee, would you like me to introduce you to Eli Novak")
    assert Interaction.objects.count() == 0
    steps = [
        ("advance", "asked_a", [a], "neutral", "outbound"),
        ("a yes", "agreed_a", [a], "neutral", "inbound"),
        ("advance", "asked_b", [b], "neutral", "outbound"),
        ("b yes", "agreed", [b], "neutral", "inbound"),
        ("advance", "introduced", [a, b], "deposit", "outbound"),
        ("advance", "followed_up", [a, b], "neutral", "outbound"),
    ]
    for step, state, people, intent, direction in steps:
        if step == "advance":
            intro = optin.advance_introduction(introduction=intro)
        else:
            intro = optin.answer_introduction(introduction=intro, by=step[0], agreed=True)
        assert intro.state == state
        latest = Interaction.objects.order_by("-id").first()
        assert latest is not None
        assert set(latest.people.all()) == set(people)
        assert (latest.intent, latest.direction) == (intent, direction)
    introduced = Interaction.objects.get(subtype="introduction")
    assert introduced.content == intro.intro_draft
    assert intro.asked_a_at <= intro.agreed_a_at <= intro.asked_b_at <= intro.agreed_b_at
    assert intro.agreed_b_at <= intro.introduced_at <= intro.followed_up_at
    with pytest.raises(ValidationError, match="nothing left to do"):
        optin.advance_introduction(introduction=intro)


def test_nobody_is_introduced_before_both_said_yes(tfidf: None, user: Any, network: dict) -> None:
    a, b = network["founder"], network["investor"]
    intro = optin.propose_introduction(owner=user, a=a, b=b)
    with pytest.raises(ValidationError, match="has not been asked"):
        optin.answer_introduction(introduction=intro, by="a", agreed=True)
    intro = optin.advance_introduction(introduction=intro)
    with pytest.raises(ValidationError, match="waiting for Dee Mensah's answer"):
        optin.advance_introduction(introduction=intro)
    with pytest.raises(ValidationError, match="Eli Novak has not been asked"):
        optin.answer_introduction(introduction=intro, by="b", agreed=True)
    intro = optin.answer_introduction(introduction=intro, by="a", agreed=True, note="Happy to!")
    assert Interaction.objects.order_by("-id").first().summary == "Happy to!"
    assert optin.next_step(intro) == "Dee said yes: ask Eli"
    intro = optin.advance_introduction(introduction=intro)
    with pytest.raises(ValidationError, match="waiting for Eli Novak's answer"):
        optin.advance_introduction(introduction=intro)
    intro = optin.answer_introduction(introduction=intro, by="b", agreed=False)
    assert intro.state == "declined_b" and intro.agreed_a_at and intro.agreed_b_at is None
    assert not Interaction.objects.filter(subtype="introduction").exists()
    with pytest.raises(ValidationError):
        optin.advance_introduction(introduction=intro)


def test_the_next_step_and_its_button_use_the_peoples_names(
    tfidf: None, user: Any, network: dict
) -> None:
    intro = optin.propose_introduction(owner=user, a=network["founder"], b=network["investor"])
    seen = [(optin.next_step(intro), optin.step_button(intro))]
    for answer in ("advance", "a", "advance", "b", "advance", "advance"):
        if answer == "advance":
            intro = optin.advance_introduction(introduction=intro)
        else:
            intro = optin.answer_introduction(introduction=intro, by=answer, agreed=True)
        seen.append((optin.next_step(intro), optin.step_button(intro)))
    assert seen == [
        ("Ask Dee whether they'd like to meet Eli", "Ask Dee"),
        ("Waiting for Dee's answer", ""),
        ("Dee said yes: ask Eli", "Ask Eli"),
        ("Waiting for Eli's answer", ""),
        ("Both said yes: introduce Dee and Eli", "Introduce Dee and Eli"),
        ("Follow up with Dee and Eli", "Followed up"),
        ("", ""),
    ]


def test_it_sends_the_edited_draft(tfidf: None, user: Any, network: dict) -> None:
    intro = optin.propose_introduction(owner=user, a=network["founder"], b=network["investor"])
    optin.update_drafts(introduction=intro, ask_a_draft="Dee, fancy meeting Eli?")
    intro = optin.advance_introduction(introduction=intro)
    assert Interaction.objects.get().content == "Dee, fancy meeting Eli?"
    with pytest.raises(ValidationError):
        optin.update_drafts(introduction=intro, reason="x")


def test_a_decline_is_logged_respected_and_remembered(
    model: None, user: Any, network: dict
) -> None:
    a, b = network["founder"], network["investor"]
    intro = optin.propose_introduction(owner=user, a=a, b=b)
    intro = optin.advance_introduction(introduction=intro)
    intro = optin.decline_introduction(introduction=intro, by="a")
    assert intro.state == "declined_a" and intro.declined_at
    answer = Interaction.objects.order_by("-id").first()
    assert answer is not None and answer.direction == "inbound"
    assert list(answer.people.all()) == [a]
    with pytest.raises(ValidationError, match="declined"):
        optin.propose_introduction(owner=user, a=b, b=a)
    with pytest.raises(ValidationError):
        optin.advance_introduction(introduction=intro)
    assert {"Dee Mensah", "Eli Novak"} not in _pairs(intros.suggest_introductions(owner=user))


def test_a_dismissed_suggestion_is_never_suggested_again(
    tfidf: None, user: Any, make_person: Any
) -> None:
    ann = make_person("Ann Law", field="Law", interests=["beekeeping"])
    ben = make_person("Ben Med", field="Medicine", interests=["beekeeping"])
    assert _pairs(intros.suggest_introductions(owner=user)) == [{"Ann Law", "Ben Med"}]
    optin.dismiss_pair(owner=user, a=ann, b=ben)
    assert intros.suggest_introductions(owner=user).items == []
    assert Introduction.objects.get().state == "dismissed"


def test_it_refuses_pairs_it_cannot_make(
    tfidf: None, user: Any, other_user: Any, make_person: Any, network: dict
) -> None:
    stranger = make_person("Zed", owner=other_user)
    with pytest.raises(ValidationError):
        optin.propose_introduction(owner=user, a=network["founder"], b=stranger)
    with pytest.raises(ValidationError):
        optin.propose_introduction(owner=user, a=network["founder"], b=network["founder"])
    optin.propose_introduction(owner=user, a=network["founder"], b=network["investor"])
    with pytest.raises(ValidationError, match="already exists"):
        optin.propose_introduction(owner=user, a=network["investor"], b=network["founder"])
    with pytest.raises(ValidationError):
        optin.decline_introduction(introduction=Introduction.objects.get(), by="nobody")


def test_it_lists_the_steps_due_for_today(tfidf: None, user: Any, network: dict) -> None:
    intro = optin.propose_introduction(owner=user, a=network["founder"], b=network["investor"])
    steps = optin.pending_intro_steps(owner=user)
    assert [(s.introduction_id, s.action) for s in steps] == [(intro.pk, "ask A")]
    intro = optin.advance_introduction(introduction=intro)
    assert optin.pending_intro_steps(owner=user) == []
    later = timezone.now() + dt.timedelta(days=4)
    chase = optin.pending_intro_steps(owner=user, now=later)[0]
    assert chase.action == "answer A" and "Record their yes or no" in chase.text
    intro = optin.answer_introduction(introduction=intro, by="a", agreed=True)
    assert optin.pending_intro_steps(owner=user)[0].action == "ask B"
    intro = optin.advance_introduction(introduction=intro)
    intro = optin.answer_introduction(introduction=intro, by="b", agreed=True)
    assert optin.pending_intro_steps(owner=user)[0].action == "introduce"
    intro = optin.advance_introduction(introduction=intro)
    assert optin.pending_intro_steps(owner=user, now=later) == []
    fortnight = timezone.now() + dt.timedelta(days=15)
    assert optin.pending_intro_steps(owner=user, now=fortnight)[0].action == "follow up"


def test_it_shows_no_one_another_users_introductions(
    tfidf: None, user: Any, other_user: Any, network: dict
) -> None:
    optin.propose_introduction(owner=user, a=network["founder"], b=network["investor"])
    assert optin.introductions_for(owner=other_user).count() == 0
    assert optin.pending_intro_steps(owner=other_user) == []
