"""Test the timeline: logging interactions, notes, deleting and sanitising."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from amity.people import services, timeline
from amity.people.models import Interaction, Note
from amity.web.timeline import TIMELINE_PAGE


def url(name: str, **kwargs: int) -> str:
    """Reverse a route with keyword arguments."""
    return reverse(name, kwargs=kwargs)


def test_it_shows_interactions_and_notes_newest_first(web, user, ada_network) -> None:
    grace = ada_network["grace"]
    timeline.log_interaction(
        owner=user,
        people=[grace],
        occurred_at=timezone.now() - dt.timedelta(days=40),
        channel="email",
        subtype="advice",
        summary="Asked about Fortran",
    )
    html = web.get(url("person", person_id=grace.pk)).content.decode()
    assert html.index("Loves <strong>COBOL</strong> stories") < html.index("Thanked her")
    assert html.index("Thanked her") < html.index("Asked about Fortran")
    assert '<span class="badge badge-deposit">Deposit · Thanks</span>' in html
    assert '<span class="badge badge-withdrawal">Withdrawal · Advice request</span>' in html


def test_it_offers_sensible_defaults_in_the_log_form(web, ada_network) -> None:
    html = web.get(url("person", person_id=ada_network["grace"].pk)).content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in html
    assert '<option value="message" selected>' in html
    assert '<option value="outbound" selected>' in html
    assert '<option value="neutral" selected>' in html


def test_it_logs_an_interaction_through_the_form(web, user, ada_network) -> None:
    alan = ada_network["alan"]
    page = url("person", person_id=alan.pk)
    response = web.submit(
        page,
        url("interaction_new", person_id=alan.pk),
        {
            "occurred_on": "2024-05-01",
            "channel": "call",
            "direction": "inbound",
            "intent": "neutral",
            "subtype": "help",
            "summary": "Talked about morphogenesis",
        },
        follow=True,
    )
    interaction = Interaction.objects.get(owner=user, people=alan)
    assert (interaction.channel, interaction.direction, interaction.intent) == (
        "call",
        "inbound",
        "deposit",
    )
    assert timezone.localtime(interaction.occurred_at).date() == dt.date(2024, 5, 1)
    html = response.content.decode()
    assert "Logged a call with Alan" in html
    assert "Talked about morphogenesis" in html
    alan.refresh_from_db()
    assert alan.interaction_count == 1


def test_it_shows_a_mismatched_subtype_as_a_field_error(web, ada_network) -> None:
    alan = ada_network["alan"]
    response = web.submit(
        url("person", person_id=alan.pk),
        url("interaction_new", person_id=alan.pk),
        {
            "occurred_on": f"{timezone.localdate():%Y-%m-%d}",
            "channel": "email",
            "direction": "outbound",
            "intent": "deposit",
            "subtype": "pitch",
        },
    )
    assert response.status_code == 200
    assert 'id="id_subtype_error"' in response.content.decode()
    assert not Interaction.objects.filter(people=alan).exists()


def test_it_refuses_a_date_in_the_future(web, ada_network) -> None:
    alan = ada_network["alan"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = web.submit(
        url("person", person_id=alan.pk),
        url("interaction_new", person_id=alan.pk),
        {
            "occurred_on": f"{tomorrow:%Y-%m-%d}",
            "channel": "email",
            "direction": "outbound",
            "intent": "neutral",
        },
    )
    assert 'id="id_occurred_on_error"' in response.content.decode()
    assert not Interaction.objects.filter(people=alan).exists()


def test_it_adds_a_note(web, ada_network) -> None:
    alan = ada_network["alan"]
    response = web.submit(
        url("person", person_id=alan.pk),
        url("note_new", person_id=alan.pk),
        {"body": "Runs marathons"},
        follow=True,
    )
    assert "Added a note to Alan" in response.content.decode()
    assert list(Note.objects.filter(person=alan).values_list("body", flat=True)) == [
        "Runs marathons"
    ]


def test_it_refuses_an_empty_note(web, ada_network) -> None:
    alan = ada_network["alan"]
    response = web.submit(
        url("person", person_id=alan.pk), url("note_new", person_id=alan.pk), {"body": " "}
    )
    html = response.content.decode()
    assert 'id="id_body_error"' in html and 'id="note" open' in html
    assert not Note.objects.filter(person=alan).exists()


def test_it_shows_a_script_in_a_note_harmlessly(web, ada_network) -> None:
    alan = ada_network["alan"]
    timeline.add_note(
        person=alan,
        body='<script>alert("x")</script> hi <img src=x onerror=alert(1)> [a](javascript:alert(2))',
    )
    services.update_person(person=alan, notes="<script>steal()</script>**bold**")
    html = web.get(url("person", person_id=alan.pk)).content.decode()
    assert "<script>alert" not in html and "<script>steal" not in html
    assert "onerror" not in html and "javascript:alert" not in html
    assert "<strong>bold</strong>" in html


def test_it_escapes_a_script_in_an_interaction_summary(web, user, ada_network) -> None:
    alan = ada_network["alan"]
    timeline.log_interaction(owner=user, people=[alan], summary="<script>alert(1)</script>")
    html = web.get(url("person", person_id=alan.pk)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_deletes_an_interaction_after_confirmation(web, ada_network) -> None:
    grace, interaction = ada_network["grace"], ada_network["interaction"]
    confirm = url("interaction_delete", person_id=grace.pk, interaction_id=interaction.pk)
    assert "Delete this interaction?" in web.get(confirm).content.decode()
    assert Interaction.objects.filter(pk=interaction.pk).exists()
    response = web.submit(url("person", person_id=grace.pk), confirm, follow=True)
    assert "Deleted the call with Grace Hopper on " in response.content.decode()
    assert not Interaction.objects.filter(pk=interaction.pk).exists()
    grace.refresh_from_db()
    assert grace.interaction_count == 0


def test_it_deletes_a_note(web, ada_network) -> None:
    grace, note = ada_network["grace"], ada_network["note"]
    action = url("note_delete", person_id=grace.pk, note_id=note.pk)
    response = web.submit(url("person", person_id=grace.pk), action, follow=True)
    assert "Deleted the note" in response.content.decode()
    assert not Note.objects.filter(pk=note.pk).exists()


def test_it_will_not_delete_an_interaction_through_another_person(web, ada_network) -> None:
    interaction = ada_network["interaction"]
    action = url(
        "interaction_delete", person_id=ada_network["alan"].pk, interaction_id=interaction.pk
    )
    assert web.get(action).status_code == 404
    assert Interaction.objects.filter(pk=interaction.pk).exists()


def test_it_shows_more_of_a_long_timeline(web, user, ada_network) -> None:
    alan = ada_network["alan"]
    start = timezone.now() - dt.timedelta(days=100)
    for day in range(TIMELINE_PAGE + 5):
        timeline.log_interaction(
            owner=user,
            people=[alan],
            occurred_at=start + dt.timedelta(days=day),
            summary=f"Chat number {day:02d}",
        )
    first = web.get(url("person", person_id=alan.pk)).content.decode()
    assert first.count('class="entry entry-') == TIMELINE_PAGE
    assert "Chat number 24" in first and "Chat number 04" not in first
    assert "?more=2#timeline" in first
    second = web.get(url("person", person_id=alan.pk), {"more": 2}).content.decode()
    assert second.count('class="entry entry-') == TIMELINE_PAGE + 5
    assert "Chat number 00" in second and "Show more" not in second
