"""Find the existing person each record means, in memory, after one bulk preload.

Order of evidence: LinkedIn profile URL, the source's own key (vCard UID, Google
key), an Amity uid in a vCard, an email address, then, for profile records that
name a company, a careful fuzzy match of name and company (rapidfuzz). Mentions by
display name only (the interactions CSV) match one exact name. Records that find
nobody become new people; later records in the same import find those too.

Field policy when a profile record meets an existing person: an empty value never
blanks a field; a field the user typed (provenance "manual", or unknown) is kept; a
field set by the same source is updated (a newer export); a field set by another
source is filled only if blank, except that LinkedIn's job fields win, since
LinkedIn is where people keep their current job. Notes are only ever filled.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from rapidfuzz import fuzz

from amity.importers.models import ExternalKey
from amity.importers.records import Contact, PersonRecord
from amity.people.models import ContactPoint, Person
from amity.people.services import normalize_contact

PROFILE_FIELDS = ("company", "title", "location", "notes", "birthday", "connected_on")
JOB_FIELDS = ("company", "title")
LINKEDIN_LEADS = {"company", "title", "location", "connected_on"}
FIELD_LIMITS = {"full_name": 200, "company": 200, "title": 200, "location": 200}
NAME_SCORE = 90
COMPANY_SCORE = 90
_LEGAL = re.compile(
    r"\b(inc|ltd|llc|llp|plc|gmbh|ag|sa|sas|bv|nv|co|corp|corporation|company|limited|the)\b"
)


def fold(text: str) -> str:
    """Return `text` lower-cased, without accents, punctuation or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


def fold_company(text: str) -> str:
    """Return a company name folded and without legal suffixes ("Acme Ltd." → "acme")."""
    return " ".join(_LEGAL.sub(" ", fold(text)).split())


def names_match(a: str, b: str) -> bool:
    """Say whether two folded names are very likely the same person's name."""
    if fuzz.token_sort_ratio(a, b) >= NAME_SCORE:
        return True
    # "ada lovelace" vs "ada king lovelace": same first and last word, one adds a middle.
    wa, wb = a.split(), b.split()
    return len(wa) > 1 and len(wb) > 1 and wa[0] == wb[0] and wa[-1] == wb[-1]


def companies_match(a: str, b: str) -> bool:
    """Say whether two folded company names are the same company."""
    return bool(a and b) and fuzz.token_set_ratio(a, b) >= COMPANY_SCORE


_NONE: frozenset[Any] = frozenset()


class Ambiguous(LookupError):
    """A display name matches more than one person."""


@dataclass(eq=False, slots=True)
class PersonRow:
    """A person as the import sees them: loaded from the store or about to be created."""

    pk: int | None
    full_name: str
    company: str = ""
    title: str = ""
    location: str = ""
    notes: str = ""
    birthday: dt.date | None = None
    connected_on: dt.date | None = None
    linkedin_url: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)
    # The three sets start as one shared empty frozenset (100,000 rows, most never
    # get any) and become real sets on first use: see add_contact, add_tag, mark.
    contacts: AbstractSet[tuple[str, str]] = _NONE
    tags: AbstractSet[str] = _NONE
    # Fields to write back ("full_name" implies the name parts).
    changed: AbstractSet[str] = _NONE
    # created / updated / unchanged once an import touched the row.
    status: str = ""
    origin: str = ""
    line: int = 0
    # What this import changed on a stored person: field -> (before, after); None
    # until the first change (most rows of a re-import never get one).
    diffs: dict[str, tuple[Any, Any]] | None = None

    def add_contact(self, kind: str, normalized: str) -> None:
        """Remember that the person has this contact point."""
        if not isinstance(self.contacts, set):
            self.contacts = set()
        self.contacts.add((kind, normalized))

    def add_tag(self, name: str) -> None:
        """Remember that the person has this tag."""
        if not isinstance(self.tags, set):
            self.tags = set()
        self.tags.add(name)

    def mark(self, *names: str) -> None:
        """Record fields to write back."""
        if not isinstance(self.changed, set):
            self.changed = set()
        self.changed.update(names)

    def note(self, name: str, before: Any, after: Any) -> None:
        """Record that `name` goes from `before` to `after` (the first before is kept)."""
        if self.pk is None:
            return  # a new person: everything is new, nothing changed
        if self.diffs is None:
            self.diffs = {}
        first = self.diffs.get(name, (before, after))[0]
        if first == after:
            self.diffs.pop(name, None)  # changed back within the same file
        else:
            self.diffs[name] = (first, after)

    def note_added(self, name: str, value: str) -> None:
        """Record that `value` was added to the person's `name` (emails, tags)."""
        if self.pk is None:
            return
        if self.diffs is None:
            self.diffs = {}
        added = self.diffs.get(name, ("", ""))[1]
        self.diffs[name] = ("", f"{added}, {value}" if added else value)

    def touch(self, changed: bool) -> None:
        """Record that this import saw the row, and whether it changed it."""
        if self.status == "created":
            return
        if changed:
            self.status = "updated"
        elif not self.status:
            self.status = "unchanged"


@dataclass(slots=True)
class NewContact:
    """A contact point to add to a person (existing or new) when the batch is written."""

    row: PersonRow
    kind: str
    value: str
    normalized: str
    label: str
    is_primary: bool


class PersonIndex:
    """The owner's people and their keys, loaded once, resolved against in memory."""

    def __init__(self, *, owner_id: int, source: str, today: dt.date) -> None:
        self.owner_id = owner_id
        self.source = source
        self.today = today.isoformat()
        self.rows: list[PersonRow] = []
        self.by_pk: dict[int, PersonRow] = {}
        self.by_linkedin: dict[str, PersonRow] = {}
        self.by_email: dict[str, PersonRow] = {}
        self.by_key: dict[str, PersonRow] = {}
        self.by_uid: dict[str, PersonRow] | None = None
        self.blocks: dict[str, list[PersonRow]] | None = None
        self.by_name: dict[str, list[PersonRow]] | None = None
        self.resolved: dict[int, PersonRow] = {}
        self.new_contacts: list[NewContact] = []
        self.new_keys: list[tuple[PersonRow, str]] = []
        self.new_tags: list[tuple[PersonRow, str]] = []

    def load(self, *, with_tags: bool) -> None:
        """Preload the owner's people, contact points and this source's keys."""
        for values in _people_rows(self.owner_id):
            row = PersonRow(*values)
            self.rows.append(row)
            self.by_pk[row.pk] = row  # type: ignore[index]
            if row.linkedin_url:
                self.by_linkedin[row.linkedin_url] = row
        contacts = ContactPoint.objects.filter(owner_id=self.owner_id).order_by("person_id", "id")
        for person_id, kind, normalized in contacts.values_list(
            "person_id", "kind", "normalized"
        ).iterator(chunk_size=5000):
            row = self.by_pk[person_id]
            row.add_contact(kind, normalized)
            if kind == "email":
                self.by_email.setdefault(normalized, row)
        keys = ExternalKey.objects.filter(owner_id=self.owner_id, source=self.source)
        for person_id, key in keys.values_list("person_id", "key").iterator(chunk_size=5000):
            self.by_key[key] = self.by_pk[person_id]
        if with_tags:
            through = Person.tags.through.objects.filter(person__owner_id=self.owner_id)
            for person_id, name in through.values_list("person_id", "tag__name"):
                self.by_pk[person_id].add_tag(name)

    def _load_uids(self) -> dict[str, PersonRow]:
        if self.by_uid is None:
            self.by_uid = {
                str(uid): self.by_pk[pk]
                for pk, uid in Person.objects.filter(owner_id=self.owner_id).values_list(
                    "pk", "uid"
                )
            }
        return self.by_uid

    @staticmethod
    def _block_key(folded: str) -> str:
        # Family name plus first initial: fuzzy comparisons stay within small blocks.
        words = folded.split()
        return f"{words[-1]} {words[0][0]}" if words else ""

    def _fuzzy(self, record: PersonRecord) -> PersonRow | None:
        if not record.company:
            return None  # a name alone is not enough evidence: see find_duplicates
        if self.blocks is None:
            # Only people stored before this import: two records of one file are two people.
            self.blocks = {}
            for row in self.rows:
                if row.pk is not None:
                    self.blocks.setdefault(self._block_key(fold(row.full_name)), []).append(row)
        if not self.blocks:
            return None
        name = fold(record.full_name)
        block = self.blocks.get(self._block_key(name))
        if not block:
            return None
        company = fold_company(record.company)
        hits = [
            row
            for row in block
            if names_match(name, fold(row.full_name))
            and companies_match(company, fold_company(row.company))
            and not (record.linkedin_url and row.linkedin_url)
        ]
        return hits[0] if len(hits) == 1 else None

    def _exact_name(self, record: PersonRecord) -> PersonRow | None:
        if self.by_name is None:
            self.by_name = {}
            for row in self.rows:
                self.by_name.setdefault(fold(row.full_name), []).append(row)
        hits = self.by_name.get(fold(record.full_name), [])
        if len(hits) > 1:
            listing = ", ".join(f"#{r.pk}" for r in hits[:5] if r.pk)
            raise Ambiguous(f"{record.full_name!r} matches several people ({listing})")
        return hits[0] if hits else None

    def find(self, record: PersonRecord) -> PersonRow | None:
        """Return the known person `record` means, or None."""
        if record.linkedin_url and record.linkedin_url in self.by_linkedin:
            return self.by_linkedin[record.linkedin_url]
        for key in record.keys:
            if key in self.by_key:
                return self.by_key[key]
        if record.uid:
            row = self._load_uids().get(record.uid.lower())
            if row is not None:
                return row
        for value, _ in record.emails:
            row = self.by_email.get(normalize_contact("email", value))
            if row is not None:
                return row
        if record.profile:
            return self._fuzzy(record)
        if record.match_by_name:
            return self._exact_name(record)
        return None

    def resolve(self, record: PersonRecord) -> PersonRow:
        """Return the row for `record`, creating or updating it in memory."""
        cached = self.resolved.get(id(record))
        if cached is not None:
            return cached
        row = self.find(record)
        if row is None:
            row, changed = self._create(record), False
        else:
            changed = self._merge(row, record) if record.profile else False
        changed |= self._add_contacts(row, record)
        # A UID that is an Amity uid (our own vCard export) needs no key of its own.
        if not (record.uid and self._load_uids().get(record.uid.lower()) is row):
            changed |= self._add_keys(row, record)
        changed |= self._add_tags(row, record) if record.profile else False
        changed |= self._set_linkedin(row, record)
        row.touch(changed)
        self.resolved[id(record)] = row
        return row

    def _set_linkedin(self, row: PersonRow, record: PersonRecord) -> bool:
        url = record.linkedin_url
        if not url or row.linkedin_url or url in self.by_linkedin:
            return False
        row.note("linkedin_url", row.linkedin_url, url)
        row.linkedin_url = url
        row.provenance["linkedin_url"] = self.source
        row.mark("linkedin_url", "provenance")
        self.by_linkedin[url] = row
        return True

    def _add_tags(self, row: PersonRow, record: PersonRecord) -> bool:
        added = False
        for tag in record.tags:
            name = " ".join(tag.split())[:80]
            if name and name not in row.tags:
                row.note_added("tags", name)
                row.add_tag(name)
                self.new_tags.append((row, name))
                added = True
        return added

    def _create(self, record: PersonRecord) -> PersonRow:
        row = PersonRow(pk=None, full_name=record.full_name, status="created")
        row.origin, row.line = record.origin, record.line
        row.provenance["full_name"] = self.source
        if record.profile:
            for name in PROFILE_FIELDS:
                value = getattr(record, name)
                if value:
                    setattr(row, name, _clip(name, value))
                    row.provenance[name] = self.source
        self.rows.append(row)
        if self.by_name is not None:
            self.by_name.setdefault(fold(row.full_name), []).append(row)
        return row

    def _may_overwrite(self, row: PersonRow, name: str, current: Any) -> bool:
        if not current:
            return True
        if name == "notes":
            return False
        was = row.provenance.get(name)
        if was == self.source:
            return True
        if was in (None, "manual"):
            return False
        return self.source == "linkedin" and name in LINKEDIN_LEADS

    def _merge(self, row: PersonRow, record: PersonRecord) -> bool:
        changed = False
        full_name = _clip("full_name", record.full_name)
        if (
            full_name
            and full_name != row.full_name
            and self._may_overwrite(row, "full_name", row.full_name)
        ):
            row.note("full_name", row.full_name, full_name)
            row.full_name = full_name
            row.provenance["full_name"] = self.source
            row.mark("full_name", "provenance")
            changed = True
        for name in PROFILE_FIELDS:
            value = _clip(name, getattr(record, name))
            current = getattr(row, name)
            if not value or value == current or not self._may_overwrite(row, name, current):
                continue
            if name in JOB_FIELDS and current:
                # Kept so "recent job change" nudges can say what changed and when.
                row.provenance[f"previous_{name}"] = current
                row.provenance[f"{name}_changed_on"] = self.today
            row.note(name, current, value)
            setattr(row, name, value)
            row.provenance[name] = self.source
            row.mark(name, "provenance")
            changed = True
        return changed

    def _add_contacts(self, row: PersonRow, record: PersonRecord) -> bool:
        added = False
        groups: tuple[tuple[str, list[Contact]], ...] = (
            ("email", record.emails),
            ("phone", record.phones),
            ("url", record.urls),
        )
        for kind, values in groups:
            for raw, label in values:
                value = raw.strip()[:300]
                normalized = normalize_contact(kind, value)[:300]
                if not normalized or (kind == "email" and "@" not in normalized):
                    continue
                if (kind, normalized) in row.contacts:
                    continue
                primary = not any(k == kind for k, _ in row.contacts)
                row.note_added(kind, value)
                row.add_contact(kind, normalized)
                self.new_contacts.append(
                    NewContact(row, kind, value, normalized, label[:40], primary)
                )
                if kind == "email":
                    self.by_email.setdefault(normalized, row)
                added = True
        return added

    def _add_keys(self, row: PersonRow, record: PersonRecord) -> bool:
        added = False
        for key in record.keys:
            key = key[:300]
            if key and key not in self.by_key:
                self.by_key[key] = row
                self.new_keys.append((row, key))
                added = True
        return added


_LOADED = (
    "id",
    "full_name",
    "company",
    "title",
    "location",
    "notes",
    "birthday",
    "connected_on",
    "linkedin_url",
    "provenance",
)


def _as_date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _people_rows(owner_id: int) -> Iterator[tuple[Any, ...]]:
    """Yield the owner's people as PersonRow arguments.

    A plain cursor instead of values_list: the ORM's per-value converters cost more
    than the rest of an unchanged re-import of 100,000 people.
    """
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    meta = Person._meta
    # Dates as text: SQLite's registered converters cost more than fromisoformat.
    columns = ", ".join(
        f"CAST({quote(column)} AS TEXT)" if name in {"birthday", "connected_on"} else quote(column)
        for name in _LOADED
        for column in [meta.get_field(name).column]
    )
    owner_column = quote(meta.get_field("owner").column)
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {owner_column} = %s"
    with db.cursor() as cursor:
        cursor.execute(sql, [owner_id])
        while batch := cursor.fetchmany(5000):
            for pk, name, company, title, location, notes, born, met, url, prov in batch:
                provenance = json.loads(prov) if isinstance(prov, str | bytes) else prov
                yield (
                    pk,
                    name,
                    company,
                    title,
                    location,
                    notes,
                    _as_date(born),
                    _as_date(met),
                    url,
                    provenance if isinstance(provenance, dict) else {},
                )


def _clip(name: str, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        limit = FIELD_LIMITS.get(name)
        return value[:limit] if limit else value
    return value
