"""Test editing interactions and notes on the web, and Undo in the confirmations."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from amity.people import timeline, validation
from amity.people.models import Interaction, Note, Person
from amity.relationships.models import DailyPick, Snooze
from tests.histories import with_history


def url(name: str, **kwargs: int) -> str:
    """Reverse a route with keyword arguments."""
    return reverse(name, kwargs=kwargs)


def undo_action(html: str) -> str:
    """Return the action of the Undo button a confirmation offers."""
    found = re.search(r'<form method="post" action="(/undo/\d+/)" class="flash-undo">', html)
    assert found, "no Undo button in the page"
    return found.group(1)


def test_it_edits_an_interaction_and_keeps_its_time_of_day(web, user, ada_network) -> None:
    grace = ada_network["grace"]
    when = timezone.localtime() - dt.timedelta(days=3, hours=2)
    interaction = timeline.log_interaction(owner=user, people=[grace], occurred_at=when)
    edit = url("interaction_edit", person_id=grace.pk, interaction_id=interaction.pk)
    form = web.get(edit).content.decode()
    assert f'value="{when:%Y-%m-%d}"' in form and "Save changes" in form
    response = web.submit(
        edit,
        edit,
        {
            "occurred_on": f"{when:%Y-%m-%d}",
            "channel": "meeting",
            "direction": "mutual",
            "intent": "deposit",
            "subtype": "help",
            "summary": "Reviewed her talk",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Saved the meeting with Grace Hopper on " in html
    interaction.refresh_from_db()
    assert (interaction.channel, interaction.subtype, interaction.summary) == (
        "meeting",
        "help",
        "Reviewed her talk",
    )
    assert interaction.occurred_at == when  # same day: the time stays
    assert url("interaction_edit", person_id=grace.pk, interaction_id=interaction.pk) in html


def test_it_refuses_a_future_date_with_the_shared_words(web, ada_network) -> None:
    grace, interaction = ada_network["grace"], ada_network["interaction"]
    edit = url("interaction_edit", person_id=grace.pk, interaction_id=interaction.pk)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = web.submit(
        edit,
        edit,
        {
            "occurred_on": f"{tomorrow:%Y-%m-%d}",
            "channel": "call",
            "direction": "outbound",
            "intent": "neutral",
        },
    )
    assert response.status_code == 200
    assert "That date is in the future; the timeline records what happened." in (
        response.content.decode()
    )
    assert validation.FUTURE_DATE.startswith("that date is in the future")
    interaction.refresh_from_db()
    assert interaction.occurred_at <= timezone.now()


def test_it_edits_a_note_keeping_its_date(web, ada_network) -> None:
    grace, note = ada_network["grace"], ada_network["note"]
    edit = url("note_edit", person_id=grace.pk, note_id=note.pk)
    assert "Loves **COBOL** stories" in web.get(edit).content.decode()
    response = web.submit(edit, edit, {"body": "Loves *Fortran* more"}, follow=True)
    assert "Saved the note about Grace Hopper" in response.content.decode()
    assert "<em>Fortran</em>" in response.content.decode()
    assert Note.objects.get(pk=note.pk).created_at == note.created_at
    empty = web.submit(edit, edit, {"body": "   "})
    assert empty.status_code == 200 and Note.objects.get(pk=note.pk).body == "Loves *Fortran* more"


def test_it_offers_undo_after_deleting_an_interaction_and_restores_it(web, ada_network) -> None:
    grace, interaction = ada_network["grace"], ada_network["interaction"]
    pk, uid = interaction.pk, interaction.uid
    page = url("person", person_id=grace.pk)
    deleted = web.submit(
        page, url("interaction_delete", person_id=grace.pk, interaction_id=pk), follow=True
    )
    assert deleted.redirect_chain[-1][0] == page  # no anchor: the message is in view
    html = deleted.content.decode()
    assert "Deleted the call with Grace Hopper on " in html
    action = undo_action(html)
    undone = web.post(
        action, {"next": page, "csrfmiddlewaretoken": web.cookies["csrftoken"].value}, follow=True
    )
    assert undone.redirect_chain[-1][0] == page
    assert "Undone: deleted the call with Grace Hopper" in undone.content.decode()
    assert Interaction.objects.get(pk=pk).uid == uid
    grace.refresh_from_db()
    assert grace.interaction_count == 1


def test_it_undoes_deleting_a_note_and_a_person(web, ada_network) -> None:
    grace, note = ada_network["grace"], ada_network["note"]
    page = url("person", person_id=grace.pk)
    html = web.submit(
        page, url("note_delete", person_id=grace.pk, note_id=note.pk), follow=True
    ).content.decode()
    web.post(undo_action(html), {"csrfmiddlewaretoken": web.cookies["csrftoken"].value})
    assert Note.objects.filter(pk=note.pk).exists()
    gone = web.submit(page, url("person_delete", person_id=grace.pk), follow=True)
    assert "Deleted Grace Hopper" in gone.content.decode()
    web.post(
        undo_action(gone.content.decode()),
        {"csrfmiddlewaretoken": web.cookies["csrftoken"].value},
    )
    restored = Person.objects.get(pk=grace.pk)
    assert restored.timeline_notes.count() == 1 and restored.interaction_count == 1


def test_an_undo_link_from_elsewhere_cannot_send_the_user_off_site(web, ada_network) -> None:
    record = timeline.delete_note(note=ada_network["note"])
    token = web.csrf_token(reverse("home"))
    response = web.post(
        url("undo", record_id=record.pk),
        {"next": "https://evil.example/", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_today_snooze_and_done_offer_undo_and_today_follows(web, user) -> None:
    friend = with_history(user, "Grace Hopper", days_ago=(400, 300, 200, 100))
    home = reverse("home")
    assert "Grace Hopper" in web.get(home).content.decode()
    snoozed = web.submit(home, url("today_snooze", person_id=friend.pk), {"duration": "1w"})
    page = web.get(snoozed["Location"]).content.decode()
    assert "Snoozed Grace Hopper until" in page
    web.post(
        undo_action(page), {"next": home, "csrfmiddlewaretoken": web.cookies["csrftoken"].value}
    )
    assert not Snooze.objects.filter(person=friend).exists()
    assert 'action="' + url("today_done", person_id=friend.pk) in web.get(home).content.decode()
    before = Interaction.objects.filter(people=friend).count()
    done = web.submit(home, url("today_done", person_id=friend.pk), follow=True)
    html = done.content.decode()
    assert "Done: logged a " in html and "with Grace Hopper" in html
    assert DailyPick.objects.get(person=friend).done_at is not None
    web.post(
        undo_action(html), {"next": home, "csrfmiddlewaretoken": web.cookies["csrftoken"].value}
    )
    assert Interaction.objects.filter(people=friend).count() == before
    assert DailyPick.objects.get(person=friend).done_at is None
