"""Read IMAP folders into interactions, incrementally by UIDVALIDITY and UID.

Each message is fetched as its header plus the first TEXT_BYTES of its body (never
attachments) and turned into an interaction by the mbox importer's own function, so
Message-ID is the key both share and an mbox import and a sync never duplicate.
Messages are written in chunks, each in one transaction together with the folder's
new highest UID: a sync cut off half way resumes where the last chunk ended.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import imaplib
import ssl
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from amity.core.collector import collector_paused
from amity.core.progress import NoProgress
from amity.domain.names import is_email, normalize_email
from amity.importers.applying import Counts, apply_batch
from amity.importers.mbox import SOURCE as MBOX_SOURCE
from amity.importers.mbox import message_interaction
from amity.importers.records import ImportBatch, PersonRecord
from amity.sync.models import MailAccount, MailFolder
from amity.sync.sealing import unseal

# Enough for the opening lines of a message; the rest (and any attachment) stays put.
TEXT_BYTES = 4096
FETCH_ITEMS = ["BODY.PEEK[HEADER]", f"BODY.PEEK[TEXT]<0.{TEXT_BYTES}>", "INTERNALDATE"]
FETCH_SIZE = 500
COMMIT_EVERY = 5000
TIMEOUT = 60.0
_SENT_NAMES = ("Sent", "Sent Items", "Sent Messages", "Sent Mail", "[Gmail]/Sent Mail")


class SyncFailed(Exception):
    """A sync could not finish; the message says why in the user's terms."""


@dataclass
class MailSyncResult:
    """What one account's sync did: per-folder fetches and what was written."""

    account: str
    fetched: int = 0
    folders: dict[str, int] = field(default_factory=dict)
    rescanned: list[str] = field(default_factory=list)
    people: Counts = field(default_factory=Counts)
    interactions: Counts = field(default_factory=Counts)
    skipped: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def counts(self) -> dict[str, Any]:
        """Return the counts as JSON-ready data (what the account page shows)."""
        return {
            "fetched": self.fetched,
            "folders": dict(self.folders),
            "rescanned": list(self.rescanned),
            "people": self.people.as_dict(),
            "interactions": self.interactions.as_dict(),
            "skipped": dict(sorted(self.skipped.items())),
        }


def connect(account: MailAccount, password: str) -> IMAPClient:
    """Log in to the account's server, or raise SyncFailed saying what went wrong."""
    where = f"{account.host}:{account.port}"
    try:
        client = IMAPClient(
            account.host,
            port=account.port,
            ssl=account.security == MailAccount.Security.SSL,
            timeout=TIMEOUT,
        )
        if account.security == MailAccount.Security.STARTTLS:
            client.starttls(ssl.create_default_context())
        # Aware datetimes (the server's zone), not naive local time.
        client.normalise_times = False
        client.login(account.username, password)
    except LoginError as exc:
        raise SyncFailed(
            f"{account.name}: {where} refused the username or password "
            "(Gmail and Fastmail need an app password)"
        ) from exc
    except (OSError, IMAPClientError, imaplib.IMAP4.error) as exc:
        raise SyncFailed(f"{account.name}: cannot connect to {where}: {exc}") from exc
    return client


def check_login(account: MailAccount, password: str) -> list[str]:
    """Log in and out once; return the folders a sync would read."""
    client = connect(account, password)
    try:
        return account.folders or default_folders(client)
    finally:
        _logout(client)


def default_folders(client: IMAPClient) -> list[str]:
    """Return INBOX and the server's Sent folder (by its \\Sent flag, else by name)."""
    folders = ["INBOX"]
    names = [name for _, _, name in client.list_folders()]
    sent = client.find_special_folder(b"\\Sent")
    if sent is None:
        sent = next((n for n in _SENT_NAMES if n in names), None)
    if sent and sent not in folders:
        folders.append(sent)
    return folders


def own_addresses(account: MailAccount) -> set[str]:
    """Return the user's addresses: the account's list, its username, the owner's email."""
    candidates = [*account.addresses, account.username, getattr(account.owner, "email", "")]
    return {normalize_email(a) for a in candidates if a and is_email(a)}


def sync_mail(
    *,
    account: MailAccount,
    fetch_size: int = FETCH_SIZE,
    commit_every: int = COMMIT_EVERY,
) -> MailSyncResult:
    """Fetch what is new in the account's folders and store it; raise SyncFailed if cut off."""
    me = own_addresses(account)
    if not me:
        raise SyncFailed(
            f"{account.name}: no address of yours is known; add one with --address you@example.org"
        )
    clock = time.perf_counter()
    result = MailSyncResult(account=account.name)
    client = connect(account, unseal(account.sealed_password))
    reader = _FolderReader(account, client, me, result, fetch_size, commit_every)
    try:
        for folder in account.folders or default_folders(client):
            reader.read(folder)
    except (OSError, IMAPClientError, imaplib.IMAP4.error) as exc:
        raise SyncFailed(
            f"{account.name}: the connection failed after {result.fetched} new message(s) "
            f"({exc or type(exc).__name__}); what was stored is kept and the next sync resumes"
        ) from exc
    finally:
        _logout(client)
        result.seconds = time.perf_counter() - clock
    return result


def _logout(client: IMAPClient) -> None:
    try:
        client.logout()
    except (OSError, IMAPClientError, imaplib.IMAP4.error):
        # The connection is gone already: close our end quietly.
        with contextlib.suppress(OSError, IMAPClientError, imaplib.IMAP4.error):
            client.shutdown()


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _FolderReader:
    """Read folders of one account in UID order, writing every `commit_every` messages."""

    def __init__(
        self,
        account: MailAccount,
        client: IMAPClient,
        me: set[str],
        result: MailSyncResult,
        fetch_size: int,
        commit_every: int,
    ) -> None:
        self.account, self.client, self.me, self.result = account, client, me, result
        self.fetch_size, self.commit_every = fetch_size, commit_every
        # Shared across folders: one person per address, one interaction per Message-ID.
        self.mentions: dict[str, PersonRecord] = {}
        self.seen: set[str] = set()

    def read(self, folder: str) -> None:
        """Store the folder's messages above its last UID (all of them if UIDVALIDITY changed)."""
        selected = self.client.select_folder(folder, readonly=True)
        validity = int(selected[b"UIDVALIDITY"])
        state, _ = MailFolder.objects.get_or_create(
            owner_id=self.account.owner_id, account=self.account, name=folder
        )
        last_uid = state.last_uid
        if state.uidvalidity != validity:
            # The server renumbered the folder: read it all again; Message-IDs
            # already stored are recognised, so nothing is duplicated.
            if state.uidvalidity:
                self.result.rescanned.append(folder)
            last_uid = 0
        # "N:*" always matches the highest UID, even when it is below N.
        uids = sorted(u for u in self.client.search(["UID", f"{last_uid + 1}:*"]) if u > last_uid)
        self.result.folders[folder] = len(uids)
        batch = ImportBatch(source=MBOX_SOURCE)
        pending = 0
        for part in _chunks(uids, self.fetch_size):
            fetched = self.client.fetch(list(part), FETCH_ITEMS)
            for uid in part:
                if uid in fetched:
                    self._add(batch, uid, fetched[uid])
            pending += len(part)
            self.result.fetched += len(part)
            if pending >= self.commit_every:
                self._commit(state, validity, part[-1], batch)
                batch, pending = ImportBatch(source=MBOX_SOURCE), 0
        self._commit(state, validity, uids[-1] if uids else last_uid, batch)

    def _add(self, batch: ImportBatch, uid: int, data: dict[bytes, Any]) -> None:
        header = data.get(b"BODY[HEADER]") or b""
        text = next((v for k, v in data.items() if k.startswith(b"BODY[TEXT]")), b"") or b""
        message = email.message_from_bytes(bytes(header) + bytes(text))
        arrived = data.get(b"INTERNALDATE")
        # The mbox "From " line carries the delivery time: the fallback for a bad Date.
        separator = b"From imap"
        if isinstance(arrived, dt.datetime):
            utc = arrived.astimezone(dt.UTC) if arrived.tzinfo else arrived
            separator += utc.strftime(" %a %b %d %H:%M:%S %Y").encode()
        record = message_interaction(
            origin=f"{self.account.name}:{uid}",
            line=uid,
            separator=separator,
            message=message,
            me=self.me,
            mentions=self.mentions,
            batch=batch,
        )
        if record is None:
            return
        if record.external_id in self.seen:
            batch.skip("duplicate Message-ID")
            return
        self.seen.add(record.external_id)
        batch.interactions.append(record)

    def _commit(self, state: MailFolder, validity: int, last_uid: int, batch: ImportBatch) -> None:
        """Write `batch` and the folder's new position in one transaction."""
        with collector_paused(), transaction.atomic():
            if batch.interactions:
                outcome = apply_batch(owner=self.account.owner, batch=batch, progress=NoProgress())
                _add_counts(self.result.people, outcome.people)
                _add_counts(self.result.interactions, outcome.interactions)
                self.result.skipped.update(outcome.skipped)
            else:
                self.result.skipped.update(batch.skipped)
            state.uidvalidity, state.last_uid = validity, last_uid
            state.updated_at = timezone.now()
            state.save(update_fields=["uidvalidity", "last_uid", "updated_at"])
        # People created by this chunk are found by address in the next one.
        self.mentions.clear()


def _add_counts(total: Counts, more: Counts) -> None:
    total.created += more.created
    total.updated += more.updated
    total.unchanged += more.unchanged
