"""Export a user's people as vCard 3.0 or CSV, for address books and spreadsheets.

Both read the same person records as the JSON export (`dump_people`), so they agree
with it on every value. Only the JSON export is lossless and can be restored.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

import vobject
from django.contrib.auth.models import AbstractBaseUser

from amity.portability.people_sections import dump_people

# Multi-valued CSV cells (emails, tags, ...) join their values with this separator,
# which is unlikely to appear inside a value.
CSV_SEPARATOR = " ::: "

# The CSV header, in order. Stable: new columns are only ever appended.
CSV_COLUMNS = (
    "uid",
    "full_name",
    "prefix",
    "given_name",
    "middle_name",
    "family_name",
    "suffix",
    "nickname",
    "company",
    "title",
    "field",
    "location",
    "emails",
    "phones",
    "urls",
    "linkedin_url",
    "tags",
    "interests",
    "birthday",
    "connected_on",
    "how_we_met",
    "looking_for",
    "can_offer",
    "notes",
    "interaction_count",
    "last_interaction_at",
    "created_at",
    "updated_at",
)


def _contacts(record: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [cp for cp in record["contact_points"] if cp["kind"] == kind]


def csv_row(record: dict[str, Any]) -> list[str]:
    """Return the CSV cells of one person record, in CSV_COLUMNS order."""
    multi = {
        "emails": [cp["value"] for cp in _contacts(record, "email")],
        "phones": [cp["value"] for cp in _contacts(record, "phone")],
        "urls": [cp["value"] for cp in _contacts(record, "url")],
        "tags": record["tags"],
        "interests": [str(i) for i in record["interests"]],
    }
    cells = []
    for column in CSV_COLUMNS:
        value = multi[column] if column in multi else record[column]
        if isinstance(value, list):
            value = CSV_SEPARATOR.join(value)
        cells.append("" if value is None else str(value))
    return cells


def export_csv(*, owner: AbstractBaseUser, out: TextIO) -> int:
    """Write one CSV row per person (header CSV_COLUMNS); return the number of people."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for record in dump_people(owner):
        writer.writerow(csv_row(record))
        count += 1
    return count


def _types(label: str, *, primary: bool, base: Iterable[str] = ()) -> list[str]:
    types = [*base, *([label.upper()] if label else [])]
    return [*types, "PREF"] if primary else types


def vcard(record: dict[str, Any]) -> vobject.base.Component:
    """Return the vCard 3.0 of one person record (UID is the person's uid)."""
    card = vobject.vCard()
    card.add("uid").value = record["uid"]
    card.add("fn").value = record["full_name"]
    card.add("n").value = vobject.vcard.Name(
        family=record["family_name"],
        given=record["given_name"],
        additional=record["middle_name"],
        prefix=record["prefix"],
        suffix=record["suffix"],
    )
    if record["nickname"]:
        card.add("nickname").value = record["nickname"]
    for kind, name, base in (
        ("email", "email", ["INTERNET"]),
        ("phone", "tel", []),
        ("url", "url", []),
    ):
        for cp in _contacts(record, kind):
            line = card.add(name)
            line.value = cp["value"]
            types = _types(cp["label"], primary=cp["is_primary"], base=base)
            if types:
                line.type_param = types
    if record["linkedin_url"]:
        profile = card.add("x-socialprofile")
        profile.value = record["linkedin_url"]
        profile.type_param = "linkedin"
    if record["company"]:
        card.add("org").value = [record["company"]]
    if record["title"]:
        card.add("title").value = record["title"]
    if record["location"]:
        # Free text such as "London, UK": the locality is the closest ADR part.
        card.add("adr").value = vobject.vcard.Address(city=record["location"])
    if record["birthday"]:
        card.add("bday").value = record["birthday"]
    if record["tags"]:
        card.add("categories").value = list(record["tags"])
    note = "\n\n".join(
        text
        for text in (
            record["notes"],
            f"How we met: {record['how_we_met']}" if record["how_we_met"] else "",
        )
        if text
    )
    if note:
        card.add("note").value = note
    return card


def export_vcard(*, owner: AbstractBaseUser, out: TextIO) -> int:
    """Write every person as a vCard 3.0; return the number of people."""
    count = 0
    for record in dump_people(owner):
        out.write(vcard(record).serialize())
        count += 1
    return count
