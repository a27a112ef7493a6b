"""Show a long verb's progress (import, restore) as a rich bar on stderr."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import Progress as RichBar

from amity.core.progress import NoProgress, Progress


class RichProgress:
    """Show each phase as a task of a rich progress bar."""

    def __init__(self, bar: RichBar) -> None:
        """Report into `bar`."""
        self.bar = bar
        self.task: Any = None

    def phase(self, name: str, total: int | None) -> None:
        """Finish the current phase's task and start one for `name`."""
        if self.task is not None:
            self.bar.update(self.task, completed=self.bar.tasks[-1].total or 0)
        self.task = self.bar.add_task(name, total=total)

    def advance(self, amount: int = 1) -> None:
        """Move the current task on."""
        if self.task is not None:
            self.bar.advance(self.task, amount)


@contextmanager
def progress_bar(enabled: bool, *, counts: bool = True) -> Iterator[Progress]:
    """Yield a progress reporter: a transient bar on stderr when `enabled`, else nothing.

    `counts` shows "done/total" (rows, people); without it a percentage (bytes read).
    """
    if not enabled:
        yield NoProgress()
        return
    amount: ProgressColumn = MofNCompleteColumn() if counts else TaskProgressColumn()
    with RichBar(
        TextColumn("{task.description}"),
        BarColumn(),
        amount,
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        yield RichProgress(bar)
