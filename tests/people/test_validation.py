"""Test the one validation layer every surface goes through (amity.people.validation)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from amity.people import services, timeline, validation
from amity.people.models import Interaction, Note
from amity.relationships import today
from amity.relationships.models import DailyList


@pytest.fixture
def ada(user):
    return services.create_person(owner=user, full_name="Ada Lovelace")


def test_it_refuses_to_log_an_interaction_on_a_day_to_come(user, ada) -> None:
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(services.ValidationError) as caught:
        timeline.log_interaction(owner=user, people=[ada], occurred_at=tomorrow)
    assert (caught.value.field, caught.value.message) == ("occurred_at", validation.FUTURE_DATE)
    assert not Interaction.objects.exists()
    ada.refresh_from_db()
    assert ada.last_interaction_at is None


def test_it_accepts_later_today(user, ada) -> None:
    tonight = timezone.localtime().replace(hour=23, minute=59)
    interaction = timeline.log_interaction(owner=user, people=[ada], occurred_at=tonight)
    assert interaction.occurred_at == tonight


def test_it_refuses_to_move_an_interaction_into_the_future(user, ada) -> None:
    interaction = timeline.log_interaction(owner=user, people=[ada])
    with pytest.raises(services.ValidationError, match="in the future"):
        timeline.update_interaction(
            interaction=interaction, occurred_at=timezone.now() + dt.timedelta(days=400)
        )
    interaction.refresh_from_db()
    assert interaction.occurred_at <= timezone.now()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"summary": "x" * (validation.MAX_SUMMARY + 1)}, "summary"),
        ({"channel": "pigeon"}, "channel"),
        ({"direction": "sideways"}, "direction"),
        ({"intent": "bribe"}, "intent"),
        ({"intent": "deposit", "subtype": "pitch"}, "subtype"),
    ],
)
def test_it_names_the_field_it_refuses(user, ada, fields, field) -> None:
    with pytest.raises(services.ValidationError) as caught:
        timeline.log_interaction(owner=user, people=[ada], **fields)
    assert caught.value.field == field


def test_it_edits_a_note_and_refuses_an_empty_or_huge_one(ada) -> None:
    note = timeline.add_note(person=ada, body="First draft")
    written = note.created_at
    timeline.update_note(note=note, body="  Second draft  ")
    note.refresh_from_db()
    assert (note.body, note.created_at) == ("Second draft", written)
    for body, message in (("  ", "cannot be empty"), ("x" * (validation.MAX_NOTE + 1), "limit")):
        with pytest.raises(services.ValidationError, match=message):
            timeline.update_note(note=note, body=body)
    assert Note.objects.get(pk=note.pk).body == "Second draft"


def test_the_day_rule_refuses_a_day_to_come(user, ada) -> None:
    # `amity today --as-of` meets this rule before Today is asked (tests/cli/test_first_run.py
    # shows nothing is stored); Today itself serves a user's own day, which in UTC+13 can
    # be the server's tomorrow.
    later = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(services.ValidationError) as caught:
        validation.past_day(later, field="as_of")
    assert (caught.value.field, caught.value.message) == ("as_of", validation.FUTURE_DAY)
    earlier = timezone.localdate() - dt.timedelta(days=3)
    assert validation.past_day(earlier, field="as_of") == earlier
    today.today_list(owner=user, day=earlier)
    assert DailyList.objects.count() == 1
