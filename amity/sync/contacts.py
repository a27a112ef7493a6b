"""Keep a CardDAV address book and the owner's people in step, both ways.

Each sync lists the book's ETags (one PROPFIND), fetches only new and changed cards
(addressbook-multiget), and merges field by field against the fields both sides
agreed on last time (ContactCard.base): a field changed on one side takes that
side's value; a field changed on both takes the newer (the card's REV against the
person's last edit) and the losing value is kept as a note on the person's timeline.
New cards become people through the importer (matched by email, UID, LinkedIn URL);
new people become cards. A card gone from the server, or a person deleted in Amity,
is only counted as a pending deletion until a sync runs with apply_deletes.
"""

from __future__ import annotations

import contextlib
import http.client
import time
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from amity.core.collector import collector_paused
from amity.core.progress import NoProgress
from amity.importers.applying import apply_batch
from amity.importers.models import ExternalKey
from amity.importers.records import ImportBatch, PersonRecord
from amity.people import services, timeline
from amity.people.models import Person
from amity.relationships import cadences
from amity.relationships.models import CadenceOverride
from amity.sync.carddav import CardDavClient, DavAuthError, DavError
from amity.sync.mail import SyncFailed
from amity.sync.models import ContactBook, ContactCard
from amity.sync.sealing import unseal
from amity.sync.vcards import (
    FIELDS,
    Card,
    Fields,
    edited_card,
    empty,
    local_fields,
    new_card,
    same,
)

SOURCE = "carddav"


@dataclass
class ContactsSyncResult:
    """What one address book's sync did."""

    book: str
    pulled: int = 0
    created: int = 0
    linked: int = 0
    updated: int = 0
    pushed: int = 0
    conflicts: int = 0
    pending_deletions: int = 0
    deleted: int = 0
    unreadable: int = 0
    seconds: float = 0.0

    def counts(self) -> dict[str, Any]:
        """Return the counts as JSON-ready data (what the account page shows)."""
        return {k: v for k, v in asdict(self).items() if k not in ("book", "seconds")}


def _client(book: ContactBook, password: str) -> CardDavClient:
    return CardDavClient(book.url, book.username, password)


def check_book(book: ContactBook, password: str) -> None:
    """Make sure the book's URL is an address book the credentials open; else SyncFailed."""
    client = _client(book, password)
    try:
        client.check()
    except DavAuthError as exc:
        raise SyncFailed(f"{book.name}: {exc}") from exc
    except (DavError, OSError, http.client.HTTPException) as exc:
        raise SyncFailed(f"{book.name}: cannot use {book.url}: {exc}") from exc
    finally:
        client.close()


def sync_book(*, book: ContactBook, apply_deletes: bool = False) -> ContactsSyncResult:
    """Sync one address book with the owner's people; raise SyncFailed if it cannot."""
    clock = time.perf_counter()
    result = ContactsSyncResult(book=book.name)
    client = _client(book, unseal(book.sealed_password))
    try:
        with collector_paused():
            _BookSync(book, client, result, apply_deletes).run()
    except DavAuthError as exc:
        raise SyncFailed(f"{book.name}: {exc}") from exc
    except (DavError, OSError, http.client.HTTPException) as exc:
        raise SyncFailed(f"{book.name}: the sync stopped: {exc}; the next one resumes") from exc
    finally:
        client.close()
        result.seconds = time.perf_counter() - clock
    return result


class _BookSync:
    """One sync of one book: pull new and changed cards, push local changes, deletions."""

    def __init__(
        self,
        book: ContactBook,
        client: CardDavClient,
        result: ContactsSyncResult,
        apply_deletes: bool,
    ) -> None:
        self.book, self.client, self.result = book, client, result
        self.apply_deletes = apply_deletes
        self.owner = book.owner
        self.started = timezone.now()

    def run(self) -> None:
        """Do the whole sync; each step writes in its own transaction."""
        listing = self.client.etags()
        cards = {c.href: c for c in ContactCard.objects.filter(owner=self.owner, book=self.book)}
        new = [h for h in listing if h not in cards]
        changed = [h for h in listing if h in cards and cards[h].etag != listing[h]]
        fetched = self.client.fetch(new + changed) if new or changed else {}
        self.result.pulled = len(fetched)
        self._pull_new({h: fetched[h] for h in new if h in fetched})
        for href in changed:
            if href in fetched:
                self._pull_changed(cards[href], *fetched[href])
        self._server_deletions([c for h, c in cards.items() if h not in listing])
        touched = set(changed)
        self._push_changed([c for h, c in cards.items() if h in listing and h not in touched])
        self._push_new()
        self._local_deletions()
        self.result.pending_deletions = ContactCard.objects.filter(
            Q(gone_from_server=True) | Q(person__isnull=True), owner=self.owner, book=self.book
        ).count()

    # --- from the server -------------------------------------------------------------

    def _read(self, href: str, text: str) -> Card | None:
        try:
            card = Card(href, text)
        except ValueError:
            self.result.unreadable += 1
            return None
        if card.record is None:
            self.result.unreadable += 1
            return None
        return card

    def _pull_new(self, fetched: dict[str, tuple[str, str]]) -> None:
        """Turn new cards into people (or link them to the people they match)."""
        cards = [c for h, (_, text) in fetched.items() if (c := self._read(h, text))]
        if not cards:
            return
        keys = {card.href: f"{self.book.pk}:{card.href}"[:300] for card in cards}
        records: list[PersonRecord] = []
        for card in cards:
            assert card.record is not None
            card.record.keys = (keys[card.href],)
            records.append(card.record)
        with transaction.atomic():
            people = apply_batch(
                owner=self.owner,
                batch=ImportBatch(source=SOURCE, people=records),
                progress=NoProgress(),
            ).people
            self.result.created += people.created
            self.result.linked += people.updated + people.unchanged
            found = self._people_of(cards, keys)
            extras = [c for c in cards if {"how_we_met", "cadence"} & set(c.fields)]
            for card in extras:  # Amity's own fields a phone carried back: rare
                person = Person.objects.get(owner=self.owner, pk=found[keys[card.href]])
                self._apply_local(
                    person,
                    {n: card.fields[n] for n in ("how_we_met", "cadence") if n in card.fields},
                )
            local = local_fields(self.owner.pk, found.values())
            rows, pushes = [], []
            for card in cards:
                person_id = found[keys[card.href]]
                merged = local[person_id]
                rows.append(
                    ContactCard(
                        owner=self.owner,
                        book=self.book,
                        href=card.href,
                        etag=fetched[card.href][0],
                        person_id=person_id,
                        base=merged,
                        synced_at=timezone.now(),
                    )
                )
                changes = _differences(merged, card)
                if changes:
                    pushes.append((rows[-1], card.text, changes))
            ContactCard.objects.bulk_create(rows, batch_size=1000)
        self._push_edits(pushes)

    def _people_of(self, cards: list[Card], keys: dict[str, str]) -> dict[str, int]:
        """Return {key: person id} for cards just applied: by their key, or by an Amity uid."""
        found = dict(
            ExternalKey.objects.filter(
                owner=self.owner, source=SOURCE, key__in=list(keys.values())
            ).values_list("key", "person_id")
        )
        # A card whose UID is a person's uid (one Amity wrote) was matched without a key.
        uids: dict[str, str] = {}
        for card in cards:
            if keys[card.href] not in found and card.record is not None:
                with contextlib.suppress(ValueError):
                    uids[str(uuid.UUID(card.record.uid))] = keys[card.href]
        for pk, uid in Person.objects.filter(owner=self.owner, uid__in=list(uids)).values_list(
            "pk", "uid"
        ):
            found[uids[str(uid)]] = pk
        return found

    def _pull_changed(self, row: ContactCard, etag: str, text: str) -> None:
        """Merge a card changed on the server with its person, field by field."""
        card = self._read(row.href, text)
        if card is None or row.person_id is None:
            return  # unreadable, or its person was deleted here: a pending deletion
        with transaction.atomic():
            person = Person.objects.select_for_update().get(owner=self.owner, pk=row.person_id)
            local = local_fields(self.owner.pk, [person.pk])[person.pk]
            remote_newer = card.rev is None or card.rev > person.updated_at
            merged, lost = merge(row.base, local, card, remote_newer=remote_newer)
            here = {n: merged[n] for n in FIELDS if not same(n, merged[n], local[n])}
            if here:
                self._apply_local(person, here)
                self.result.updated += 1
            if lost:
                self.result.conflicts += len(lost)
                timeline.add_note(person=person, body=_conflict_note(self.book.name, lost))
            row.etag, row.base, row.synced_at = etag, merged, timezone.now()
            row.gone_from_server = False
            row.save(update_fields=["etag", "base", "synced_at", "gone_from_server"])
        changes = _differences(merged, card)
        if changes:
            self._push_edits([(row, text, changes)])

    def _apply_local(self, person: Person, changes: Fields) -> None:
        """Write fields that came from the server onto the person."""
        lists = {n: changes.pop(n) for n in ("emails", "phones", "urls", "tags") if n in changes}
        cadence = changes.pop("cadence", None)
        if "full_name" in changes and not changes["full_name"]:
            changes.pop("full_name")
        services.update_person(person=person, source=SOURCE, **lists, **changes)
        if cadence is not None:
            choice = cadences.parse_choice(cadence) if cadence else cadences.DEFAULT
            cadences.apply_choice(owner=self.owner, choice=choice, person=person)

    def _server_deletions(self, gone: list[ContactCard]) -> None:
        """Cards gone from the server: delete their people only when asked to."""
        for row in gone:
            if not self.apply_deletes:
                if not row.gone_from_server:
                    ContactCard.objects.filter(owner=self.owner, pk=row.pk).update(
                        gone_from_server=True
                    )
                continue
            with transaction.atomic():
                if row.person_id is not None:
                    person = Person.objects.filter(pk=row.person_id, owner=self.owner).first()
                    if person is not None:
                        services.delete_person(person=person)
                        self.result.deleted += 1
                row.delete()

    # --- to the server ---------------------------------------------------------------

    def _push_changed(self, rows: list[ContactCard]) -> None:
        """Send people edited here since their last sync (and unchanged there)."""
        since = {r.person_id: r for r in rows if r.person_id is not None and not r.gone_from_server}
        if not since:
            return
        edited: set[int] = set()
        oldest = min(r.synced_at for r in since.values())
        for pk, updated in Person.objects.filter(
            owner=self.owner, pk__in=list(since), updated_at__gt=oldest
        ).values_list("pk", "updated_at"):
            if updated > since[pk].synced_at:
                edited.add(pk)
        for pk, updated in CadenceOverride.objects.filter(
            owner=self.owner, person_id__in=list(since), updated_at__gt=oldest
        ).values_list("person_id", "updated_at"):
            if updated > since[pk].synced_at:
                edited.add(pk)
        local = local_fields(self.owner.pk, edited)
        changed = {
            pk: {
                n: local[pk][n] for n in FIELDS if not same(n, local[pk][n], since[pk].base.get(n))
            }
            for pk in local
        }
        todo = {pk: c for pk, c in changed.items() if c}
        if not todo:
            return
        texts = self.client.fetch(since[pk].href for pk in todo)
        pushes = []
        for pk, changes in todo.items():
            row = since[pk]
            if row.href in texts:
                etag, text = texts[row.href]
                if etag != row.etag:
                    continue  # changed there too: the next sync merges it
                row.base = local[pk]
                pushes.append((row, text, changes))
        self._push_edits(pushes)

    def _push_edits(self, pushes: list[tuple[ContactCard, str, Fields]]) -> None:
        for row, text, changes in pushes:
            try:
                edited = edited_card(text, changes)
            except Exception:  # vobject cannot rewrite this card: leave it as it is
                self.result.unreadable += 1
                continue
            try:
                etag = self.client.put(row.href, edited, row.etag)
            except DavError as exc:
                if "changed on the server" not in str(exc):
                    raise
                continue  # edited there meanwhile: the next sync merges both
            row.etag = etag or ""
            row.synced_at = timezone.now()
            row.save(update_fields=["etag", "base", "synced_at"])
            self.result.pushed += 1

    def _push_new(self) -> None:
        """Create a card for every person this book does not have yet."""
        linked = ContactCard.objects.filter(owner=self.owner, book=self.book, person__isnull=False)
        people = list(
            Person.objects.filter(owner=self.owner)
            .exclude(pk__in=linked.values("person_id"))
            .values_list("pk", "uid")
        )
        for start in range(0, len(people), 500):
            part = people[start : start + 500]
            local = local_fields(self.owner.pk, (pk for pk, _ in part))
            rows = []
            for pk, uid in part:
                href = self.client.href_for(f"{uid}.vcf")
                etag = self.client.put(href, new_card(str(uid), local[pk]), None)
                rows.append(
                    ContactCard(
                        owner=self.owner,
                        book=self.book,
                        href=href,
                        etag=etag or "",
                        person_id=pk,
                        base=local[pk],
                        synced_at=timezone.now(),
                    )
                )
            ContactCard.objects.bulk_create(rows)
            self.result.pushed += len(rows)

    def _local_deletions(self) -> None:
        """People deleted here: delete their cards on the server only when asked to."""
        if not self.apply_deletes:
            return
        for row in ContactCard.objects.filter(
            owner=self.owner, book=self.book, person__isnull=True
        ):
            if not row.gone_from_server:
                self.client.delete(row.href, row.etag)
            row.delete()
            self.result.deleted += 1


def merge(base: Fields, local: Fields, card: Card, *, remote_newer: bool) -> tuple[Fields, list]:
    """Return the merged fields and the values that lost a conflict.

    Each lost value is (field, losing value, kept value, the side that lost).
    """
    merged: Fields = {}
    lost: list[tuple[str, Any, Any, str]] = []
    for name in FIELDS:
        was, here, there = base.get(name, empty(name)), local[name], card.seen(name, base)
        if same(name, here, there) or same(name, there, was):
            merged[name] = here
        elif same(name, here, was):
            merged[name] = there
        elif remote_newer:
            merged[name] = there
            lost.append((name, here, there, "Amity"))
        else:
            merged[name] = here
            lost.append((name, there, here, "the address book"))
    return merged, lost


def _differences(merged: Fields, card: Card) -> Fields:
    """Return the fields the server's card must change to hold `merged`."""
    return {
        name: merged[name]
        for name in FIELDS
        if not same(name, merged[name], card.fields.get(name, empty(name)))
    }


def _conflict_note(book: str, lost: list[tuple[str, Any, Any, str]]) -> str:
    lines = [f"Contacts sync ({book}): edited on both sides; the newer edit was kept."]
    for name, loser, kept, side in lost:
        show = ", ".join(loser) if isinstance(loser, list) else str(loser)
        now = ", ".join(kept) if isinstance(kept, list) else str(kept)
        lines.append(
            f"- {name.replace('_', ' ')}: {show or '(empty)'} in {side}; kept {now or '(empty)'}"
        )
    return "\n".join(lines)
