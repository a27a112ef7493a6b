"""Test moving messages: the preview, local moves, known contacts, and undo."""

from __future__ import annotations

import pytest

from amity.inbox import moves, services
from amity.inbox.models import TriageLabel
from amity.people import services as people
from amity.people.services import ValidationError
from tests.inbox.conftest import history, inbound

NOTE = (
    "Hi, I read your essay on night shifts in the 14th issue of the newsletter and it "
    "changed how I plan my rota weeks. Thank you for writing it, no need to reply."
)


def _group_of(owner, interaction_id: int) -> str:
    report = services.triage_inbox(owner=owner, limit=None)
    return next(
        g["group"] for g in report["groups"] for m in g["messages"] if m["id"] == interaction_id
    )


def test_the_preview_counts_what_each_way_of_moving_would_change_and_writes_nothing(
    user,
) -> None:
    stranger = people.create_person(owner=user, full_name="Quiz Organiser")
    other = people.create_person(owner=user, full_name="Second Organiser")
    first = inbound(user, stranger, NOTE)
    inbound(user, stranger, "Thank you for your kind note last week, it meant a lot!", days_ago=2)
    inbound(user, other, NOTE.replace("14th", "21st"), days_ago=3)
    assert _group_of(user, first.pk) == "genuine_new"

    preview = moves.preview_move(owner=user, interaction_id=first.pk, group="cold_pitch")

    assert preview["from_group"] == "genuine_new" and preview["label"] == "Cold pitches"
    alone, follow = preview["options"]
    assert (alone["follow"], alone["moves"]) == (False, 1)
    assert alone["counts"] == {
        "genuine_new": {"before": 3, "after": 2},
        "cold_pitch": {"before": 0, "after": 1},
    }
    assert [m["id"] for m in alone["changed"]] == [first.pk]
    assert follow["follow"] and follow["moves"] == 3
    assert follow["counts"]["cold_pitch"] == {"before": 0, "after": 3}
    assert {m["sender"] for m in follow["changed"]} == {"Quiz Organiser", "Second Organiser"}
    assert not TriageLabel.objects.exists()


def test_moving_only_one_message_moves_only_that_message(user) -> None:
    stranger = people.create_person(owner=user, full_name="Quiz Organiser")
    first = inbound(user, stranger, NOTE)
    same_sender = inbound(user, stranger, "Thank you for your kind note!", days_ago=2)
    lookalike = inbound(
        user, people.create_person(owner=user, full_name="B"), NOTE.replace("14th", "2nd")
    )
    moves.relabel(owner=user, interaction_id=first.pk, group="cold_pitch", follow=False)
    assert _group_of(user, first.pk) == "cold_pitch"
    assert _group_of(user, same_sender.pk) == "genuine_new"
    assert _group_of(user, lookalike.pk) == "genuine_new"


def test_a_strangers_label_never_reaches_known_contacts_worded_alike(user) -> None:
    friend = people.create_person(owner=user, full_name="Old Friend")
    history(user, friend, gave=3, met=4, received=2)
    stranger = people.create_person(owner=user, full_name="New Person")
    theirs = inbound(user, stranger, NOTE)
    friends = inbound(user, friend, NOTE.replace("14th", "15th"), days_ago=2)
    before = _group_of(user, friends.pk)
    assert before == "trusted"
    preview = moves.preview_move(owner=user, interaction_id=theirs.pk, group="asks")
    assert preview["options"][1]["moves"] == 1
    moves.relabel(owner=user, interaction_id=theirs.pk, group="asks")
    assert _group_of(user, theirs.pk) == "asks"
    assert _group_of(user, friends.pk) == before


def test_a_known_contact_is_never_genuine_new(user) -> None:
    friend = people.create_person(owner=user, full_name="Old Friend")
    history(user, friend, gave=3, met=4, received=2)
    message = inbound(user, friend, "Could you introduce me to your manager at Figma?")
    with pytest.raises(ValidationError, match="Old Friend has real history"):
        moves.relabel(owner=user, interaction_id=message.pk, group="genuine_new")
    with pytest.raises(ValidationError, match="Genuine new is for strangers"):
        moves.preview_move(owner=user, interaction_id=message.pk, group="genuine_new")
    # A label made while they were a stranger no longer counts them as one.
    TriageLabel.objects.create(owner=user, interaction=message, group="genuine_new")
    assert _group_of(user, message.pk) in ("trusted", "asks")


def test_restoring_the_state_before_a_move_undoes_it_exactly(user) -> None:
    stranger = people.create_person(owner=user, full_name="Quiz Organiser")
    first = inbound(user, stranger, NOTE)
    nothing = moves.label_state(owner=user, interaction_id=first.pk)
    assert nothing.group is None
    moves.relabel(owner=user, interaction_id=first.pk, group="cold_pitch")
    labelled = moves.label_state(owner=user, interaction_id=first.pk)
    moves.relabel(owner=user, interaction_id=first.pk, group="trusted", follow=False)

    moves.restore_label(owner=user, state=moves.LabelState.from_dict(labelled.as_dict()))
    restored = TriageLabel.objects.get(interaction=first)
    assert (restored.group, restored.sender_id) == ("cold_pitch", stranger.pk)
    assert moves.label_state(owner=user, interaction_id=first.pk) == labelled

    moves.restore_label(owner=user, state=nothing)
    assert not TriageLabel.objects.exists()
    assert _group_of(user, first.pk) == "genuine_new"


def test_undo_refuses_another_users_message(user, other_user) -> None:
    theirs = inbound(other_user, people.create_person(owner=other_user, full_name="X"), NOTE)
    with pytest.raises(LookupError):
        moves.restore_label(
            owner=user, state=moves.LabelState(interaction_id=theirs.pk, group="trusted")
        )
    assert not TriageLabel.objects.exists()
