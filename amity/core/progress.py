"""Say how far a long job got: a progress bar on the command line, or nowhere."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Where an import or a restore reports how far it got."""

    def phase(self, name: str, total: int | None) -> None:
        """Start a named phase of `total` steps (None: unknown)."""

    def advance(self, amount: int = 1) -> None:
        """Count `amount` steps of the current phase as done."""


class NoProgress:
    """Report progress nowhere."""

    def phase(self, name: str, total: int | None) -> None:
        """Ignore the phase."""

    def advance(self, amount: int = 1) -> None:
        """Ignore the step."""
