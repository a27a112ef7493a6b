"""Test the iCalendar importer: attendees, recurrence, overrides and time zones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from amity.importers.errors import ImportFailed, WrongFormat
from amity.people.models import Interaction, Person
from tests.importers.conftest import DATA, ME, NOW, run, snapshot

BERLIN = ZoneInfo("Europe/Berlin")


def test_it_turns_meetings_into_interactions_with_each_other_attendee(user) -> None:
    summary = run(user, "ics", "calendar.ics", me=ME)
    assert summary.interactions.created == 8
    assert summary.skipped == {
        "cancelled event": 1,
        "event in the future": 1,
        "event without attendees": 1,
        "event you declined": 1,
    }
    lunch = Interaction.objects.get(external_id="lunch-tobias@fictional.example")
    assert (lunch.channel, lunch.direction, lunch.source) == ("meeting", "mutual", "ics")
    # 12:30 in New York is 17:30 UTC in January.
    assert lunch.occurred_at == dt.datetime(2026, 1, 20, 17, 30, tzinfo=dt.UTC)
    assert lunch.people.get().full_name == "Tobias Lindqvist"  # "Lindqvist, Tobias" reordered
    offsite = Interaction.objects.get(external_id="offsite@fictional.example")
    # The declined colleague is not part of it; the all-day date starts at midnight.
    assert offsite.people.get().full_name == "Priya Raman"
    assert offsite.occurred_at == dt.datetime(2026, 2, 12, tzinfo=dt.UTC)
    assert not Person.objects.filter(full_name__icontains="room").exists()
    assert not Person.objects.filter(full_name="Kwame Asante").exists()


def test_it_expands_a_weekly_series_in_its_own_time_zone(user) -> None:
    run(user, "ics", "calendar.ics", me=ME)
    weekly = Interaction.objects.filter(external_id__startswith="weekly-mirela@").order_by(
        "occurred_at"
    )
    local = [i.occurred_at.astimezone(BERLIN) for i in weekly]
    # COUNT=6 from 2 March minus the EXDATE of 9 March; 16 March moved to 14:00.
    assert [(t.month, t.day, t.hour) for t in local] == [
        (3, 2, 9),
        (3, 16, 14),
        (3, 23, 9),
        (3, 30, 9),  # after the switch to summer time: still 09:00 in Berlin
        (4, 6, 9),
    ]
    assert local[3].utcoffset() == dt.timedelta(hours=2)
    moved = weekly[1]
    assert moved.summary == "Sam / Mirela weekly (moved to the afternoon)"
    assert moved.external_id == "weekly-mirela@fictional.example|20260316T080000Z"
    assert weekly[0].content == "Standing 1:1 about the Utrecht pilot.\nAgenda in the shared doc."
    assert Person.objects.get(full_name="Mirela Okonkwo-Hart").interaction_count == 5


def test_it_expands_endless_series_only_over_the_window(user, tmp_path: Path) -> None:
    path = tmp_path / "daily.ics"
    path.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:standup@fictional.example\n"
        "DTSTART:20200106T090000Z\nRRULE:FREQ=DAILY\nSUMMARY:Stand-up\n"
        "ORGANIZER:mailto:sam.carter@example.net\nATTENDEE:mailto:lena@fischer.example\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    )
    summary = run(user, "ics", path, me=ME)
    # Two years before NOW, up to NOW, capped at 1,000 occurrences per series.
    first = Interaction.objects.order_by("occurred_at").first()
    assert summary.interactions.created == 730
    assert first.occurred_at >= NOW - dt.timedelta(days=730)
    assert Interaction.objects.order_by("occurred_at").last().occurred_at <= NOW


def test_it_floats_times_without_a_zone_in_the_default_zone(user) -> None:
    run(user, "ics", "calendar.ics", me=ME)
    book_club = Interaction.objects.get(external_id="floating@fictional.example")
    assert book_club.occurred_at == dt.datetime(2026, 2, 20, 18, 30, tzinfo=dt.UTC)


def test_it_changes_nothing_on_the_second_import_and_updates_a_moved_meeting(
    user, tmp_path: Path
) -> None:
    run(user, "ics", "calendar.ics", me=ME)
    before = snapshot()
    again = run(user, "ics", "calendar.ics", me=ME)
    assert again.interactions.as_dict() == {"created": 0, "updated": 0, "unchanged": 8}
    assert {k: v for k, v in snapshot().items() if k != "runs"} == {
        k: v for k, v in before.items() if k != "runs"
    }
    moved = tmp_path / "calendar.ics"
    moved.write_bytes(
        (DATA / "calendar.ics").read_bytes().replace(b"20260120T123000", b"20260121T123000")
    )
    later = run(user, "ics", moved, me=ME)
    assert later.interactions.as_dict() == {"created": 0, "updated": 1, "unchanged": 7}
    lunch = Interaction.objects.get(external_id="lunch-tobias@fictional.example")
    assert lunch.occurred_at.day == 21


def test_it_stops_at_an_unclosed_event_with_the_line(user, tmp_path: Path) -> None:
    path = tmp_path / "broken.ics"
    # Drop the END:VEVENT before the lunch: the weekly override never closes.
    text = (DATA / "calendar.ics").read_bytes()
    old = b"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:lunch"
    path.write_bytes(text.replace(old, b"BEGIN:VEVENT\r\nUID:lunch"))
    with pytest.raises(ImportFailed, match=r"broken\.ics:\d+: END:VCALENDAR where END:VEVENT"):
        run(user, "ics", path, me=ME)
    assert Interaction.objects.count() == 0 and Person.objects.count() == 0


def test_it_stops_at_an_unreadable_start_with_the_events_line(user, tmp_path: Path) -> None:
    path = tmp_path / "bad.ics"
    path.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x@fictional.example\n"
        "DTSTART:tomorrow-ish\nORGANIZER:mailto:sam.carter@example.net\n"
        "ATTENDEE:mailto:lena@fischer.example\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    with pytest.raises(ImportFailed, match=r"bad\.ics:3: DTSTART 'tomorrow-ish' is not a date"):
        run(user, "ics", path, me=ME)


def test_it_names_a_mailbox_given_as_a_calendar(user) -> None:
    with pytest.raises(WrongFormat, match="an mbox mailbox, not an iCalendar file"):
        run(user, "ics", "mail.mbox", me=ME)
