"""Test the digest's one-click links: mailed through aiosmtpd, followed with no session."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from amity.cli import call
from amity.people.models import Interaction
from amity.relationships.models import DailyPick, Snooze
from amity.reminders import calendar, links
from tests.reminders.servers import Inbox

BASE = "https://amity.example.org"


def mailed_links(smtp: Inbox) -> dict[str, list[str]]:
    """Send the digest with `amity digest`; return the links of its HTML part by action."""
    call("digest", stdout=io.StringIO())
    [(_, message)] = smtp.received[-1:]
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    found = {
        action: re.findall(rf'href="({BASE}/r/{action}/[^"]+)"', html) for action in links.ACTIONS
    }
    # The plain-text part carries the very same links.
    assert all(link in text for action_links in found.values() for link in action_links)
    return found


def path(url: str) -> str:
    assert url.startswith(BASE)
    return url[len(BASE) :]


def person_of(url: str) -> int:
    """Return the person a link names, read the way the server does."""
    action, token = path(url).split("/")[2:4]
    return int(signing.loads(token, salt=f"amity.reminders.link.{action}")["p"])


def undo_token(page: str) -> str:
    [token] = re.findall(r'name="token" value="([^"]+)"', page)
    return token


def test_a_mailed_done_link_logs_the_touch_without_a_login_and_can_be_undone(
    network: Any, user: Any, smtp: Inbox
) -> None:
    done = mailed_links(smtp)["done"]
    assert done
    person = person_of(done[0])
    before = Interaction.objects.filter(owner=user, people=person).count()
    browser = Client(enforce_csrf_checks=True)  # a mail app's browser: no session
    response = browser.get(path(done[0]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    page = response.content.decode()
    assert "Logged a" in page and "Undo" in page
    assert "_auth_user_id" not in browser.session  # it did not sign anyone in
    assert Interaction.objects.filter(owner=user, people=person).count() == before + 1
    pick = DailyPick.objects.get(owner=user, person_id=person, daily_list__day=timezone.localdate())
    assert pick.done_at is not None
    # Followed again (a mail scanner, a second click): nothing is logged twice.
    again = browser.get(path(done[0])).content.decode()
    assert "Already done" in again
    assert Interaction.objects.filter(owner=user, people=person).count() == before + 1
    # Undo posts the token from the page, with the page's CSRF token.
    undone = browser.post(
        "/r/undo/",
        {"token": undo_token(page), "csrfmiddlewaretoken": browser.cookies["csrftoken"].value},
    )
    assert undone.status_code == 200 and "Undone" in undone.content.decode()
    assert Interaction.objects.filter(owner=user, people=person).count() == before
    pick.refresh_from_db()
    assert pick.done_at is None


def test_a_mailed_snooze_link_snoozes_a_month_and_undo_restores(
    network: Any, user: Any, smtp: Inbox
) -> None:
    snooze = mailed_links(smtp)["snooze"]
    person = person_of(snooze[0])
    browser = Client()
    page = browser.get(path(snooze[0])).content.decode()
    until = Snooze.objects.get(owner=user, person_id=person).until
    assert until == timezone.localdate() + dt.timedelta(days=30)
    assert f"{until:%d %b %Y}" in page
    assert "Undo" in page
    browser.post("/r/undo/", {"token": undo_token(page)})
    assert not Snooze.objects.filter(person_id=person).exists()


def test_a_snooze_undone_brings_back_the_earlier_snooze(network: Any, user: Any) -> None:
    from amity.relationships import today

    grace = network["grace"]
    earlier = timezone.localdate() + dt.timedelta(days=3)
    today.snooze(person=grace, until=earlier)
    token = links.make_token(
        owner=user, person_id=grace.pk, action="snooze", day=timezone.localdate()
    )
    outcome = links.follow(action="snooze", token=token)
    assert Snooze.objects.get(person=grace).until > earlier
    links.undo(token=outcome.undo)
    assert Snooze.objects.get(person=grace).until == earlier


def test_a_tampered_or_misused_link_changes_nothing_and_says_why(
    network: Any, user: Any, smtp: Inbox
) -> None:
    found = mailed_links(smtp)
    done, snooze = found["done"][0], found["snooze"][0]
    interactions = Interaction.objects.count()
    browser = Client()
    token = path(done).split("/")[3]
    # One character changed in the signature.
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = browser.get(f"/r/done/{flipped}/")
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    # Cut short, as some mail apps wrap long lines.
    assert browser.get(f"/r/done/{token[:30]}/").status_code == 400
    # A done link is not a snooze link, nor any other action.
    assert browser.get(f"/r/snooze/{token}/").status_code == 400
    assert browser.get(f"/r/delete/{token}/").status_code == 400
    # A forged undo.
    assert browser.post("/r/undo/", {"token": token}).status_code == 400
    assert browser.post(path(snooze)).status_code == 405  # links are GETs
    assert Interaction.objects.count() == interactions
    assert not Snooze.objects.exists()


def test_an_expired_link_is_refused_with_410(
    network: Any, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    grace = network["grace"]
    eleven_days_ago = int(time.time()) - 11 * 86400
    with monkeypatch.context() as m:
        m.setattr(
            signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(eleven_days_ago)
        )
        old = links.make_token(
            owner=user, person_id=grace.pk, action="done", day=timezone.localdate()
        )
    response = Client().get(f"/r/done/{old}/")
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert not Interaction.objects.filter(owner=user, people=grace, direction="outbound").exists()


def test_resetting_private_links_revokes_mailed_ones(network: Any, user: Any, smtp: Inbox) -> None:
    first = mailed_links(smtp)["done"][0]
    call("reminders", "--revoke-links", stdout=io.StringIO())
    response = Client().get(path(first))
    assert response.status_code == 410
    assert "This link was revoked" in response.content.decode()
    # A new digest's links work; a new calendar address revokes them too.
    fresh = mailed_links(smtp)["snooze"][0]
    calendar.reset_feed(owner=user)
    assert Client().get(path(fresh)).status_code == 410
    assert not Snooze.objects.exists()
    newest = mailed_links(smtp)["snooze"][0]
    assert Client().get(path(newest)).status_code == 200


def test_a_link_for_someone_deleted_or_another_user_does_nothing(
    network: Any, user: Any, other_user: Any
) -> None:
    from amity.people import services

    grace = network["grace"]
    day = timezone.localdate()
    # Bob's own signed link cannot reach ada's person: the person is looked up as his.
    bobs = links.make_token(owner=other_user, person_id=grace.pk, action="done", day=day)
    assert Client().get(f"/r/done/{bobs}/").status_code == 404
    token = links.make_token(owner=user, person_id=grace.pk, action="done", day=day)
    services.delete_person(person=grace)
    response = Client().get(f"/r/done/{token}/")
    assert response.status_code == 404
    assert "no longer in Amity" in response.content.decode()
