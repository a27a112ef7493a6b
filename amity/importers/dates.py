"""Parse the date spellings export files use, without depending on the locale."""

from __future__ import annotations

import datetime as dt
import functools
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[ -]([A-Za-z]+)\.?[ -](\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.? (\d{1,2}),? (\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")


@functools.lru_cache(maxsize=4096)
def parse_date(text: str) -> dt.date:
    """Return the date in "08 Feb 2026", "Feb 8, 2026", "2026-02-08" or "2/8/26" (US order).

    Raises ValueError for anything else.
    """
    raw = text.strip()
    try:
        return dt.date.fromisoformat(raw[:10]) if len(raw) >= 10 and raw[4] == "-" else _named(raw)
    except (ValueError, IndexError):
        raise ValueError(f"{text!r} is not a date") from None


def _named(raw: str) -> dt.date:
    if match := _DAY_MONTH_YEAR.match(raw):
        day, month, year = match.groups()
        return dt.date(int(year), _MONTHS[month.lower()], int(day))
    if match := _MONTH_DAY_YEAR.match(raw):
        month, day, year = match.groups()
        return dt.date(int(year), _MONTHS[month.lower()], int(day))
    if match := _SLASHED.match(raw):
        month, day, year = (int(part) for part in match.groups())
        return dt.date(year + 2000 if year < 100 else year, month, day)
    raise ValueError(raw)


def parse_datetime(text: str, *, default_tz: dt.tzinfo = dt.UTC) -> dt.datetime:
    """Return an aware datetime for "2025-06-01 14:03:22 UTC", ISO 8601 or "2/8/26, 3:04 PM".

    Times without a zone are taken in `default_tz`; a date alone means midnight.
    Raises ValueError for anything else.
    """
    raw = " ".join(text.split())
    tz: dt.tzinfo | None = None
    if raw.upper().endswith((" UTC", " GMT")):
        raw, tz = raw[:-4], dt.UTC
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        value = _date_and_time(raw, text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz or default_tz)
    return value


def _date_and_time(raw: str, original: str) -> dt.datetime:
    date_part, _, time_part = raw.partition(", ") if ", " in raw else (raw, "", "")
    if _MONTH_DAY_YEAR.match(raw):
        date_part, time_part = raw, ""
    elif not time_part and " " in raw and ":" in raw:
        date_part, _, time_part = raw.rpartition(" ")
        if time_part.upper() in {"AM", "PM"}:
            date_part, _, clock = date_part.rpartition(" ")
            time_part = f"{clock} {time_part}"
    try:
        day = parse_date(date_part)
    except ValueError:
        raise ValueError(f"{original!r} is not a date and time") from None
    if not time_part:
        return dt.datetime.combine(day, dt.time())
    match = _TIME.match(time_part.strip())
    if not match:
        raise ValueError(f"{original!r} is not a date and time")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            raise ValueError(f"{original!r} is not a date and time")
        hour = hour % 12 + (12 if match[4].lower() == "pm" else 0)
    try:
        return dt.datetime.combine(day, dt.time(hour, minute, second))
    except ValueError:
        raise ValueError(f"{original!r} is not a date and time") from None
