"""Test the Coach and Inbox pages: forms with CSRF, highlighted spans, relabelling."""

from __future__ import annotations

from django.test import Client

from amity.inbox.models import TriageLabel
from amity.people import services as people
from amity.web.views.coach import highlight
from tests.inbox.conftest import inbound

PITCH = (
    "Hi there, we help companies like yours cut costs by 40% with our platform. Can I book "
    "15 minutes on your calendar this week?"
)


def test_the_coach_page_reads_a_draft_and_marks_the_flagged_spans(web) -> None:
    response = web.submit(
        "/coach/",
        "/coach/",
        {"text": "Hi, I'd like to add you to my professional network. <b>ASAP</b>", "to": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Transactional" in page
    assert '<mark title="Generic template phrase">add you to my professional network</mark>' in page
    assert "&lt;b&gt;" in page and "<b>ASAP" not in page
    assert "when you have a moment" in page


def test_the_coach_page_needs_the_csrf_token_and_a_sign_in(web, user) -> None:
    assert web.post("/coach/", {"text": "hello"}).status_code == 403
    anonymous = Client()
    assert anonymous.get("/coach/").status_code == 302


def test_the_coach_page_says_when_the_recipient_is_unknown(web, user, other_user) -> None:
    bobs = people.create_person(owner=other_user, full_name="Zed Only")
    response = web.submit("/coach/", "/coach/", {"text": "Could you refer me?", "to": "Zed Only"})
    assert "no person matches" in response.content.decode()
    prefilled = web.get(f"/coach/?to={bobs.pk}").content.decode()
    assert f"#{bobs.pk}" not in prefilled


def test_highlight_merges_overlapping_flags() -> None:
    flags = [
        {"start": 0, "end": 5, "label": "A"},
        {"start": 3, "end": 8, "label": "B"},
        {"start": 10, "end": 12, "label": "C"},
    ]
    segments = highlight("0123456789ab", flags)
    assert segments == [
        {"text": "01234567", "flags": "A; B"},
        {"text": "89", "flags": ""},
        {"text": "ab", "flags": "C"},
    ]


def test_the_inbox_shows_the_groups_with_reasons_and_moves_a_message(web, user) -> None:
    seller = people.create_person(owner=user, full_name="Sal Esperson")
    message = inbound(user, seller, PITCH)
    page = web.get("/inbox/").content.decode()
    assert "Cold pitches" in page and "Sal Esperson" in page
    assert "reads like mass outreach or a sale" in page
    response = web.submit(
        "/inbox/", f"/inbox/{message.pk}/label/", {"group": "trusted", "source": "all"}
    )
    assert response.status_code == 302
    # Back to the same tab and page, not an anchor that scrolls the message away.
    assert response["Location"] == "/inbox/"
    assert TriageLabel.objects.get(interaction=message).group == "trusted"
    assert "your label" in web.get("/inbox/?tab=trusted").content.decode()


def test_the_inbox_offers_a_reply_draft_the_user_sends_from_their_own_mail(web, user) -> None:
    seller = people.create_person(
        owner=user, full_name="Sal Esperson", emails=["sal@sales.example"]
    )
    inbound(user, seller, PITCH)
    page = web.get("/inbox/").content.decode()
    assert "Reply draft: a kind decline" in page
    assert "Hi Sal, thank you for thinking of me." in page
    assert 'href="mailto:sal@sales.example?subject=Re%3A%20' in page
    assert "Amity never sends it" in page


def test_the_inbox_404s_another_users_message_and_needs_csrf(web, user, other_user) -> None:
    theirs = inbound(other_user, people.create_person(owner=other_user, full_name="X"), PITCH)
    response = web.submit("/inbox/", f"/inbox/{theirs.pk}/label/", {"group": "trusted"})
    assert response.status_code == 404
    mine = inbound(user, people.create_person(owner=user, full_name="Y"), PITCH)
    assert web.post(f"/inbox/{mine.pk}/label/", {"group": "trusted"}).status_code == 403
    assert not TriageLabel.objects.exists()
    report = web.get("/inbox/").context["report"]
    shown = [m["id"] for g in report["groups"] for m in g["messages"]]
    assert shown == [mine.pk]


def test_the_inbox_shows_one_group_per_tab_a_page_at_a_time(web, user, monkeypatch) -> None:
    from amity.web.views import inbox as inbox_view

    monkeypatch.setattr(inbox_view, "PER_PAGE", 2)
    seller = people.create_person(owner=user, full_name="Sal Esperson")
    pitches = [inbound(user, seller, PITCH, days_ago=day) for day in range(1, 6)]
    page = web.get("/inbox/")
    # The first group with messages opens; the others are tabs with their counts.
    assert page.context["tab"] == "cold_pitch"
    assert [m["id"] for m in page.context["group"]["messages"]] == [p.pk for p in pitches[:2]]
    html = page.content.decode()
    assert 'href="/inbox/?tab=trusted"' in html and "page 1 of 3" in html
    assert "`" not in html
    assert "<code>amity triage --limit N</code>" in html
    last = web.get("/inbox/?tab=cold_pitch&page=3")
    assert [m["id"] for m in last.context["group"]["messages"]] == [pitches[4].pk]
    beyond = web.get("/inbox/?tab=cold_pitch&page=99")
    assert beyond.context["state"]["page"] == 3
    assert web.get("/inbox/?tab=asks").context["group"]["messages"] == []


def test_a_move_is_previewed_applied_and_undone_from_the_page(web, user) -> None:
    seller = people.create_person(owner=user, full_name="Sal Esperson")
    first = inbound(user, seller, PITCH, days_ago=2)
    second = inbound(user, seller, PITCH + " Thanks.", days_ago=1)
    preview = web.get(f"/inbox/{first.pk}/move/?group=trusted&tab=cold_pitch")
    html = preview.content.decode()
    assert "Move to Trusted?" in html and "Nothing has changed yet" in html
    assert "Cold pitches: 2 → 1" in html and "Cold pitches: 2 → 0" in html
    assert not TriageLabel.objects.exists()

    response = web.submit(
        f"/inbox/{first.pk}/move/?group=trusted&tab=cold_pitch",
        f"/inbox/{first.pk}/label/",
        {"group": "trusted", "tab": "cold_pitch", "source": "all"},
    )
    assert response["Location"] == "/inbox/?tab=cold_pitch"
    page = web.get("/inbox/?tab=cold_pitch")
    assert [m["id"] for m in page.context["group"]["messages"]] == [second.pk]
    assert f"Moved message #{first.pk} to Trusted (alone)." in page.content.decode()

    undone = web.submit("/inbox/?tab=cold_pitch", "/inbox/undo/", {"tab": "cold_pitch"})
    assert undone["Location"] == "/inbox/?tab=cold_pitch"
    assert not TriageLabel.objects.exists()
    page = web.get("/inbox/?tab=cold_pitch")
    assert len(page.context["group"]["messages"]) == 2
    assert page.context["undo"] is None
    again = web.submit("/inbox/", "/inbox/undo/", {}, follow=True)
    assert "Nothing to undo." in again.content.decode()


def test_the_page_refuses_genuine_new_for_a_known_contact_with_a_clear_message(web, user) -> None:
    from tests.inbox.conftest import history

    friend = people.create_person(owner=user, full_name="Old Friend")
    history(user, friend, gave=3, met=4, received=2)
    message = inbound(user, friend, PITCH)
    response = web.get(f"/inbox/{message.pk}/move/?group=genuine_new", follow=True)
    assert "Old Friend has real history with you" in response.content.decode()
    assert not TriageLabel.objects.exists()
