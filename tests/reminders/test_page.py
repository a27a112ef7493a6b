"""Test the Reminders page: the feed address, its reset, and the settings form."""

from __future__ import annotations

from typing import Any

from amity.reminders import calendar, links, preferences


def test_the_page_shows_the_feed_and_saves_the_settings(
    network: Any, user: Any, client: Any
) -> None:
    client.force_login(user)
    page = client.get("/reminders/").content.decode()
    url = calendar.feed_url(calendar.feed_token(owner=user))
    assert url in page and 'name="digest_hour"' in page
    response = client.post(
        "/reminders/",
        {
            "time_zone": "Pacific/Tongatapu",
            "digest_hour": "9",
            "digest_days": ["mon", "thu"],
            "push": "on",
            "calendar_kinds": ["birthdays"],
        },
    )
    assert response.status_code == 302
    saved = preferences.describe(preferences.profile_or_default(owner=user))
    assert saved["time_zone"] == "Pacific/Tongatapu"
    assert (saved["digest_hour"], saved["digest_days"]) == (9, ["mon", "thu"])
    assert (saved["email_digest"], saved["push"]) == (False, True)
    assert saved["calendar_kinds"] == ["birthdays"]
    body = client.get(url.split("8000", 1)[1]).content.decode()
    assert "Grace Hopper's birthday" in body and "Reach out to" not in body
    # The form shows what was saved.
    again = client.get("/reminders/").content.decode()
    assert 'value="thu" checked' in again.replace('id="id_digest_days_3" ', "")


def test_a_form_without_a_digest_day_says_so_and_saves_nothing(user: Any, client: Any) -> None:
    client.force_login(user)
    response = client.post("/reminders/", {"digest_hour": "9", "email_digest": "on"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert preferences.profile_or_default(owner=user).digest_hour is None


def test_a_new_address_revokes_the_old_feed_and_the_mailed_links(
    network: Any, user: Any, client: Any
) -> None:
    import datetime as dt

    from django.test import Client

    client.force_login(user)
    old = calendar.feed_token(owner=user)
    token = links.make_token(
        owner=user, person_id=network["grace"].pk, action="snooze", day=dt.date.today()
    )
    client.post("/reminders/calendar/reset/")
    assert Client().get(f"/calendar/{old}.ics").status_code == 404
    assert Client().get(f"/r/snooze/{token}/").status_code == 410
    assert "/calendar/" in client.get("/reminders/").content.decode()
