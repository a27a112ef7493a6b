"""Add, list, remove and sync mail and contacts accounts: the one service behind CLI and web.

Every function takes the owner and filters by it. A sync's outcome (when, counts,
error) is stored on the account, so the account page shows it whoever ran the sync:
the CLI, the web's "Sync now" or the background worker.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from amity.core.bootstrap import refresh_planner_statistics
from amity.sync.contacts import check_book, sync_book
from amity.sync.mail import SyncFailed, check_login, sync_mail
from amity.sync.models import ContactBook, MailAccount, SyncAccount
from amity.sync.sealing import SealBroken, seal

MAIL, CONTACTS = "mail", "contacts"
log = logging.getLogger(__name__)
_BIG_WRITE = 1000


class AccountError(ValueError):
    """An account cannot be added, found or removed as asked."""


@dataclass
class SyncOutcome:
    """How one account's sync went: the shape `amity mail|contacts sync --json` prints."""

    kind: str
    account: str
    ok: bool
    error: str = ""
    counts: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 80:
        raise AccountError("an account needs a name of 1 to 80 characters")
    return cleaned


def mail_accounts(*, owner: AbstractBaseUser) -> QuerySet[MailAccount]:
    """Return the owner's mail accounts by name."""
    return MailAccount.objects.filter(owner=owner).order_by("name")


def contact_books(*, owner: AbstractBaseUser) -> QuerySet[ContactBook]:
    """Return the owner's address books by name."""
    return ContactBook.objects.filter(owner=owner).order_by("name")


def add_mail_account(
    *,
    owner: AbstractBaseUser,
    name: str,
    host: str,
    username: str,
    password: str,
    port: int | None = None,
    security: str = MailAccount.Security.SSL,
    folders: Sequence[str] = (),
    addresses: Sequence[str] = (),
    check: bool = True,
) -> MailAccount:
    """Store a mail account (password sealed) after logging in once; return it.

    Raises AccountError for a bad or taken name and SyncFailed when the server
    refuses the login; in both cases nothing is stored.
    """
    name = _clean_name(name)
    if security not in MailAccount.Security.values:
        raise AccountError(f"security must be one of {', '.join(MailAccount.Security.values)}")
    if not host.strip() or not username.strip() or not password:
        raise AccountError("a mail account needs a host, a username and a password")
    if MailAccount.objects.filter(owner=owner, name=name).exists():
        raise AccountError(f"a mail account named {name!r} exists already")
    account = MailAccount(
        owner=owner,
        name=name,
        host=host.strip(),
        port=port or (993 if security == MailAccount.Security.SSL else 143),
        security=security,
        username=username.strip(),
        sealed_password=seal(password),
        folders=[f.strip() for f in folders if f.strip()],
        addresses=[a.strip() for a in addresses if a.strip()],
    )
    if check:
        check_login(account, password)
    account.save()
    return account


def add_contact_book(
    *,
    owner: AbstractBaseUser,
    name: str,
    url: str,
    username: str,
    password: str,
    check: bool = True,
) -> ContactBook:
    """Store a CardDAV address book (password sealed) after reaching it once; return it."""
    name = _clean_name(name)
    if not url.startswith(("http://", "https://")):
        raise AccountError("the address book URL must start with https:// (or http://)")
    if ContactBook.objects.filter(owner=owner, name=name).exists():
        raise AccountError(f"an address book named {name!r} exists already")
    book = ContactBook(
        owner=owner,
        name=name,
        url=url if url.endswith("/") else url + "/",
        username=username.strip(),
        sealed_password=seal(password),
    )
    if check:
        check_book(book, password)
    book.save()
    return book


def remove_account(*, owner: AbstractBaseUser, kind: str, name: str) -> None:
    """Forget an account and its sync state; the people and interactions it brought stay."""
    model = MailAccount if kind == MAIL else ContactBook
    deleted, _ = model.objects.filter(owner=owner, name=name).delete()
    if not deleted:
        raise AccountError(f"no {kind} account named {name!r}")


def _selected(queryset: QuerySet[Any], kind: str, name: str | None) -> list[Any]:
    if name is None:
        return list(queryset)
    found = list(queryset.filter(name=name))
    if not found:
        raise AccountError(f"no {kind} account named {name!r}")
    return found


def sync_mail_accounts(*, owner: AbstractBaseUser, name: str | None = None) -> list[SyncOutcome]:
    """Sync the owner's mail accounts (or the one named); record and return each outcome."""
    outcomes = [
        _run(account, MAIL, lambda a: sync_mail(account=a).counts())
        for account in _selected(mail_accounts(owner=owner), MAIL, name)
    ]
    _after(outcomes)
    return outcomes


def sync_contact_books(
    *, owner: AbstractBaseUser, name: str | None = None, apply_deletes: bool = False
) -> list[SyncOutcome]:
    """Sync the owner's address books (or the one named); record and return each outcome."""
    outcomes = [
        _run(book, CONTACTS, lambda b: sync_book(book=b, apply_deletes=apply_deletes).counts())
        for book in _selected(contact_books(owner=owner), CONTACTS, name)
    ]
    _after(outcomes)
    return outcomes


def sync_everything() -> list[SyncOutcome]:
    """Sync every account of every user (the scheduled job); errors are recorded, not raised."""
    outcomes: list[SyncOutcome] = []
    for owner in get_user_model().objects.order_by("pk"):
        outcomes += sync_mail_accounts(owner=owner)
        outcomes += sync_contact_books(owner=owner)
    return outcomes


def _run(account: SyncAccount, kind: str, work: Any) -> SyncOutcome:
    """Run `work(account)`, then store when it ran, its counts or its error on the account."""
    clock = time.perf_counter()
    outcome = SyncOutcome(kind=kind, account=account.name, ok=True)
    try:
        outcome.counts = work(account)
    except (SyncFailed, SealBroken) as exc:
        outcome.ok, outcome.error = False, str(exc)
    except IntegrityError:
        outcome.ok = False
        outcome.error = f"{account.name}: another sync of this account ran at the same time"
    except Exception as exc:  # one broken account must not stop the others' syncs
        log.exception("sync of %s failed", account.name)
        outcome.ok, outcome.error = False, f"{account.name}: unexpected error: {exc!r}"[:500]
    outcome.seconds = round(time.perf_counter() - clock, 3)
    with transaction.atomic():
        type(account).objects.filter(owner_id=account.owner_id, pk=account.pk).update(
            last_sync_at=timezone.now(),
            last_status="ok" if outcome.ok else "error",
            last_counts=outcome.counts,
            last_error=outcome.error,
            last_seconds=outcome.seconds,
        )
    return outcome


def _after(outcomes: list[SyncOutcome]) -> None:
    written = sum(
        o.counts.get("interactions", {}).get("created", 0)
        + o.counts.get("people", {}).get("created", 0)
        for o in outcomes
    )
    if written >= _BIG_WRITE:
        # A big first sync changes what the best query plans are (see bootstrap).
        refresh_planner_statistics()


def summary(counts: dict[str, Any]) -> str:
    """Return a one-line account of a sync's counts."""
    parts = []
    if "fetched" in counts:
        parts.append(f"{counts['fetched']} new message(s)")
    for name in ("interactions", "people"):
        created = counts.get(name, {}).get("created", 0)
        if created or name == "interactions":
            parts.append(f"{created} {name} created")
    for name in ("pulled", "pushed", "merged", "conflicts", "pending_deletions", "deleted"):
        if counts.get(name):
            parts.append(f"{counts[name]} {name.replace('_', ' ')}")
    if counts.get("rescanned"):
        parts.append(f"rescanned {', '.join(counts['rescanned'])} (UIDVALIDITY changed)")
    return ", ".join(parts) or "nothing to do"


def last_result(account: SyncAccount) -> str:
    """Return how the account's last sync went, in one line: its error or its counts."""
    if not account.last_status:
        return "not synced yet"
    if account.last_status == "error":
        return account.last_error
    return summary(account.last_counts)
