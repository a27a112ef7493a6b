"""Test undoing deletes, snoozes and "Done": the rows come back exactly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from amity.core import undo
from amity.core.models import UndoRecord
from amity.people import services, timeline
from amity.people.models import ContactPoint, Interaction, Note, Person
from amity.relationships import today
from amity.relationships.models import DailyPick, PersonSummary, Snooze


@pytest.fixture
def network(user):
    """Return ada's Grace (two interactions, one shared with Alan, a note) and Alan."""
    grace = services.create_person(
        owner=user, full_name="Grace Hopper", emails=["grace@navy.example"], tags=["mentors"]
    )
    alan = services.create_person(owner=user, full_name="Alan Turing")
    days = [timezone.now() - dt.timedelta(days=n) for n in (3, 10)]
    solo = timeline.log_interaction(
        owner=user, people=[grace], occurred_at=days[0], channel="call", subtype="help"
    )
    shared = timeline.log_interaction(
        owner=user, people=[grace, alan], occurred_at=days[1], summary="Lunch"
    )
    note = timeline.add_note(person=grace, body="Loves **COBOL** stories")
    return {"grace": grace, "alan": alan, "solo": solo, "shared": shared, "note": note}


def _state(person_id: int) -> tuple:
    person = Person.objects.get(pk=person_id)
    return (
        person.uid,
        person.interaction_count,
        person.last_interaction_at,
        sorted(person.interactions.values_list("pk", "uid", "summary")),
        sorted(person.timeline_notes.values_list("pk", "uid", "body", "created_at")),
        sorted(person.contact_points.values_list("pk", "value")),
        sorted(person.tags.values_list("name", flat=True)),
    )


def test_it_undoes_deleting_an_interaction_exactly(user, network) -> None:
    grace, solo = network["grace"], network["solo"]
    solo_id, solo_uid = solo.pk, solo.uid
    before = _state(grace.pk)
    summary_before = PersonSummary.objects.get(person=grace).count
    record = timeline.delete_interaction(interaction=solo)
    assert record.label.startswith("Deleted the call with Grace Hopper on ")
    assert Person.objects.get(pk=grace.pk).interaction_count == 1
    assert PersonSummary.objects.get(person=grace).count == summary_before - 1
    undone = undo.undo(owner=user)
    assert undone.pk == record.pk and undone.undone_at is not None
    assert _state(grace.pk) == before
    assert Interaction.objects.get(pk=solo_id).uid == solo_uid
    assert PersonSummary.objects.get(person=grace).count == summary_before


def test_it_undoes_deleting_a_note(user, network) -> None:
    grace, note = network["grace"], network["note"]
    note_id = note.pk
    before = _state(grace.pk)
    record = timeline.delete_note(note=note)
    assert record.label == "Deleted the note \u201cLoves **COBOL** stories\u201d"
    assert not Note.objects.filter(pk=note_id).exists()
    undo.undo(owner=user, record_id=record.pk)
    assert _state(grace.pk) == before


def test_it_undoes_deleting_a_person_with_their_links(user, network) -> None:
    grace, alan = network["grace"], network["alan"]
    solo_id, grace_id = network["solo"].pk, grace.pk
    before, alan_before = _state(grace_id), _state(alan.pk)
    services.delete_person(person=grace)
    assert not Person.objects.filter(pk=grace_id).exists()
    assert not Interaction.objects.filter(pk=solo_id).exists()
    assert list(network["shared"].people.all()) == [alan]
    undo.undo(owner=user)
    assert _state(grace_id) == before
    assert _state(alan.pk) == alan_before
    assert ContactPoint.objects.get(person_id=grace_id).value == "grace@navy.example"


def test_an_undo_happens_once_and_only_for_its_owner(user, other_user, network) -> None:
    note_id = network["note"].pk
    record = timeline.delete_note(note=network["note"])
    with pytest.raises(undo.NothingToUndo):
        undo.undo(owner=other_user, record_id=record.pk)
    undo.undo(owner=user, record_id=record.pk)
    with pytest.raises(undo.NothingToUndo, match="cannot be undone"):
        undo.undo(owner=user, record_id=record.pk)
    assert Note.objects.filter(pk=note_id).count() == 1


def test_an_old_action_is_no_longer_offered(user, network) -> None:
    note_id = network["note"].pk
    record = timeline.delete_note(note=network["note"])
    UndoRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - undo.UNDO_WINDOW - dt.timedelta(seconds=1)
    )
    assert undo.pending(owner=user) == []
    with pytest.raises(undo.NothingToUndo, match="nothing to undo"):
        undo.undo(owner=user)
    assert not Note.objects.filter(pk=note_id).exists()


def _today_network(owner) -> None:
    """Give `owner` twelve people with a quiet two-way history, so Today has picks."""
    for i in range(12):
        who = services.create_person(owner=owner, full_name=f"Person {i:02d}")
        for days in range(40 + i, 400, 45):
            timeline.log_interaction(
                owner=owner,
                people=[who],
                occurred_at=timezone.now() - dt.timedelta(days=days),
                direction="mutual",
            )


def _items(owner) -> list[tuple[int, bool]]:
    return [(i["id"], i["done"]) for i in today.today_list(owner=owner)["items"]]


def test_it_undoes_a_snooze_and_today_shows_the_person_again(user) -> None:
    _today_network(user)
    before = _items(user)
    first = Person.objects.get(pk=before[1][0])
    record = today.snooze(person=first, until=timezone.localdate() + dt.timedelta(days=30))
    assert record.label.startswith(f"Snoozed {first.full_name} until ")
    after = _items(user)
    assert first.pk not in [pk for pk, _ in after] and len(after) == 5
    undo.undo(owner=user, record_id=record.pk)
    assert not Snooze.objects.filter(person=first).exists()
    assert _items(user) == before


def test_undoing_a_snooze_puts_back_the_one_it_replaced(user) -> None:
    _today_network(user)
    who = Person.objects.get(pk=_items(user)[0][0])
    earlier = timezone.localdate() + dt.timedelta(days=3)
    today.snooze(person=who, until=earlier)
    first_snooze = Snooze.objects.get(person=who)
    record = today.snooze(person=who, until=earlier + dt.timedelta(days=60))
    undo.undo(owner=user, record_id=record.pk)
    again = Snooze.objects.get(person=who)
    assert (again.pk, again.until, again.updated_at) == (
        first_snooze.pk,
        earlier,
        first_snooze.updated_at,
    )


def test_it_undoes_done_and_today_unticks_the_person(user) -> None:
    _today_network(user)
    before = _items(user)
    who = Person.objects.get(pk=before[0][0])
    count, last = who.interaction_count, who.last_interaction_at
    Snooze.objects.create(owner=user, person=who, until=timezone.localdate())
    done = today.mark_done(owner=user, person=who)
    assert done.undo.label.startswith("Done: logged the message with ")
    assert _items(user)[0] == (who.pk, True)
    assert not Snooze.objects.filter(person=who).exists()
    undo.undo(owner=user)
    assert _items(user) == before
    who.refresh_from_db()
    assert (who.interaction_count, who.last_interaction_at) == (count, last)
    assert not Interaction.objects.filter(pk=done.interaction.pk).exists()
    assert Snooze.objects.get(person=who).until == timezone.localdate()
    assert DailyPick.objects.get(person=who, daily_list__day=timezone.localdate()).done_at is None


def test_an_undo_that_would_clash_is_refused_and_writes_nothing(user) -> None:
    ada = services.create_person(
        owner=user, full_name="Ada Lovelace", linkedin_url="linkedin.com/in/ada"
    )
    services.delete_person(person=ada)
    services.create_person(owner=user, full_name="Ada King", linkedin_url="linkedin.com/in/ada")
    with pytest.raises(undo.NothingToUndo, match="clashes"):
        undo.undo(owner=user)
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Ada King"]
    assert len(undo.pending(owner=user)) == 1
