"""Connect CardDAV address books and sync them both ways: `amity contacts add|list|remove|sync`."""

from __future__ import annotations

import inspect
from typing import Any

from rich.table import Table

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.cli.sync_accounts import print_outcomes, read_password
from amity.sync import services
from amity.sync.mail import SyncFailed
from amity.sync.schemas import ContactBookPublic, dump


class ContactsVerb(Verb):
    """Add, list, remove and sync CardDAV address books."""

    schema_name = "ContactBookPublic"

    help = inspect.cleandoc(
        """Keep your people and a CardDAV address book (a phone's contacts) in step.
    amity contacts add NAME --url URL --username U --password-stdin
    amity contacts list              books, last sync, counts and errors
    amity contacts remove NAME       forget the book (people and cards stay)
    amity contacts sync [NAME] [--apply-deletes]
                                     two-way sync; deletions on either side are only
                                     counted until you run it with --apply-deletes

    --json: list: [ContactBookPublic]; sync: [SyncOutcomePublic] (amity/sync/schemas.py)
    """
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the action, the book's name and its settings."""
        parser.add_argument("action", choices=["add", "list", "remove", "sync"])
        parser.add_argument("name", nargs="?", help="the address book's name in Amity")
        parser.add_argument("--url", default="", help="the address book's CardDAV URL")
        parser.add_argument("--username", default="", help="login name")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )
        parser.add_argument(
            "--apply-deletes",
            action="store_true",
            help="sync: delete people whose cards were deleted, and cards of deleted people",
        )

    def handle(self, **options: Any) -> None:
        """Run the action for the acting user."""
        owner = self.owner(options)
        action, name = options["action"], options["name"]
        try:
            if action == "add":
                if not name or not options["url"] or not options["username"]:
                    raise CliError(
                        "amity contacts add NAME --url URL --username U --password-stdin"
                    )
                book = services.add_contact_book(
                    owner=owner,
                    name=name,
                    url=options["url"],
                    username=options["username"],
                    password=read_password(options, self.stdin),
                )
                self.emit(
                    options,
                    dump(ContactBookPublic, [book])[0],
                    lambda: self.console.print(f"Added {book.name} ({book.url})."),
                )
            elif action == "remove":
                if not name:
                    raise CliError("which address book? amity contacts remove NAME")
                services.remove_account(owner=owner, kind=services.CONTACTS, name=name)
                self.emit(
                    options, {"removed": name}, lambda: self.console.print(f"Removed {name}.")
                )
            elif action == "sync":
                outcomes = services.sync_contact_books(
                    owner=owner, name=name, apply_deletes=options["apply_deletes"]
                )
                print_outcomes(self, options, outcomes)
            else:
                self._list(owner, options)
        except (services.AccountError, SyncFailed) as exc:
            raise CliError(str(exc)) from exc

    def _list(self, owner: Any, options: dict[str, Any]) -> None:
        books = list(services.contact_books(owner=owner))

        def render() -> None:
            if not books:
                self.console.print("No address books yet: `amity contacts add`.")
                return
            table = Table("name", "url", "username", "last sync", "result")
            for b in books:
                when = f"{b.last_sync_at:%Y-%m-%d %H:%M}" if b.last_sync_at else "never"
                table.add_row(b.name, b.url, b.username, when, services.last_result(b))
            self.console.print(table)

        self.emit(options, dump(ContactBookPublic, books), render)
