"""Parse an iCalendar file: meetings with the user become meeting interactions.

Only events that have started by the time of the import count (an interaction is
something that happened; a future meeting is picked up by a later import).
Recurring events are expanded over a bounded window: occurrences from
RECURRENCE_WINDOW before the import up to the import time, at most
MAX_OCCURRENCES per series, daily or less often. Moved or changed occurrences
(RECURRENCE-ID) replace the ones they override; EXDATEs are left out. The event UID
plus the occurrence's original start make re-imports idempotent. Times keep their
TZID (a weekly 09:00 Europe/London meeting stays at 09:00 local across DST);
floating times and all-day events are taken in the default time zone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any

from dateutil.rrule import rruleset, rrulestr
from icalendar import Calendar

from amity.domain.names import is_email, normalize_email
from amity.importers.errors import ImportFailed
from amity.importers.htmltext import html_to_text
from amity.importers.mbox import is_automated_address
from amity.importers.records import (
    ImportBatch,
    InteractionRecord,
    ParseOptions,
    PersonRecord,
    display_name,
    name_from_email,
)
from amity.importers.sniffing import expect
from amity.importers.source_files import SourceFile, text_lines

SOURCE = "ics"
WANTED = "an iCalendar file"
RECURRENCE_WINDOW = dt.timedelta(days=730)
MAX_OCCURRENCES = 1000
_EXPANDED = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
_NOT_PEOPLE = {"ROOM", "RESOURCE", "UNKNOWN"}


def _check_structure(source: SourceFile, lines: list[tuple[int, str]]) -> list[int]:
    """Check BEGIN/END nesting and content lines; return the line of each VEVENT."""
    stack: list[str] = []
    events: list[int] = []
    for number, line in lines:
        if ":" not in line:
            raise ImportFailed(source.name, number, f"not an iCalendar content line: {line[:60]!r}")
        name, value = line.split(":", 1)
        name = name.split(";", 1)[0].upper()
        if name == "BEGIN":
            stack.append(value.strip().upper())
            if stack[-1] == "VEVENT":
                events.append(number)
        elif name == "END":
            if not stack or stack[-1] != value.strip().upper():
                expected = f"END:{stack[-1]}" if stack else "nothing"
                raise ImportFailed(
                    source.name, number, f"END:{value.strip()} where {expected} was expected"
                )
            stack.pop()
    if stack:
        raise ImportFailed(source.name, lines[-1][0], f"BEGIN:{stack[-1]} is never closed")
    return events


def _unfolded(source: SourceFile) -> Iterator[tuple[int, str]]:
    current, start = "", 0
    for number, raw in enumerate(text_lines(source), start=1):
        line = raw.rstrip("\r\n")
        if line[:1] in {" ", "\t"} and current:
            current += line[1:]
            continue
        if current:
            yield start, current
        current, start = line, number
    if current:
        yield start, current


def parse_ics(source: SourceFile, options: ParseOptions) -> ImportBatch:
    """Return the meetings in an iCalendar file between the user and other people."""
    expect(source, {"ics"}, WANTED)
    me = {normalize_email(m) for m in options.me if is_email(m)}
    if not me:
        raise ImportFailed(source.name, None, "pass --me with your email address(es)")
    lines = [(n, line) for n, line in _unfolded(source) if line.strip()]
    if not lines:
        raise ImportFailed(source.name, 1, "the file is empty")
    event_lines = _check_structure(source, lines)
    try:
        calendars = Calendar.from_ical("\r\n".join(line for _, line in lines), multiple=True)
    except Exception as exc:  # icalendar raises several kinds on malformed input
        raise ImportFailed(source.name, None, f"not a valid iCalendar file: {exc}") from exc
    events = [e for calendar in calendars for e in calendar.walk("VEVENT")]
    reader = _Reader(source, options, me)
    overrides: dict[str, dict[dt.datetime, tuple[int, Any]]] = {}
    masters: list[tuple[int, Any]] = []
    for index, event in enumerate(events):
        line = event_lines[index] if index < len(event_lines) else 1
        if event.get("RECURRENCE-ID") is not None:
            recurrence = reader.moment(line, event, "RECURRENCE-ID")
            overrides.setdefault(reader.uid(event), {})[_utc(recurrence)] = (line, event)
        else:
            masters.append((line, event))
    batch = ImportBatch(source=SOURCE)
    for line, event in masters:
        reader.add_series(batch, line, event, overrides.pop(reader.uid(event), {}))
    for moved in overrides.values():  # overrides whose series is not in the file
        for recurrence, (line, event) in moved.items():
            reader.add(batch, line, event, recurrence)
    return batch


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


class _Reader:
    """Turn events into interaction records for one file and one user."""

    def __init__(self, source: SourceFile, options: ParseOptions, me: set[str]) -> None:
        self.source = source
        self.me = me
        self.now = options.now
        self.tz = options.default_tz
        self.mentions: dict[str, PersonRecord] = {}

    def uid(self, event: Any) -> str:
        uid = str(event.get("UID", "")).strip()
        if uid:
            return uid[:400]
        basis = f"{event.get('DTSTART')}|{event.get('SUMMARY')}"
        return "sha1:" + hashlib.sha1(basis.encode("utf-8", "replace")).hexdigest()

    def moment(self, line: int, event: Any, name: str) -> dt.datetime:
        """Return the aware start a date or date-time property names."""
        prop = event.get(name)
        try:
            value = getattr(prop, "dt", None)
        except Exception:  # icalendar raises on broken properties (e.g. DTSTART:garbage)
            value = None
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=self.tz)
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time(), tzinfo=self.tz)
        raise ImportFailed(self.source.name, line, f"{name} {str(prop)[:40]!r} is not a date")

    def add_series(
        self, batch: ImportBatch, line: int, event: Any, moved: dict[dt.datetime, tuple[int, Any]]
    ) -> None:
        start = self.moment(line, event, "DTSTART")
        if event.get("RRULE") is None and event.get("RDATE") is None:
            self.add(batch, line, event, None)
            return
        for occurrence in self._occurrences(batch, line, event, start):
            key = _utc(occurrence)
            if key in moved:
                override_line, override = moved.pop(key)
                self.add(batch, override_line, override, key)
            else:
                self.add(batch, line, event, key, start=occurrence)
        for recurrence, (override_line, override) in moved.items():
            if recurrence >= self.now - RECURRENCE_WINDOW:
                self.add(batch, override_line, override, recurrence)

    def _occurrences(
        self, batch: ImportBatch, line: int, event: Any, start: dt.datetime
    ) -> list[dt.datetime]:
        rules = rruleset()
        rrule = event.get("RRULE")
        if rrule is not None:
            frequency = str((rrule.get("FREQ") or [""])[0]).upper()
            if frequency not in _EXPANDED:
                batch.skip(
                    "recurring event more frequent than daily", origin=self.source.name, line=line
                )
                return []
            parts = {k: v for k, v in rrule.items() if k.upper() != "UNTIL"}
            text = ""
            try:
                text = type(rrule)(parts).to_ical().decode()
                rule = rrulestr(text, dtstart=start)
                # UNTIL is re-attached in DTSTART's zone (dateutil refuses mixed ones) and
                # capped at now, so an endless series stops where the window does.
                until = self._until(rrule.get("UNTIL"), start)
                if rrule.get("COUNT") is None:
                    rule = rule.replace(until=min(until, self.now) if until else self.now)
                rules.rrule(rule)
            except (ValueError, TypeError) as exc:
                raise ImportFailed(self.source.name, line, f"RRULE {text!r}: {exc}") from None
        for name, add in (("RDATE", rules.rdate), ("EXDATE", rules.exdate)):
            for moment in self._dates(event.get(name)):
                add(moment if moment.tzinfo else moment.replace(tzinfo=start.tzinfo))
        floor = self.now - RECURRENCE_WINDOW
        return list(rules.between(floor, self.now, inc=True))[-MAX_OCCURRENCES:]

    def _until(self, values: Any, start: dt.datetime) -> dt.datetime | None:
        value = values[0] if values else None
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=start.tzinfo)
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time.max, tzinfo=start.tzinfo)
        return None

    def _dates(self, prop: Any) -> Iterator[dt.datetime]:
        for item in prop if isinstance(prop, list) else [prop] if prop is not None else []:
            for value in getattr(item, "dts", []):
                try:
                    moment = getattr(value, "dt", None)
                except Exception:  # a broken date in the list: leave it out
                    continue
                if isinstance(moment, dt.datetime):
                    yield moment
                elif isinstance(moment, dt.date):
                    yield dt.datetime.combine(moment, dt.time(), tzinfo=self.tz)

    def _participants(self, event: Any) -> tuple[str, list[tuple[str, str]]]:
        """Return the user's own status ("" if absent) and the other human attendees."""
        attending = declined = False
        others: list[tuple[str, str]] = []
        organizer = event.get("ORGANIZER")
        attendees = event.get("ATTENDEE")
        listed = attendees if isinstance(attendees, list) else [attendees] if attendees else []
        for person in ([organizer] if organizer else []) + listed:
            params = getattr(person, "params", {})
            address = normalize_email(str(person))
            if not is_email(address):
                continue
            partstat = str(params.get("PARTSTAT", "ACCEPTED")).upper()
            if address in self.me:
                declined = declined or partstat == "DECLINED"
                attending = attending or partstat != "DECLINED"
                continue
            kind = str(params.get("CUTYPE", "INDIVIDUAL")).upper()
            if kind in _NOT_PEOPLE or partstat == "DECLINED" or is_automated_address(address):
                continue
            if address.endswith("calendar.google.com"):
                continue  # a shared calendar or resource, not a person
            name = display_name(str(params.get("CN", "")))
            if address not in {a for _, a in others}:
                others.append((name, address))
        if not organizer and not listed:
            return "NONE", others
        return ("DECLINED" if declined else "ACCEPTED" if attending else ""), others

    def add(
        self,
        batch: ImportBatch,
        line: int,
        event: Any,
        recurrence: dt.datetime | None,
        start: dt.datetime | None = None,
    ) -> None:
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            batch.skip("cancelled event", origin=self.source.name, line=line)
            return
        when = start or self.moment(line, event, "DTSTART")
        if when > self.now:
            batch.skip("event in the future", origin=self.source.name, line=line)
            return
        status, others = self._participants(event)
        if status == "NONE":
            batch.skip("event without attendees", origin=self.source.name, line=line)
            return
        if not status:
            batch.skip("event you are not attending", origin=self.source.name, line=line)
            return
        if status == "DECLINED":
            batch.skip("event you declined", origin=self.source.name, line=line)
            return
        if not others:
            batch.skip("event without other attendees", origin=self.source.name, line=line)
            return
        people = [self._mention(line, name, address) for name, address in others]
        uid = self.uid(event)
        external_id = uid if recurrence is None else f"{uid}|{recurrence:%Y%m%dT%H%M%SZ}"
        description = str(event.get("DESCRIPTION", ""))
        batch.interactions.append(
            InteractionRecord(
                origin=self.source.name,
                line=line,
                external_id=external_id,
                occurred_at=when,
                channel="meeting",
                direction="mutual",
                people=people,
                summary=" ".join(str(event.get("SUMMARY", "")).split())[:300],
                content=html_to_text(description).strip(),
            )
        )

    def _mention(self, line: int, name: str, address: str) -> PersonRecord:
        record = self.mentions.get(address)
        if record is None:
            record = PersonRecord(
                origin=self.source.name,
                line=line,
                full_name=name if name and "@" not in name else name_from_email(address),
                profile=False,
                emails=[(address, "")],
            )
            self.mentions[address] = record
        return record
