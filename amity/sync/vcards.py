"""Turn a vCard and a person into the same flat fields, and write fields back into a vCard.

Both sides of a contacts sync are compared as `Fields`: text, dates as ISO text, and
lists of emails, phones, URLs and tags. Amity's own fields travel as X-AMITY-*
properties (and tags as CATEGORIES); a card without them (a phone that drops unknown
properties) leaves them as they are, so they survive a round trip. Writing back edits
only the properties of fields that changed: a card's photo, structured addresses and
anything else Amity does not manage are kept.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import vobject
from nameparser import HumanName

from amity.importers.vcard import escape_commas, logical_lines, person_from_card
from amity.people.models import ContactPoint, Person
from amity.relationships import cadences
from amity.relationships.models import CadenceOverride

Fields = dict[str, Any]
TEXT_FIELDS = ("full_name", "company", "title", "location", "notes", "birthday")
LIST_FIELDS = ("emails", "phones", "urls", "tags")
AMITY_FIELDS = ("how_we_met", "tags", "cadence")
FIELDS = (*TEXT_FIELDS, "emails", "phones", "urls", "how_we_met", "tags", "cadence")
X_HOW_WE_MET, X_CADENCE = "x-amity-how-we-met", "x-amity-cadence"
_KIND_FIELD = {"email": "emails", "phone": "phones", "url": "urls"}


def empty(name: str) -> Any:
    """Return a field's empty value ("" or [])."""
    return [] if name in LIST_FIELDS else ""


def same(name: str, a: Any, b: Any) -> bool:
    """Say whether two values of a field are equal (lists in any order)."""
    if name in LIST_FIELDS:
        return sorted(a or []) == sorted(b or [])
    return (a or "") == (b or "")


class Card:
    """A vCard read from the server: its fields, UID and revision time."""

    def __init__(self, href: str, text: str) -> None:
        """Parse `text`; raise ValueError when it is no readable vCard."""
        self.href, self.text = href, text
        # Read a copy without photos and with bare commas escaped (as the importer does).
        lines = (escape_commas(line) for _, line in logical_lines(iter(text.splitlines())))
        try:
            card = vobject.readOne("\n".join(lines) + "\n")
        except Exception as exc:  # vobject raises many kinds on malformed input
            raise ValueError(f"{href}: not a readable vCard") from exc
        self.record = person_from_card(origin=href, line=1, card=card)
        self.fields: Fields = {}
        self.rev: dt.datetime | None = _rev(card)
        if self.record is None:
            return
        record = self.record
        self.fields = {
            "full_name": record.full_name,
            "company": record.company,
            "title": record.title,
            "location": record.location,
            "notes": record.notes,
            "birthday": record.birthday.isoformat() if record.birthday else "",
            "emails": [value for value, _ in record.emails],
            "phones": [value for value, _ in record.phones],
            "urls": [value for value, _ in record.urls],
        }
        # Amity's own fields count only when the card carries them.
        if "categories" in card.contents:
            self.fields["tags"] = sorted(set(record.tags))
        for name, prop in (("how_we_met", X_HOW_WE_MET), ("cadence", X_CADENCE)):
            if prop in card.contents:
                self.fields[name] = str(card.contents[prop][0].value).strip()

    def seen(self, name: str, base: Fields) -> Any:
        """Return the card's value of a field; an Amity field it lacks counts as unchanged."""
        if name in self.fields:
            return self.fields[name]
        return base.get(name, empty(name)) if name in AMITY_FIELDS else empty(name)


def _rev(card: Any) -> dt.datetime | None:
    for line in card.contents.get("rev", []):
        raw = str(line.value).strip()
        for pattern in ("%Y%m%dT%H%M%SZ", "%Y-%m-%dT%H:%M:%SZ", "%Y%m%dT%H%M%S%z"):
            try:
                when = dt.datetime.strptime(raw, pattern)
            except ValueError:
                continue
            return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
        try:
            when = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            continue
        return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return None


def local_fields(owner_id: int, person_ids: Iterable[int]) -> dict[int, Fields]:
    """Return the fields of these people, read in a few queries (primary contacts first)."""
    ids = list(person_ids)
    found: dict[int, Fields] = {}
    for start in range(0, len(ids), 1000):
        part = ids[start : start + 1000]
        for row in Person.objects.filter(owner_id=owner_id, pk__in=part).values(
            "pk", *TEXT_FIELDS, "how_we_met"
        ):
            pk, birthday = row.pop("pk"), row["birthday"]
            row["birthday"] = birthday.isoformat() if birthday else ""
            found[pk] = {**row, "emails": [], "phones": [], "urls": [], "tags": [], "cadence": ""}
        contacts = ContactPoint.objects.filter(owner_id=owner_id, person_id__in=part).order_by(
            "person_id", "-is_primary", "id"
        )
        for person_id, kind, value in contacts.values_list("person_id", "kind", "value"):
            found[person_id][_KIND_FIELD[kind]].append(value)
        tags: dict[int, list[str]] = defaultdict(list)
        through = Person.tags.through.objects.filter(person_id__in=part, tag__owner_id=owner_id)
        for person_id, name in through.values_list("person_id", "tag__name"):
            tags[person_id].append(name)
        for person_id, names in tags.items():
            found[person_id]["tags"] = sorted(names)
        overrides = CadenceOverride.objects.filter(owner_id=owner_id, person_id__in=part)
        for person_id, days in overrides.values_list("person_id", "days"):
            found[person_id]["cadence"] = "never" if days is None else cadences.setting_for(days)
    return found


def new_card(uid: str, fields: Fields) -> str:
    """Return a vCard 3.0 holding `fields`, with `uid` (the person's uid) as its UID."""
    card = vobject.vCard()
    card.add("uid").value = uid
    update_card(card, {name: fields.get(name, empty(name)) for name in FIELDS})
    return str(card.serialize())


def edited_card(text: str, changes: Fields) -> str:
    """Return the card `text` with the changed fields rewritten and everything else kept."""
    card = vobject.readOne(text)
    update_card(card, changes)
    return str(card.serialize())


def update_card(card: Any, changes: Fields) -> None:
    """Rewrite the properties of the changed fields and stamp REV with the current time."""
    for name, value in changes.items():
        if name == "full_name":
            _replace(card, "fn", [value])
            parts = HumanName(value)
            _replace(card, "n", [])
            card.add("n").value = vobject.vcard.Name(
                family=parts.last,
                given=parts.first,
                additional=parts.middle,
                prefix=parts.title,
                suffix=parts.suffix,
            )
        elif name == "company":
            _replace(card, "org", [[value]] if value else [])
        elif name == "location":
            _replace(card, "adr", [vobject.vcard.Address(city=value)] if value else [])
        elif name in ("title", "birthday"):
            _replace(card, {"title": "title", "birthday": "bday"}[name], [value] if value else [])
        elif name == "notes":
            _replace(card, "note", [value] if value else [])
        elif name in ("emails", "phones", "urls"):
            _replace(card, {"emails": "email", "phones": "tel", "urls": "url"}[name], list(value))
        elif name == "tags":
            _replace(card, "categories", [list(value)] if value else [])
        elif name == "how_we_met":
            _replace(card, X_HOW_WE_MET, [value] if value else [])
        elif name == "cadence":
            _replace(card, X_CADENCE, [value] if value else [])
    _replace(card, "rev", [dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")])
    if "version" not in card.contents:
        card.add("version").value = "3.0"


def _replace(card: Any, name: str, values: list[Any]) -> None:
    """Replace every `name` property with `values`, keeping the parameters of kept values."""
    old = list(card.contents.get(name, []))
    params = {str(line.value): line.params for line in old if isinstance(line.value, str)}
    for line in old:
        card.remove(line)
    for value in values:
        line = card.add(name)
        line.value = value
        if isinstance(value, str) and value in params:
            line.params = params[value]
