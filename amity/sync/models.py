"""Store sync accounts (passwords encrypted), per-folder IMAP state and linked vCards."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from amity.core.owned_rows import OwnedManager
from amity.people.models import Person


class SyncAccount(models.Model):
    """What mail and contacts accounts share: owner, name, sealed password, last sync."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    username = models.CharField(max_length=255)
    # Fernet token (amity.sync.sealing); never shown, never exported.
    sealed_password = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    # "ok" or "error"; empty before the first sync.
    last_status = models.CharField(max_length=10, blank=True)
    last_counts = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(blank=True)
    last_seconds = models.FloatField(default=0.0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class MailAccount(SyncAccount):
    """An IMAP account whose folders are read into interactions."""

    class Security(models.TextChoices):
        SSL = "ssl", "TLS from the start (port 993)"
        STARTTLS = "starttls", "STARTTLS (port 143)"
        PLAIN = "plain", "no encryption (local servers only)"

    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.SSL)
    # Folder names to read; empty means INBOX and the server's Sent folder.
    folders = models.JSONField(default=list, blank=True)
    # The user's own addresses: mail from them is outbound.
    addresses = models.JSONField(default=list, blank=True)

    objects = OwnedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="mail_account_unique_name")
        ]


class MailFolder(models.Model):
    """How far a folder has been read: its UIDVALIDITY and the highest UID stored."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(MailAccount, on_delete=models.CASCADE, related_name="states")
    name = models.CharField(max_length=300)
    uidvalidity = models.BigIntegerField(default=0)
    last_uid = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OwnedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="mail_folder_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.account.name}/{self.name}"


class ContactBook(SyncAccount):
    """A CardDAV address book kept in step with the owner's people."""

    url = models.URLField(max_length=500)

    objects = OwnedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="contact_book_unique_name")
        ]


class ContactCard(models.Model):
    """One vCard on the server and the person it is linked to.

    `base` holds the fields both sides agreed on at the last sync: comparing each
    side with it tells who changed what, so edits merge field by field.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    book = models.ForeignKey(ContactBook, on_delete=models.CASCADE, related_name="cards")
    href = models.CharField(max_length=500)
    etag = models.CharField(max_length=200, blank=True)
    # The person went away in Amity (deleted) when this becomes null with a base.
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    base = models.JSONField(default=dict, blank=True)
    # The server no longer has the card: the person is deleted only with --apply-deletes.
    gone_from_server = models.BooleanField(default=False)
    synced_at = models.DateTimeField(default=timezone.now)

    objects = OwnedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["book", "href"], name="contact_card_unique_href")
        ]
        indexes = [models.Index(fields=["book", "person"], name="contact_card_book_person")]

    def __str__(self) -> str:
        return self.href
