"""Create, list and revoke personal API tokens: `amity token create|list|revoke`."""

from __future__ import annotations

import inspect
from typing import Any

from rich.table import Table

from amity.accounts.models import ApiToken
from amity.accounts.services import create_token, revoke_token
from amity.cli.base import ArgumentParser, CliError, Verb


class TokenVerb(Verb):
    """Manage the personal API tokens scripts use (`Authorization: Bearer amity_...`)."""

    help = inspect.cleandoc(
        """Create, list or revoke personal API tokens for the REST API (/api/v1/).

    amity token create [--name NAME]   print a new token once (only its digest is kept)
    amity token list                   list your tokens by prefix
    amity token revoke PREFIX          delete the tokens with this prefix

    --json shapes:
      create: {"token": "amity_...", "prefix": "amity_abcd", "name": "cli"}
      list:   [{"prefix": ..., "name": ..., "created_at": ISO, "last_used_at": ISO|null}]
      revoke: {"prefix": ..., "revoked": N}
    """
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the action, the prefix to revoke and --name."""
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("prefix", nargs="?", help="revoke: the token prefix `list` shows")
        parser.add_argument("--name", default="cli", help="create: a label for the token")

    def handle(self, **options: Any) -> None:
        """Run the chosen action for the acting user."""
        owner = self.owner(options)
        action = options["action"]
        if action == "create":
            self._create(owner, options)
        elif action == "list":
            self._list(owner, options)
        else:
            self._revoke(owner, options)

    def _create(self, owner: Any, options: dict[str, Any]) -> None:
        name = " ".join((options["name"] or "").split())[:100] or "cli"
        token, raw = create_token(owner=owner, name=name)
        data = {"token": raw, "prefix": token.prefix, "name": token.name}

        def render() -> None:
            self.console.print(
                f"Created token [bold]{token.name}[/] ({token.prefix}…) for {owner}. "
                "Copy it now; it is not shown again:"
            )
            # The raw token alone on its line, so `| tail -1` gets it.
            self.stdout.write(raw)

        self.emit(options, data, render)

    def _list(self, owner: Any, options: dict[str, Any]) -> None:
        tokens = list(ApiToken.objects.filter(owner=owner).order_by("-created_at", "-id"))
        data = [
            {
                "prefix": t.prefix,
                "name": t.name,
                "created_at": t.created_at.isoformat(),
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            }
            for t in tokens
        ]

        def render() -> None:
            if not tokens:
                self.console.print("No tokens yet: `amity token create`.")
                return
            table = Table("prefix", "name", "created", "last used")
            for t in tokens:
                used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
                table.add_row(t.prefix, t.name, f"{t.created_at:%Y-%m-%d %H:%M}", used)
            self.console.print(table)

        self.emit(options, data, render)

    def _revoke(self, owner: Any, options: dict[str, Any]) -> None:
        prefix = (options.get("prefix") or "").strip().rstrip("…")
        if not prefix:
            raise CliError("which token? `amity token revoke PREFIX` (see `amity token list`)")
        revoked = revoke_token(owner=owner, prefix=prefix)
        if not revoked:
            raise CliError(f"no token of {owner} has the prefix {prefix!r}")
        self.emit(
            options,
            {"prefix": prefix, "revoked": revoked},
            lambda: self.console.print(f"Revoked {revoked} token(s) with prefix {prefix}."),
        )
