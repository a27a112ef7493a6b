"""Recognise what kind of file something is, to name it when it is the wrong one."""

from __future__ import annotations

import csv
import io

from amity.importers.errors import WrongFormat
from amity.importers.source_files import SourceFile, detect_encoding

LABELS = {
    "zip": "a ZIP archive",
    "vcard": "a vCard file",
    "ics": "an iCalendar file",
    "mbox": "an mbox mailbox",
    "google": "a Google Contacts CSV",
    "linkedin-connections": "a LinkedIn Connections.csv",
    "linkedin-messages": "a LinkedIn messages.csv",
    "linkedin-invitations": "a LinkedIn Invitations.csv",
    "linkedin-profile": "a LinkedIn Profile.csv",
    "interactions": "an Amity interactions CSV",
}


def _csv_kind(cells: set[str]) -> str | None:
    if "e-mail 1 - value" in cells or {"given name", "family name"} <= cells:
        return "google"
    if {"first name", "last name"} <= cells and cells & {
        "organization name",
        "file as",
        "labels",
        "phonetic first name",
        "organization 1 - name",
    }:
        return "google"
    if {"first name", "last name"} <= cells and cells & {"connected on", "position"}:
        return "linkedin-connections"
    if "conversation id" in cells and "content" in cells:
        return "linkedin-messages"
    if "inviterprofileurl" in cells or {"sent at", "direction"} <= cells:
        return "linkedin-invitations"
    if {"first name", "last name", "headline"} <= cells:
        return "linkedin-profile"
    if {"person", "occurred_at"} <= cells:
        return "interactions"
    return None


def identify(head: bytes) -> str | None:
    """Return the kind of file these first bytes start (a LABELS key), or None."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    text = head.decode(detect_encoding(head), errors="replace").lstrip("\ufeff")
    first = text.lstrip().split("\n", 1)[0].strip().upper()
    if first.startswith("BEGIN:VCARD"):
        return "vcard"
    if first.startswith("BEGIN:VCALENDAR"):
        return "ics"
    if text.startswith("From "):
        return "mbox"
    # Only whole lines: the sample may end mid-row.
    sample = text.rsplit("\n", 1)[0] if "\n" in text else text
    try:
        for number, row in enumerate(csv.reader(io.StringIO(sample))):
            kind = _csv_kind({cell.strip().lower() for cell in row})
            if kind or number > 30:
                return kind
    except csv.Error:
        return None
    return None


def expect(source: SourceFile, allowed: set[str], wanted: str) -> str | None:
    """Return the kind of `source`; raise WrongFormat when it is a known other kind."""
    kind = identify(source.head())
    if kind is not None and kind not in allowed:
        raise WrongFormat(source.name, LABELS[kind], wanted)
    return kind
