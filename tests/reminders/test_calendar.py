"""Test the private calendar feed: tokens, 404s, content read back by two parsers."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import icalendar
import pytest
import vobject
from django.utils import timezone

from amity.cli import call
from amity.reminders import calendar


def cli(*args: str) -> str:
    out = io.StringIO()
    call(*args, stdout=out)
    return out.getvalue().strip()


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def fetch(client: Any, url: str) -> Any:
    return client.get(path_of(url))


def uids(body: bytes) -> dict[str, Any]:
    parsed = icalendar.Calendar.from_ical(body)
    return {str(event["UID"]): event for event in parsed.walk("VEVENT")}


def test_it_serves_the_feed_at_the_cli_url_and_404s_a_wrong_or_reset_token(
    network: Any, client: Any
) -> None:
    url = cli("calendar", "url")
    assert url == cli("calendar", "url")  # shown again, not replaced
    response = fetch(client, url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert client.get("/calendar/not-the-token.ics").status_code == 404
    new = cli("calendar", "reset")
    assert new != url
    assert fetch(client, url).status_code == 404
    assert fetch(client, new).status_code == 200
    cli("calendar", "off")
    assert fetch(client, new).status_code == 404


def test_it_keeps_only_a_hash_of_the_token(network: Any, user: Any) -> None:
    from amity.reminders.models import CalendarFeed

    token = calendar.reset_feed(owner=user)
    row = CalendarFeed.objects.get(owner=user)
    assert token not in (row.token_hash, row.nonce)
    assert calendar.owner_of(token) == user


def test_it_lists_birthdays_anniversaries_touches_and_thanks(network: Any, user: Any) -> None:
    body = calendar.feed_for(owner=user)
    events = uids(body)
    grace, alan, katherine = network["grace"], network["alan"], network["katherine"]
    birthday = events[f"birthday-{grace.uid}@amity"]
    assert birthday["DTSTART"].dt == dt.date(1906, 12, 9)
    assert birthday["RRULE"]["FREQ"] == ["YEARLY"]
    assert "Bletchley" in str(events[f"work-{alan.uid}@amity"]["SUMMARY"])
    assert f"connected-{alan.uid}@amity" in events
    thanks = [e for uid, e in events.items() if uid.startswith(f"thanks-{katherine.uid}")]
    assert len(thanks) == 1 and str(thanks[0]["SUMMARY"]) == "Thank Katherine Johnson"
    touches = [e for uid, e in events.items() if uid.startswith("today-")]
    assert touches
    for event in touches:
        assert "In 60 seconds:" in str(event["DESCRIPTION"])
        assert event["DTSTART"].dt == timezone.localdate()
    # The second parser reads the same events.
    parsed = vobject.readOne(body.decode())
    assert sorted(str(e.uid.value) for e in parsed.vevent_list) == sorted(events)


def test_it_keeps_uids_stable_across_days(network: Any, user: Any) -> None:
    day = timezone.localdate()
    first = uids(calendar.feed_for(owner=user, day=day))
    second = uids(calendar.feed_for(owner=user, day=day + dt.timedelta(days=1)))
    yearly = {uid for uid in first if not uid.startswith(("today-", "intro-"))}
    dated_first = {u for u in yearly if not u.startswith("thanks-")}
    assert dated_first and dated_first <= set(second)
    # Asking again the same day gives the same feed, byte for byte.
    assert calendar.feed_for(owner=user, day=day) == calendar.feed_for(owner=user, day=day)


@pytest.mark.parametrize("kinds", [["birthdays"], ["thanks"], []])
def test_it_includes_only_the_kinds_chosen(
    network: Any, user: Any, monkeypatch: pytest.MonkeyPatch, kinds: list[str]
) -> None:
    monkeypatch.setenv("AMITY_CALENDAR_KINDS", ",".join(kinds) or " ")
    prefixes = {uid.split("-", 1)[0] for uid in uids(calendar.feed_for(owner=user))}
    wanted = {"birthdays": "birthday", "thanks": "thanks"}
    assert prefixes == {wanted[k] for k in kinds}


def test_it_leaves_people_beyond_the_closer_circles_out(
    network: Any, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Grace is the strongest tie; with only the inner circle's five she stays in.
    monkeypatch.setenv("AMITY_CALENDAR_CIRCLES", "1")
    assert f"birthday-{network['grace'].uid}@amity" in uids(calendar.feed_for(owner=user))
    from tests.histories import with_history

    far = with_history(user, "Far Away", days_ago=(1500,), birthday=dt.date(1990, 1, 1))
    for n in range(6):
        with_history(user, f"Close {n}", days_ago=(5, 3, 1))
    assert f"birthday-{far.uid}@amity" not in uids(calendar.feed_for(owner=user))


def test_it_never_shows_one_users_feed_to_another(
    network: Any, other_user: Any, client: Any
) -> None:
    token = calendar.reset_feed(owner=other_user)
    body = client.get(f"/calendar/{token}.ics").content
    assert b"Grace Hopper" not in body


def test_each_user_chooses_what_their_feed_holds(network: Any, user: Any) -> None:
    cli("reminders", "--calendar-kinds", "birthdays,thanks")
    prefixes = {uid.split("-", 1)[0] for uid in uids(calendar.feed_for(owner=user))}
    assert prefixes == {"birthday", "thanks"}
    cli("reminders", "--calendar-kinds", "none")
    assert uids(calendar.feed_for(owner=user)) == {}
    cli("reminders", "--calendar-kinds", "default")
    prefixes = {uid.split("-", 1)[0] for uid in uids(calendar.feed_for(owner=user))}
    assert {"birthday", "work", "connected", "today", "thanks"} <= prefixes


def test_the_kept_feed_equals_a_fresh_one_after_every_kind_of_change(
    network: Any, user: Any, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amity.network.optin import propose_introduction
    from amity.people import services, timeline
    from amity.relationships import today

    def fresh() -> bytes:
        day = timezone.localdate()
        return calendar.render_feed(calendar.feed_entries(owner=user, day=day), day=day)

    grace, alan, katherine = network["grace"], network["alan"], network["katherine"]
    changes = [
        lambda: services.update_person(person=alan, birthday=dt.date(1912, 6, 23)),
        lambda: timeline.log_interaction(
            owner=user, people=[katherine], intent="deposit", subtype="thanks"
        ),
        lambda: today.snooze(person=grace, until=timezone.localdate() + dt.timedelta(days=9)),
        lambda: propose_introduction(owner=user, a=alan, b=katherine),
        lambda: cli("reminders", "--calendar-kinds", "birthdays,introductions"),
        lambda: services.delete_person(person=grace),
    ]
    before = calendar.feed_for(owner=user)
    assert before == fresh()
    for change in changes:
        change()
        kept = calendar.feed_for(owner=user)
        assert kept == fresh()
        assert kept != before  # each change shows
        before = kept
    # The introduction's next step is in the feed, with a link to it.
    [intro] = [e for uid, e in uids(before).items() if uid.startswith("intro-")]
    assert "/intros/" in str(intro["DESCRIPTION"])
    # Unchanged, the kept feed is served without building events again.
    monkeypatch.setattr(calendar, "feed_entries", lambda **kw: pytest.fail("rebuilt"))
    assert calendar.feed_for(owner=user) == before
    # Unchanged, a calendar app's conditional poll gets a 304 and no body.
    url = cli("calendar", "url")
    first = fetch(client, url)
    again = client.get(path_of(url), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
