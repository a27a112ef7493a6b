"""List every AMITY_* setting with its current value, default and help."""

from __future__ import annotations

import os
from typing import Any

from rich.console import Console
from rich.table import Table

from amity import config
from amity.cli.base import Verb

_SECRET = {"AMITY_SECRET_KEY", "AMITY_DATABASE_URL"}


class SettingsVerb(Verb):
    """Show the settings registry (amity/config.py)."""

    acts_as_user = False
    uses_database = False
    help = "List every AMITY_* setting: current value, default and what it does."
    # Like every verb but serve: no system checks, which import every URL module.

    def handle(self, **options: Any) -> None:
        """Print the table (or JSON list of {name, value, default, help, set})."""
        rows = []
        for setting in config.SETTINGS.values():
            value = str(setting.value())
            if setting.name in _SECRET and os.environ.get(setting.name):
                value = "(set)"
            rows.append(
                {
                    "name": setting.name,
                    "value": value,
                    "default": setting.default,
                    "help": setting.help,
                    "set": bool(os.environ.get(setting.name)),
                }
            )
        if options["json"]:
            import json

            self.stdout.write(json.dumps(rows, indent=2))
            return
        table = Table("setting", "value", "help")
        for row in rows:
            table.add_row(row["name"], row["value"], row["help"])
        Console(file=self.stdout, soft_wrap=True).print(table)
