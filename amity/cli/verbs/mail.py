"""Connect mail accounts over IMAP and sync them: `amity mail add|list|remove|sync`."""

from __future__ import annotations

import inspect
from typing import Any

from rich.table import Table

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.cli.sync_accounts import print_outcomes, read_password
from amity.config import parse_list
from amity.sync import services
from amity.sync.mail import SyncFailed
from amity.sync.schemas import MailAccountPublic, dump


class MailVerb(Verb):
    """Add, list, remove and sync IMAP mail accounts."""

    schema_name = "MailAccountPublic"

    help = inspect.cleandoc(
        """Read mail over IMAP into interactions (headers and the opening text only).
    amity mail add NAME --host H [--port P] --username U --password-stdin
                        [--folders INBOX,Sent] [--address you@example.org]
    amity mail list                 accounts, last sync, counts and errors
    amity mail remove NAME          forget the account (what it brought stays)
    amity mail sync [NAME]          fetch what is new (all accounts without NAME)

    --json: list: [MailAccountPublic]; sync: [SyncOutcomePublic] (amity/sync/schemas.py)
    """
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the action, the account name and the account's settings."""
        parser.add_argument("action", choices=["add", "list", "remove", "sync"])
        parser.add_argument("name", nargs="?", help="the account's name")
        parser.add_argument("--host", default="", help="IMAP server (imap.gmail.com)")
        parser.add_argument("--port", type=int, default=None, help="default 993 (143 plain)")
        parser.add_argument(
            "--security",
            choices=["ssl", "starttls", "plain"],
            default="ssl",
            help="TLS from the start (default), STARTTLS, or none (local servers only)",
        )
        parser.add_argument("--username", default="", help="login name, usually your address")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )
        parser.add_argument(
            "--folders", default="", help="comma-separated folders (default: INBOX and Sent)"
        )
        parser.add_argument(
            "--address",
            action="append",
            default=[],
            help="one of your own addresses (repeatable; the username counts already)",
        )

    def handle(self, **options: Any) -> None:
        """Run the action for the acting user."""
        owner = self.owner(options)
        action, name = options["action"], options["name"]
        try:
            if action == "add":
                self._add(owner, options)
            elif action == "remove":
                if not name:
                    raise CliError("which account? amity mail remove NAME")
                services.remove_account(owner=owner, kind=services.MAIL, name=name)
                self.emit(
                    options, {"removed": name}, lambda: self.console.print(f"Removed {name}.")
                )
            elif action == "sync":
                print_outcomes(self, options, services.sync_mail_accounts(owner=owner, name=name))
            else:
                self._list(owner, options)
        except (services.AccountError, SyncFailed) as exc:
            raise CliError(str(exc)) from exc

    def _add(self, owner: Any, options: dict[str, Any]) -> None:
        if not options["name"] or not options["host"] or not options["username"]:
            raise CliError("amity mail add NAME --host H --username U --password-stdin")
        account = services.add_mail_account(
            owner=owner,
            name=options["name"],
            host=options["host"],
            port=options["port"],
            security=options["security"],
            username=options["username"],
            password=read_password(options, self.stdin),
            folders=parse_list(options["folders"]),
            addresses=options["address"],
        )
        self.emit(
            options,
            dump(MailAccountPublic, [account])[0],
            lambda: self.console.print(
                f"Added {account.name} ({account.username} at {account.host}:{account.port}). "
                "`amity mail sync` reads it now; the worker every AMITY_SYNC_INTERVAL minutes."
            ),
        )

    def _list(self, owner: Any, options: dict[str, Any]) -> None:
        accounts = list(services.mail_accounts(owner=owner))

        def render() -> None:
            if not accounts:
                self.console.print("No mail accounts yet: `amity mail add`.")
                return
            table = Table("name", "server", "username", "last sync", "result")
            for a in accounts:
                when = f"{a.last_sync_at:%Y-%m-%d %H:%M}" if a.last_sync_at else "never"
                table.add_row(
                    a.name, f"{a.host}:{a.port}", a.username, when, services.last_result(a)
                )
            self.console.print(table)

        self.emit(options, dump(MailAccountPublic, accounts), render)
