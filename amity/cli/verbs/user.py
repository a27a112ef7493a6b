"""Create, list and unlock local users, and change passwords: `amity user create|list|…`."""

from __future__ import annotations

import getpass
import inspect
import secrets
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from rich.table import Table

from amity.accounts.throttling import unlock_user
from amity.cli.base import ArgumentParser, CliError, Verb
from amity.importers.staging import PREFIX as STAGING_PREFIX


class UserVerb(Verb):
    """Manage the local users; each sees only their own people."""

    help = inspect.cleandoc(
        """Create or list local users.

    amity user create NAME [--password-stdin] [--superuser] [--email ADDRESS]
        The password comes from the first line of stdin with --password-stdin, else
        from a prompt at a terminal; otherwise one is generated and printed once.
    amity user password NAME [--password-stdin]
        Change NAME's password: asked twice at a terminal, or the first line of stdin
        with --password-stdin (--stdin). Signs NAME's browsers out.
    amity user list
    amity user unlock NAME
        Lift a sign-in lockout after too many wrong passwords (AMITY_LOGIN_FAILURES).

    --json shapes:
      create: {"id": N, "username": ..., "is_superuser": bool, "password": str|null}
              (password only when generated)
      unlock: {"username": ..., "failed_attempts_cleared": N}
      password: {"username": ..., "changed": true}
      list:   [{"id": N, "username": ..., "email": ..., "is_superuser": bool,
                "is_active": bool, "date_joined": ISO, "last_login": ISO|null}]
    """
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the action, the new user's name and the create options."""
        parser.add_argument("action", choices=["create", "list", "unlock", "password"])
        parser.add_argument(
            "name",
            nargs="?",
            help="create: the new user's name; unlock: whose lockout to lift; password: whose",
        )
        parser.add_argument(
            "--password-stdin",
            "--stdin",
            action="store_true",
            help="create, password: read the password from the first line of stdin",
        )
        parser.add_argument(
            "--superuser", action="store_true", help="create: may also use the admin site"
        )
        parser.add_argument("--email", default="", help="create: an email address (optional)")

    def handle(self, **options: Any) -> None:
        """Run the chosen action."""
        if options["action"] == "create":
            self._create(options)
        elif options["action"] == "unlock":
            self._unlock(options)
        elif options["action"] == "password":
            self._change_password(options)
        else:
            self._list(options)

    def _unlock(self, options: dict[str, Any]) -> None:
        username = (options.get("name") or "").strip()
        if not username:
            raise CliError("name the user: `amity user unlock NAME`")
        if not get_user_model().objects.filter(username=username).exists():
            raise CliError(f"no user named {username!r}")
        removed = unlock_user(username=username)
        data = {"username": username, "failed_attempts_cleared": removed}
        self.emit(
            options,
            data,
            lambda: self.console.print(
                f"Unlocked {username} ({removed} failed sign-in record(s) cleared)."
            ),
        )

    def _change_password(self, options: dict[str, Any]) -> None:
        username = (options.get("name") or "").strip()
        if not username:
            raise CliError("name the user: `amity user password NAME`")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CliError(f"no user named {username!r}")
        if not options["password_stdin"] and not self.stdin.isatty():
            raise CliError("not a terminal: give the new password on stdin with --password-stdin")
        password, generated = self._password(options)
        if generated:
            raise CliError("the new password cannot be empty")
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            raise CliError(" ".join(exc.messages)) from exc
        # A new hash also ends the user's signed-in sessions (Django checks it per request).
        user.set_password(password)
        user.save(update_fields=["password"])
        self.emit(
            options,
            {"username": username, "changed": True},
            lambda: self.console.print(f"Changed the password of {username}."),
        )

    def _password(self, options: dict[str, Any]) -> tuple[str, bool]:
        """Return the password and whether it was generated."""
        stdin: TextIO = self.stdin
        if options["password_stdin"]:
            password = stdin.readline().rstrip("\r\n")
            if not password:
                raise CliError("--password-stdin: stdin held no password")
            return password, False
        if stdin.isatty():
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CliError("the passwords differ")
            if password:
                return password, False
        return secrets.token_urlsafe(12), True

    def _create(self, options: dict[str, Any]) -> None:
        username = (options.get("name") or "").strip()
        if not username:
            raise CliError("name the user: `amity user create NAME`")
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CliError(f"a user named {username!r} already exists")
        password, generated = self._password(options)
        candidate = User(username=username, email=options["email"])
        try:
            User._meta.get_field("username").run_validators(username)
            if not generated:
                validate_password(password, user=candidate)
        except ValidationError as exc:
            raise CliError(" ".join(exc.messages)) from exc
        make = User.objects.create_superuser if options["superuser"] else User.objects.create_user
        user = make(username=username, email=options["email"], password=password)
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "is_superuser": user.is_superuser,
            "password": password if generated else None,
        }

        def render() -> None:
            kind = "superuser" if user.is_superuser else "user"
            self.console.print(f"Created {kind} [bold]{username}[/] (#{user.pk}).")
            if generated:
                self.console.print("Generated password (shown once):")
                self.stdout.write(password)

        self.emit(options, data, render)

    def _list(self, options: dict[str, Any]) -> None:
        # An import's hidden staging owner (amity.importers.staging) is nobody to list.
        users = list(
            get_user_model().objects.exclude(username__startswith=STAGING_PREFIX).order_by("id")
        )
        data = [
            {
                "id": u.pk,
                "username": u.get_username(),
                "email": u.email,
                "is_superuser": u.is_superuser,
                "is_active": u.is_active,
                "date_joined": u.date_joined.isoformat(),
                "last_login": u.last_login.isoformat() if u.last_login else None,
            }
            for u in users
        ]

        def render() -> None:
            table = Table("id", "user", "email", "role", "joined")
            for u in users:
                role = "superuser" if u.is_superuser else "user"
                role = role if u.is_active else f"{role} (inactive)"
                joined = f"{u.date_joined:%Y-%m-%d}"
                table.add_row(str(u.pk), u.get_username(), u.email, role, joined)
            self.console.print(table)

        self.emit(options, data, render)
