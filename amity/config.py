"""Declare every AMITY_* setting once, with its default and a line of help.

The registry is plain Python (no Django) so the README test, the `amity settings`
listing and `amity/settings.py` all read the same source of truth.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs


@dataclass(frozen=True)
class Setting:
    """One environment setting: its name, default (as text), help and parser."""

    name: str
    default: str
    help: str
    parse: Callable[[str], Any]

    def value(self) -> Any:
        """Return the parsed value from the environment, or the parsed default."""
        raw = os.environ.get(self.name)
        if raw is None or raw == "":
            raw = self.default
        try:
            return self.parse(raw)
        except ValueError as exc:
            raise ValueError(f"{self.name}={raw!r} is not valid: {exc}") from exc


def parse_bool(raw: str) -> bool:
    """Parse the usual spellings of yes and no."""
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected true/false, yes/no, on/off or 1/0")


def parse_list(raw: str) -> list[str]:
    """Split a comma-separated list, dropping blanks."""
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_positive_int(raw: str) -> int:
    """Parse an integer that must be at least 1."""
    number = int(raw)
    if number < 1:
        raise ValueError("must be at least 1")
    return number


def parse_positive_float(raw: str) -> float:
    """Parse a number that must be greater than 0."""
    number = float(raw)
    if number <= 0:
        raise ValueError("must be greater than 0")
    return number


SETTINGS: dict[str, Setting] = {}


def declare(name: str, default: str, help: str, parse: Callable[[str], Any] = str) -> Setting:
    """Register a setting; each name may be declared only once."""
    if name in SETTINGS:
        raise ValueError(f"setting {name} declared twice")
    setting = Setting(name=name, default=default, help=help, parse=parse)
    SETTINGS[name] = setting
    return setting


HOME = declare(
    "AMITY_HOME",
    platformdirs.user_data_dir("amity", appauthor=False),
    "Data directory: the SQLite database, the generated secret key and uploads live here.",
    lambda raw: Path(raw).expanduser(),
)
DATABASE_URL = declare(
    "AMITY_DATABASE_URL",
    "",
    "Database URL (e.g. postgresql://user@host/db). Empty means SQLite in AMITY_HOME.",
)
SECRET_KEY = declare(
    "AMITY_SECRET_KEY",
    "",
    "Django secret key. Empty means one is generated once and kept in AMITY_HOME/secret_key.",
)
DEBUG = declare("AMITY_DEBUG", "false", "Show Django debug pages. Never in production.", parse_bool)
ALLOWED_HOSTS = declare(
    "AMITY_ALLOWED_HOSTS",
    "localhost,127.0.0.1,[::1]",
    "Comma-separated host names this server answers to.",
    parse_list,
)
CSRF_TRUSTED_ORIGINS = declare(
    "AMITY_CSRF_TRUSTED_ORIGINS",
    "",
    "Comma-separated origins (https://amity.example.org) allowed to POST when behind a proxy.",
    parse_list,
)
SECURE_COOKIES = declare(
    "AMITY_SECURE_COOKIES",
    "false",
    "Send session and CSRF cookies over HTTPS only; turn on when served over TLS.",
    parse_bool,
)
TIME_ZONE = declare("AMITY_TIME_ZONE", "UTC", "Time zone used to show and enter dates.")
HOST = declare("AMITY_HOST", "127.0.0.1", "Address `amity serve` listens on.")
PORT = declare("AMITY_PORT", "8000", "Port `amity serve` listens on.", parse_positive_int)
THREADS = declare("AMITY_THREADS", "4", "Worker threads of the WSGI server.", parse_positive_int)
PAGE_SIZE = declare(
    "AMITY_PAGE_SIZE", "50", "Rows per page in the web people list and the API.", parse_positive_int
)
DEPOSITS_PER_ASK = declare(
    "AMITY_DEPOSITS_PER_ASK",
    "7",
    "Target ratio: deposits you make for every withdrawal (ask) from a person.",
    parse_positive_float,
)


def parse_text_model(raw: str) -> str:
    """Accept auto, model or tfidf for AMITY_TEXT_MODEL."""
    choice = raw.strip().lower()
    if choice not in {"auto", "model", "tfidf"}:
        raise ValueError("expected auto, model or tfidf")
    return choice


TEXT_MODEL = declare(
    "AMITY_TEXT_MODEL",
    "auto",
    "Text matching for share, introductions and reading: auto (the all-MiniLM-L6-v2 model "
    "when installed, else TF-IDF), model, or tfidf (lexical fallback, no synonyms).",
    parse_text_model,
)
MY_FIELD = declare(
    "AMITY_MY_FIELD",
    "",
    "Your own field or industry; dormant ties in other fields rank higher for revival.",
)
DORMANT_AFTER_DAYS = declare(
    "AMITY_DORMANT_AFTER_DAYS",
    "730",
    "Days of silence after which a once-real tie counts as dormant.",
    parse_positive_int,
)


def parse_size(raw: str) -> int:
    """Parse a size in bytes, with an optional K, M or G suffix (powers of 1024)."""
    text = raw.strip().upper().removesuffix("B")
    scale = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(text[-1:], 1)
    number = int(text[:-1] if scale > 1 else text)
    if number < 1:
        raise ValueError("must be at least 1")
    return number * scale


IMPORT_MAX_BYTES = declare(
    "AMITY_IMPORT_MAX_BYTES",
    "512M",
    "Most uncompressed bytes an import reads from one file or ZIP member (K, M, G suffixes).",
    parse_size,
)
IMPORT_MAX_LINE = declare(
    "AMITY_IMPORT_MAX_LINE",
    "1M",
    "Longest line an import accepts, in bytes (K, M, G suffixes).",
    parse_size,
)
IMPORT_MAX_FIELDS = declare(
    "AMITY_IMPORT_MAX_FIELDS",
    "1000",
    "Most fields (columns) in one row of an imported CSV file.",
    parse_positive_int,
)
IMPORT_MAX_ROWS = declare(
    "AMITY_IMPORT_MAX_ROWS",
    "5000000",
    "Most records one imported file may hold (CSV rows, mbox messages, vCard/iCalendar lines).",
    parse_positive_int,
)
MAX_UPLOAD = declare(
    "AMITY_MAX_UPLOAD",
    "200M",
    "Largest request body the server accepts (uploads); bigger ones get 413 before being read.",
    parse_size,
)
LOGIN_FAILURES = declare(
    "AMITY_LOGIN_FAILURES",
    "5",
    "Wrong passwords for one user name before signing in as it is locked for a while.",
    parse_positive_int,
)
LOGIN_LOCKOUT_MINUTES = declare(
    "AMITY_LOGIN_LOCKOUT_MINUTES",
    "15",
    "Minutes a user name stays locked after too many wrong passwords (or `amity user unlock`).",
    parse_positive_int,
)
HTTPS = declare(
    "AMITY_HTTPS",
    "false",
    "Served over HTTPS (usually by a TLS proxy): redirect http to https, send HSTS, "
    "secure cookies, and trust X-Forwarded-Proto from AMITY_TRUSTED_PROXY.",
    parse_bool,
)
TRUSTED_PROXY = declare(
    "AMITY_TRUSTED_PROXY",
    "",
    "Address of the reverse proxy whose X-Forwarded-Proto/-For `amity serve` believes "
    "(e.g. 127.0.0.1); empty: none, such headers are dropped.",
)
SQLITE_BUSY_TIMEOUT = declare(
    "AMITY_SQLITE_BUSY_TIMEOUT",
    "20",
    "Seconds an SQLite write waits for another one to finish before the API answers 503.",
    parse_positive_float,
)
SYNC_INTERVAL = declare(
    "AMITY_SYNC_INTERVAL",
    "15",
    "Minutes between background syncs of mail (IMAP) and contacts (CardDAV) accounts.",
    parse_positive_int,
)
SERVE_WORKER = declare(
    "AMITY_SERVE_WORKER",
    "true",
    "Run the background worker (scheduled syncs) inside `amity serve`; off when you run "
    "`amity worker` separately.",
    parse_bool,
)
BASE_URL = declare(
    "AMITY_BASE_URL",
    "http://127.0.0.1:8000",
    "Address Amity is reached at from your phone or mail client; links in digests, pushes "
    "and the calendar feed start with it.",
    lambda raw: raw.rstrip("/"),
)
CALENDAR_KINDS = declare(
    "AMITY_CALENDAR_KINDS",
    "birthdays,anniversaries,today,introductions,thanks",
    "What the calendar feed includes (comma-separated): birthdays, anniversaries (work and "
    "connection), today (the day's suggested touches), introductions, thanks; for users who "
    "have not chosen (amity reminders --calendar-kinds).",
    parse_list,
)
CALENDAR_CIRCLES = declare(
    "AMITY_CALENDAR_CIRCLES",
    "3",
    "Birthdays and anniversaries in the calendar feed come from circles 1 (inner) to this one.",
    parse_positive_int,
)


def parse_email_url(raw: str) -> dict[str, Any]:
    """Turn smtp://user:password@host:port (smtps:// for TLS, ?starttls=1) into EMAIL_* settings."""
    from urllib.parse import parse_qs, unquote, urlsplit

    if not raw:
        return {}
    url = urlsplit(raw)
    if url.scheme not in {"smtp", "smtps"}:
        raise ValueError("expected smtp://user:password@host:port or smtps://…")
    query = parse_qs(url.query)
    return {
        "EMAIL_HOST": url.hostname or "localhost",
        "EMAIL_PORT": url.port or (465 if url.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(url.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(url.password or ""),
        "EMAIL_USE_SSL": url.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("starttls", ["0"])[0] in {"1", "true", "yes"},
    }


EMAIL_URL = declare(
    "AMITY_EMAIL_URL",
    "",
    "Mail server for digests: smtp://user:password@host:587?starttls=1 or smtps://…:465. "
    "Empty means no mail is sent.",
    parse_email_url,
)
EMAIL_FROM = declare("AMITY_EMAIL_FROM", "amity@localhost", "Sender address of digest mails.")


def parse_weekdays(raw: str) -> list[int]:
    """Parse weekdays (mon,tue,… or daily) into numbers, Monday 0."""
    names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    if raw.strip().lower() == "daily":
        return list(range(7))
    days = [names.index(d[:3].lower()) for d in parse_list(raw) if d[:3].lower() in names]
    if len(days) != len(parse_list(raw)) or not days:
        raise ValueError("expected daily or weekdays such as mon,wed,fri")
    return sorted(set(days))


def parse_hour(raw: str) -> int:
    """Parse an hour of the day, 0 to 23."""
    hour = int(raw)
    if not 0 <= hour <= 23:
        raise ValueError("expected an hour from 0 to 23")
    return hour


DIGEST_HOUR = declare(
    "AMITY_DIGEST_HOUR",
    "7",
    "Hour (in each user's own time zone) the digest and push are sent, for users who have not "
    "chosen their own (amity reminders --hour).",
    parse_hour,
)
DIGEST_DAYS = declare(
    "AMITY_DIGEST_DAYS",
    "daily",
    "Days the digest is sent: daily, or weekdays such as mon or mon,thu (a weekly digest), for "
    "users who have not chosen their own (amity reminders --days).",
    parse_weekdays,
)
REVIEW_DAY = declare(
    "AMITY_REVIEW_DAY",
    "mon",
    "Weekday whose digest carries the weekly review (what moved in the past seven days).",
    lambda raw: parse_weekdays(raw)[0],
)
NOTIFY_URLS = declare(
    "AMITY_NOTIFY_URLS",
    "",
    "Apprise URLs for one push a day (ntfy://…, gotify://…, tgram://…, json://…), "
    "comma-separated. Empty means no push.",
    parse_list,
)
