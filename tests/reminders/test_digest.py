"""Test the digest mailed to a real SMTP server (aiosmtpd), its timing and opting out."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.utils import timezone

from amity.cli import call
from amity.reminders import delivery, preferences
from tests.reminders.servers import Inbox


def cli_json(*args: str) -> Any:
    out = io.StringIO()
    call(*args, "--json", stdout=out)
    return json.loads(out.getvalue())


def parts(message: Any) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.iter_parts()}


def test_it_mails_the_digest_as_text_and_html_to_the_user_alone(network: Any, smtp: Inbox) -> None:
    out = io.StringIO()
    call("digest", stdout=out)
    assert "Sent to ada@example.org" in out.getvalue()
    [(recipients, message)] = smtp.received
    # Nothing ever goes to the people in the digest: the user alone gets it.
    assert recipients == ["ada@example.org"]
    assert message["Subject"].startswith("Amity, ")
    body = parts(message)
    assert set(body) == {"text/plain", "text/html"}
    today = cli_json("today")
    for item in today["items"]:
        assert item["name"] in body["text/plain"] and item["action"] in body["text/plain"]
    # One signed "done" and "snooze" link per touch still to do, in both parts
    # (following them: tests/reminders/test_links.py).
    still_to_do = len([item for item in today["items"] if not item["done"]])
    assert still_to_do
    for part in body.values():
        assert part.count("https://amity.example.org/r/done/") == still_to_do
        assert part.count("https://amity.example.org/r/snooze/") == still_to_do
    assert "Katherine Johnson" in body["text/plain"].split("Who to thank:")[1]
    assert "<script" not in body["text/html"]


def test_its_dry_run_matches_amity_today_and_sends_nothing(network: Any, smtp: Inbox) -> None:
    digest = cli_json("digest", "--dry-run")
    today = cli_json("today")
    assert digest["day"] == today["day"]
    strip = [{k: v for k, v in item.items() if k != "links"} for item in digest["items"]]
    assert strip == today["items"]
    assert digest["network"] == today["network"]
    assert [t["name"] for t in digest["thanks"]] == ["Katherine Johnson"]
    assert "sent" not in digest
    out = io.StringIO()
    call("digest", "--dry-run", stdout=out)
    assert all(item["name"] in out.getvalue() for item in today["items"])
    assert smtp.received == []


def test_it_says_why_without_a_mail_server(network: Any, capsys: Any) -> None:
    from amity.cli import run

    assert run(["digest"]) == 1
    assert "AMITY_EMAIL_URL" in capsys.readouterr().err


def _morning_utc(day: dt.date, hour_utc: int, minute: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour_utc, minute), tzinfo=dt.UTC)


def test_a_user_in_utc_plus_13_gets_it_at_their_morning_once(
    network: Any, user: Any, smtp: Inbox
) -> None:
    preferences.update_profile(owner=user, time_zone="Pacific/Tongatapu")  # UTC+13, no DST
    eve = timezone.now().date()
    # 17:10 UTC is 06:10 the next day in Tonga: before AMITY_DIGEST_HOUR (7).
    assert delivery.send_due(now=_morning_utc(eve, 17)) == []
    # 18:10 UTC is 07:10 there: their digest for their own date goes out.
    [sent] = delivery.send_due(now=_morning_utc(eve, 18))
    assert (sent.channel, sent.day, sent.ok) == ("email", str(eve + dt.timedelta(days=1)), True)
    assert len(smtp.received) == 1
    # Checked again a quarter of an hour later: not sent twice.
    assert delivery.send_due(now=_morning_utc(eve, 18, 25)) == []
    # Asleep for two days: one digest on waking, for the day it is, not one per day missed.
    [late] = delivery.send_due(now=_morning_utc(eve + dt.timedelta(days=2), 23))
    assert late.day == str(eve + dt.timedelta(days=3))
    assert len(smtp.received) == 2


def test_it_sends_on_the_chosen_weekdays_only(
    network: Any, user: Any, smtp: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = timezone.now().date()
    other = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][(day.weekday() + 1) % 7]
    monkeypatch.setenv("AMITY_DIGEST_DAYS", other)
    assert delivery.send_due(now=_morning_utc(day, 20)) == []
    assert smtp.received == []


def test_opting_out_of_mail_stops_the_digest(network: Any, user: Any, smtp: Inbox) -> None:
    out = io.StringIO()
    call("reminders", "--email", "off", stdout=out)
    assert "mail digest: off" in out.getvalue()
    assert delivery.send_due(now=_morning_utc(timezone.now().date(), 20)) == []
    assert smtp.received == []


# The worker closes connections between tasks, as in production: no test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_scheduled_job_sends_the_digest(network: Any, smtp: Inbox) -> None:
    from amity.core.schedule import enqueue_due, run_pending_tasks

    assert "reminders.send" in enqueue_due()
    run_pending_tasks()
    # Sent now if it is past the digest hour here, else nothing yet: never twice.
    local = timezone.localtime()
    assert len(smtp.received) == (1 if local.hour >= 7 else 0)


def test_it_reads_the_mail_server_from_one_url() -> None:
    from amity.config import parse_email_url

    parsed = parse_email_url("smtp://me%40example.org:s%3Acret@mail.example.org:587?starttls=1")
    assert parsed == {
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "me@example.org",
        "EMAIL_HOST_PASSWORD": "s:cret",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }
    assert parse_email_url("smtps://mail.example.org")["EMAIL_PORT"] == 465
    with pytest.raises(ValueError, match="smtp://"):
        parse_email_url("http://mail.example.org")


def test_the_api_serves_each_user_their_own_digest_and_sends_nothing(
    network: Any, user: Any, other_user: Any, client: Any, smtp: Inbox
) -> None:
    assert client.get("/api/v1/digest").status_code == 401
    client.force_login(user)
    adas = client.get("/api/v1/digest").json()
    assert [item["name"] for item in adas["items"]] == [
        i["name"] for i in cli_json("today")["items"]
    ]
    client.force_login(other_user)
    bobs = client.get("/api/v1/digest?with_review=true").json()
    assert bobs["items"] == [] and bobs["thanks"] == []
    assert "Grace Hopper" not in json.dumps(bobs)
    assert smtp.received == []


def test_each_user_chooses_their_own_hour_and_days(network: Any, user: Any, smtp: Inbox) -> None:
    day = timezone.now().date()
    other = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][(day.weekday() + 1) % 7]
    out = io.StringIO()
    call("reminders", "--hour", "21", "--days", other, stdout=out)
    assert f"digest at: 21:00, {other}" in out.getvalue()
    # Not at 20:10 (before their 21:00), nor at 21:10 (not one of their days)…
    assert delivery.send_due(now=_morning_utc(day, 20)) == []
    assert delivery.send_due(now=_morning_utc(day, 21)) == []
    # …but at 21:10 once today is one of their days.
    call("reminders", "--days", "daily", stdout=io.StringIO())
    assert [s.channel for s in delivery.send_due(now=_morning_utc(day, 21))] == ["email"]
    # "default" follows the server's AMITY_DIGEST_HOUR (7) again.
    assert cli_json("reminders", "--hour", "default")["digest_hour"] == 7
    assert len(smtp.received) == 1


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [
        ("--hour", "25", "hour '25'"),
        ("--days", "someday", "days 'someday'"),
        ("--calendar-kinds", "birthdays,gossip", "unknown gossip"),
        ("--time-zone", "Mars/Olympus", "unknown time zone"),
        ("--time-zone", "x" * 5000, "unknown time zone"),  # zoneinfo: file name too long
    ],
)
def test_a_bad_setting_is_named_and_changes_nothing(
    user: Any, capsys: Any, option: str, value: str, named: str
) -> None:
    from amity.cli import run

    assert run(["reminders", "--email", "off", option, value]) == 1
    assert named in capsys.readouterr().err
    assert preferences.profile_or_default(owner=user).email_digest is True
