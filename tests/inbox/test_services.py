"""Test the inbox glue: the coach with a recipient, triage from the store, labels."""

from __future__ import annotations

import pytest

from amity.inbox import moves, services
from amity.inbox.models import TriageLabel
from amity.people import services as people
from amity.people import timeline
from amity.people.services import ValidationError
from tests.inbox.conftest import history, inbound

ASK = "Could you introduce me to your manager at Figma? I'm applying for the design role."
PITCH = (
    "Hi there, we help companies like yours cut cloud costs by 40% with our platform. "
    "Can I get 15 minutes on your calendar this week for a quick demo?"
)


def test_it_flags_an_ask_to_someone_you_owe_with_the_balance_and_a_deposit(user) -> None:
    ana = people.create_person(owner=user, full_name="Ana Lima", interests=["design systems"])
    history(user, ana, asked=3, met=2)
    review = services.coach_message(owner=user, text=ASK, to="Ana Lima")
    assert review.recipient is not None and review.recipient.balance < 0
    flag = next(f for f in review.flags if f.code == "ask_negative_balance")
    assert "Your balance with Ana is -" in flag.detail
    assert review.verdict == "transactional"


def test_it_lets_you_ask_a_close_friend_you_have_given_to(user) -> None:
    bea = people.create_person(owner=user, full_name="Bea Costa")
    history(user, bea, gave=6, met=8, received=2)
    review = services.coach_message(owner=user, text=ASK, to=f"#{bea.pk}")
    assert review.recipient is not None
    assert review.recipient.tie == "close" and review.recipient.balance > 0
    assert review.verdict == "relational"
    assert not {f.code for f in review.flags} & {"ask_negative_balance", "ask_dormant_tie"}


def test_it_refuses_a_recipient_of_another_user(user, other_user) -> None:
    bob_friend = people.create_person(owner=other_user, full_name="Zed Only")
    with pytest.raises(LookupError):
        services.coach_message(owner=user, text=ASK, to="Zed Only")
    with pytest.raises(LookupError):
        services.coach_message(owner=user, text=ASK, to=bob_friend)
    with pytest.raises(ValidationError):
        services.coach_message(owner=user, text="   ")


def test_it_triages_inbound_messages_into_the_four_groups(user) -> None:
    friend = people.create_person(owner=user, full_name="Old Friend")
    history(user, friend, gave=4, met=10, received=3)
    stranger = people.create_person(owner=user, full_name="Sal Esperson")
    fan = people.create_person(owner=user, full_name="Reader Person")
    # Asks are for people with history: a former colleague met a few times.
    asker = people.create_person(owner=user, full_name="Job Seeker")
    history(user, asker, met=3, were_asked=2)
    trusted = inbound(user, friend, "Lovely to see you Sunday! Same time next month?")
    cold = inbound(user, stranger, PITCH)
    kind = inbound(
        user,
        fan,
        "Hi, I read your essay on night shifts and it changed my rota weeks. Thank you for "
        "writing it. No need to reply.",
    )
    ask = inbound(user, asker, "Hi, could you refer me for the analyst role at your company?")
    timeline.log_interaction(owner=user, people=[friend], direction="outbound", summary="no text")
    report = services.triage_inbox(owner=user)
    where = {m["id"]: g["group"] for g in report["groups"] for m in g["messages"]}
    assert where == {
        trusted.pk: "trusted",
        cold.pk: "cold_pitch",
        kind.pk: "genuine_new",
        ask.pk: "asks",
    }
    assert report["total"] == 4
    assert report["counts"] == {"trusted": 1, "genuine_new": 1, "asks": 1, "cold_pitch": 1}
    message = next(m for g in report["groups"] for m in g["messages"] if m["id"] == cold.pk)
    assert message["sender"] == {"id": stranger.pk, "name": "Sal Esperson"}
    assert message["reasons"] and message["scores"]["pitch"] > 0
    assert message["reply"]["kind"] == "decline" and message["reply"]["to"] == ""
    replies = {m["id"]: m["reply"] for g in report["groups"] for m in g["messages"]}
    assert replies[kind.pk]["kind"] == "invite"
    assert replies[trusted.pk] is None and replies[ask.pk] is None


def test_it_puts_a_strangers_generic_ask_in_cold_pitches_with_a_redirect(user) -> None:
    stranger = people.create_person(
        owner=user, full_name="Job Seeker", emails=["seeker@example.org"]
    )
    ask = inbound(user, stranger, "Hi, could you refer me for the analyst role at your company?")
    report = services.triage_inbox(owner=user)
    message = next(m for g in report["groups"] for m in g["messages"] if m["id"] == ask.pk)
    assert message["group"] == "cold_pitch"
    assert message["reply"]["kind"] == "redirect"
    assert message["reply"]["to"] == "seeker@example.org"
    assert message["reply"]["text"].startswith("Hi Job,")


def test_it_filters_by_source_and_never_shows_another_users_messages(user, other_user) -> None:
    mine = people.create_person(owner=user, full_name="Mine")
    theirs = people.create_person(owner=other_user, full_name="Theirs")
    linked = inbound(user, mine, "Thanks for the intro to Priya!", source="linkedin")
    inbound(user, mine, PITCH, source="mbox")
    inbound(other_user, theirs, PITCH)
    report = services.triage_inbox(owner=user, source="linkedin")
    ids = [m["id"] for g in report["groups"] for m in g["messages"]]
    assert ids == [linked.pk]
    assert services.triage_inbox(owner=user)["total"] == 2
    with pytest.raises(ValidationError):
        services.triage_inbox(owner=user, source="fax")


def test_a_label_is_kept_and_used_for_the_sender_and_for_look_alikes(user) -> None:
    spammer = people.create_person(owner=user, full_name="Quiz Organiser")
    other = people.create_person(owner=user, full_name="Second Organiser")
    # A note triage reads as genuine; the user knows better (the same text came twice).
    text = (
        "Hi, I read your essay on night shifts in the 14th issue of the newsletter and it "
        "changed how I plan my rota weeks. Thank you for writing it, no need to reply."
    )
    first = inbound(user, spammer, text)
    before = services.triage_inbox(owner=user)
    assert _group_of(before, first.pk) != "cold_pitch"
    moves.relabel(owner=user, interaction_id=first.pk, group="cold_pitch")
    later = inbound(user, spammer, "Thank you for your kind note last week!", days_ago=0.5)
    lookalike = inbound(user, other, text.replace("14th", "21st"), days_ago=0.2)
    after = services.triage_inbox(owner=user)
    assert _group_of(after, first.pk) == "cold_pitch"
    assert _group_of(after, later.pk) == "cold_pitch"
    assert _group_of(after, lookalike.pk) == "cold_pitch"
    label = TriageLabel.objects.get(owner=user, interaction=first)
    assert label.sender_id == spammer.pk and label.shingles
    assert moves.clear_label(owner=user, interaction_id=first.pk)
    assert _group_of(services.triage_inbox(owner=user), later.pk) != "cold_pitch"


def test_it_refuses_to_label_another_users_or_an_outbound_message(user, other_user) -> None:
    theirs = people.create_person(owner=other_user, full_name="Theirs")
    message = inbound(other_user, theirs, PITCH)
    with pytest.raises(LookupError):
        moves.relabel(owner=user, interaction_id=message.pk, group="trusted")
    mine = people.create_person(owner=user, full_name="Mine")
    sent = timeline.log_interaction(owner=user, people=[mine], summary="sent", content="hello")
    with pytest.raises(LookupError):
        moves.relabel(owner=user, interaction_id=sent.pk, group="trusted")
    own = inbound(user, mine, PITCH)
    with pytest.raises(ValidationError):
        moves.relabel(owner=user, interaction_id=own.pk, group="spam")
    assert not TriageLabel.objects.exists()


def _group_of(report: dict, interaction_id: int) -> str:
    return next(
        g["group"] for g in report["groups"] for m in g["messages"] if m["id"] == interaction_id
    )
