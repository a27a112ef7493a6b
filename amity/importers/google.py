"""Parse a Google Contacts CSV export, in either header generation.

The older export says `Given Name`, `Family Name`, `E-mail 1 - Type`,
`Organization 1 - Name`; the newer one `First Name`, `Last Name`, `E-mail 1 - Label`,
`Organization Name`. Both number multi-value groups ("E-mail 2 - Value") and pack
several values into one cell separated by " ::: ".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from amity.domain.names import normalize_email, normalize_linkedin_url, normalize_phone
from amity.importers.dates import parse_date
from amity.importers.errors import ImportFailed
from amity.importers.records import (
    Contact,
    ImportBatch,
    ParseOptions,
    PersonRecord,
    name_from_email,
)
from amity.importers.sniffing import expect
from amity.importers.source_files import Columns, SourceFile, check_width, csv_rows, find_header

SOURCE = "google"
WANTED = "a Google Contacts CSV"
SEPARATOR = " ::: "
_GROUP = re.compile(r"^(e-mail|phone|website|address|organization) (\d+) - (.+)$")


def _google_header(cells: set[str]) -> bool:
    return {"given name", "family name"} <= cells or (
        {"first name", "last name"} <= cells and "connected on" not in cells
    )


def _values(cell: str) -> list[str]:
    return [v.strip() for v in cell.split(SEPARATOR.strip()) if v.strip()]


def _label(raw: str) -> str:
    # Google marks its built-in labels with "* " ("* Home", "* myContacts").
    return raw.removeprefix("* ").strip().lower()[:40]


class _Groups:
    """The numbered multi-value column groups of the header, by kind."""

    def __init__(self, header: list[str]) -> None:
        self.groups: dict[str, dict[str, dict[str, int]]] = {}
        for position, name in enumerate(header):
            match = _GROUP.match(name)
            if match:
                kind, number, part = match.groups()
                self.groups.setdefault(kind, {}).setdefault(number, {})[part] = position

    def contacts(self, kind: str, row: list[str]) -> list[Contact]:
        found: list[Contact] = []
        for parts in self.groups.get(kind, {}).values():
            value_at = parts.get("value")
            if value_at is None or value_at >= len(row):
                continue
            label_at = parts.get("label", parts.get("type"))
            label = _label(row[label_at]) if label_at is not None and label_at < len(row) else ""
            found.extend((value, label) for value in _values(row[value_at]))
        return found

    def first(self, kind: str, part: str, row: list[str]) -> str:
        for parts in self.groups.get(kind, {}).values():
            at = parts.get(part)
            if at is not None and at < len(row) and row[at].strip():
                return _values(row[at])[0] if _values(row[at]) else ""
        return ""


def parse_google(source: SourceFile, options: ParseOptions) -> ImportBatch:
    """Return the people of a Google Contacts CSV."""
    # long because: one pass over the CSV maps Google's numbered column groups
    # (E-mail 1, Phone 2…) to a record; the column logic reads best in one place.
    expect(source, {"google"}, WANTED)
    batch = ImportBatch(source=SOURCE)
    rows = csv_rows(source)
    _, header = find_header(source, rows, _google_header, "Google Contacts", limit=1)
    cols = Columns(header)
    groups = _Groups(header)
    get = {
        name: cols.getter(name)
        for name in (
            "name",
            "given name",
            "first name",
            "additional name",
            "middle name",
            "family name",
            "last name",
            "name prefix",
            "name suffix",
            "organization name",
            "organization title",
            "birthday",
            "notes",
            "labels",
            "group membership",
            "location",
        )
    }
    width = len(header)
    for line, row in rows:
        if not check_width(source, line, row, width):
            continue
        emails = [(e, label) for e, label in groups.contacts("e-mail", row) if "@" in e]
        phones = [(p, label) for p, label in groups.contacts("phone", row) if normalize_phone(p)]
        urls = groups.contacts("website", row)
        profiles = [normalize_linkedin_url(u) for u, _ in urls if normalize_linkedin_url(u)]
        urls = [(u, label) for u, label in urls if not normalize_linkedin_url(u)]
        name = _full_name(get, row) or (name_from_email(emails[0][0]) if emails else "")
        if not name:
            batch.skip("contact without a name or email address", origin=source.name, line=line)
            continue
        company = get["organization name"](row) or groups.first("organization", "name", row)
        title = get["organization title"](row) or groups.first("organization", "title", row)
        batch.people.append(
            PersonRecord(
                origin=source.name,
                line=line,
                full_name=name,
                linkedin_url=profiles[0] if profiles else "",
                keys=(_key(name, emails, phones),),
                emails=emails,
                phones=phones,
                urls=urls,
                company=company,
                title=title,
                location=_location(groups, row) or get["location"](row),
                notes=get["notes"](row),
                birthday=_birthday(source, line, get["birthday"](row)),
                tags=_tags(get["labels"](row) or get["group membership"](row)),
            )
        )
    return batch


def _full_name(get: dict[str, Callable[[list[str]], str]], row: list[str]) -> str:
    def cell(name: str) -> str:
        return get[name](row)

    if cell("name"):
        return " ".join(cell("name").split())
    parts = [
        cell("name prefix"),
        cell("given name") or cell("first name"),
        cell("additional name") or cell("middle name"),
        cell("family name") or cell("last name"),
        cell("name suffix"),
    ]
    return " ".join(" ".join(p for p in parts if p).split())


def _key(name: str, emails: list[Contact], phones: list[Contact]) -> str:
    # Google's CSV carries no contact id: the first address is the steadiest key.
    if emails:
        return f"email:{normalize_email(emails[0][0])}"
    if phones:
        return f"phone:{normalize_phone(phones[0][0])}"
    return f"name:{name.casefold()}"[:300]


def _location(groups: _Groups, row: list[str]) -> str:
    parts = [groups.first("address", part, row) for part in ("city", "region", "country")]
    return ", ".join(p for p in parts if p)


def _birthday(source: SourceFile, line: int, raw: str) -> dt.date | None:
    if not raw or raw.startswith("--"):
        return None  # no birthday, or one without a year: Person.birthday needs a year
    try:
        return parse_date(raw)
    except ValueError:
        raise ImportFailed(source.name, line, f"Birthday {raw!r} is not a date") from None


def _tags(cell: str) -> list[str]:
    return [value.strip() for value in _values(cell) if not value.strip().startswith("*")]
