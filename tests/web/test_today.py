"""Test the Today page (home), its one-click actions and the person page's panel."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from amity.people import timeline
from amity.relationships.models import DailyPick, Snooze
from tests.histories import with_history
from tests.web.conftest import FormClient


def overdue_friend(owner, name: str = "Grace Hopper", **fields):
    return with_history(owner, name, days_ago=(400, 300, 200, 100), **fields)


def test_it_makes_today_the_home_page_with_reasons_and_actions(web, user) -> None:
    overdue_friend(user, interests=["compilers"])
    response = web.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Grace Hopper" in html and "Overdue" in html
    assert "Send Grace one link about compilers" in html
    assert 'aria-current="page"' in html and "csrfmiddlewaretoken" in html


def test_it_sends_visitors_to_the_login_page(client) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_logs_a_done_deposit_in_one_click(web: FormClient, user) -> None:
    grace = overdue_friend(user, interests=["compilers"])
    response = web.submit(reverse("home"), reverse("today_done", args=[grace.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    latest = grace.interactions.order_by("-occurred_at").first()
    assert (latest.intent, latest.subtype) == ("deposit", "shared_content")
    assert DailyPick.objects.get(person=grace).done_at is not None
    assert "done" in web.get(reverse("home")).content.decode()


def test_it_snoozes_in_one_click_and_drops_the_person_from_today(web: FormClient, user) -> None:
    grace = overdue_friend(user)
    response = web.submit(
        reverse("home"), reverse("today_snooze", args=[grace.pk]), {"duration": "1w"}
    )
    assert response.status_code == 302
    assert Snooze.objects.get(person=grace).until == timezone.localdate() + dt.timedelta(days=7)
    html = web.get(reverse("home")).content.decode()
    assert "Snoozed Grace Hopper" in html and f'id="today-{grace.pk}"' not in html


def test_it_refuses_a_post_without_the_csrf_token(web: FormClient, user) -> None:
    grace = overdue_friend(user)
    response = web.post(reverse("today_done", args=[grace.pk]))
    assert response.status_code == 403
    assert grace.interactions.count() == 4


def test_it_answers_404_for_someone_elses_person(web: FormClient, other_user) -> None:
    theirs = overdue_friend(other_user, "Bob's Friend")
    response = web.submit(reverse("home"), reverse("today_snooze", args=[theirs.pk]))
    assert response.status_code == 404
    assert not Snooze.objects.exists()


def test_it_shows_strength_circle_balance_and_verdict_on_the_person_page(web, user) -> None:
    grace = overdue_friend(user)
    timeline.log_interaction(owner=user, people=[grace], intent="withdrawal", subtype="referral")
    html = web.get(reverse("person", args=[grace.pk])).content.decode()
    assert "Tie strength" in html and "circle" in html.lower()
    assert "overdrawn" in html and "Deposits that fit" in html
