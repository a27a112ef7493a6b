"""Serve /sync: the caller's mail and contacts accounts with their last sync, and Sync now.

The shapes are the ones `amity mail|contacts list --json` prints (amity/sync/schemas.py);
no shape carries a password. A sync asked for here is queued for the background worker.
"""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from amity.api.auth import current_user
from amity.api.schemas import MessageResponse
from amity.sync import services
from amity.sync.schemas import ContactBookPublic, MailAccountPublic
from amity.sync.tasks import sync_account

router = Router(tags=["sync"])


class SyncQueued(Schema):
    """A sync handed to the background worker; the account shows its result when done."""

    kind: str
    account: str
    queued: bool


@router.get("/sync/mail", response=list[MailAccountPublic], summary="List mail accounts")
def list_mail(request: HttpRequest) -> Any:
    """List your IMAP accounts with their last sync, its counts and its error."""
    return list(services.mail_accounts(owner=current_user(request)))


@router.get("/sync/contacts", response=list[ContactBookPublic], summary="List address books")
def list_contacts(request: HttpRequest) -> Any:
    """List your CardDAV address books with their last sync, its counts and its error."""
    return list(services.contact_books(owner=current_user(request)))


@router.post(
    "/sync/{kind}/{name}",
    response={202: SyncQueued, 404: MessageResponse},
    summary="Sync an account now",
)
def sync_now(request: HttpRequest, kind: str, name: str) -> Any:
    """Queue a sync of your account `name` (kind `mail` or `contacts`) for the worker."""
    owner = current_user(request)
    accounts = {
        services.MAIL: services.mail_accounts(owner=owner),
        services.CONTACTS: services.contact_books(owner=owner),
    }
    if kind not in accounts or not accounts[kind].filter(name=name).exists():
        raise Http404(f"no {kind} account named {name!r}")
    sync_account.enqueue(owner.pk, kind, name)
    return Status(202, {"kind": kind, "account": name, "queued": True})
