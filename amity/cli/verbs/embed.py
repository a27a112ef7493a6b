"""Embed changed profiles with the text model: `amity embed`."""

from __future__ import annotations

import time
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.core.bootstrap import refresh_planner_statistics
from amity.domain import embeddings
from amity.network import profiles

ANALYZE_AFTER = 1000
"""Embedding at least this many texts refreshes the query planner's statistics."""


class EmbedVerb(Verb):
    """Embed every profile whose text changed since it was last embedded."""

    help = """Embed the profiles (whole profile, "looking for", "can offer") whose text
    changed since they were last embedded, with a progress bar. Batches are committed
    as they finish, so an interrupted run resumes where it stopped; an unchanged
    profile is never embedded twice. With AMITY_TEXT_MODEL=tfidf there is nothing to
    embed (the lexical fallback computes its vectors on the fly).

    --json: {"text_model", "backend", "model_name", "people", "embedded", "unchanged",
    "removed", "seconds"}
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare --batch."""
        parser.add_argument(
            "--batch", type=int, default=profiles.EMBED_BATCH, help="texts per commit (256)"
        )

    def handle(self, **options: Any) -> None:
        """Embed what changed and report the counts."""
        owner = self.owner(options)
        if options["batch"] < 1:
            raise CliError("--batch must be at least 1")
        kind = profiles.text_backend()
        data: dict[str, Any] = {
            "text_model": embeddings.describe(kind),
            "backend": kind,
            "model_name": None,
            "people": 0,
            "embedded": 0,
            "unchanged": 0,
            "removed": 0,
            "seconds": 0.0,
        }
        if kind != "model":
            self.emit(
                options,
                data,
                lambda: self.console.print(
                    f"Text matching: {data['text_model']}. Nothing to embed."
                ),
            )
            return
        try:
            encoder = embeddings.load_model()
        except embeddings.ModelUnavailableError as exc:
            raise CliError(str(exc)) from exc
        started = time.perf_counter()
        if options.get("json"):
            result = profiles.sync_embeddings(owner=owner, encoder=encoder, batch=options["batch"])
        else:
            self.console.print(f"Text matching: {data['text_model']}")
            result = self._sync_with_bar(owner, encoder, options["batch"])
        if result.embedded >= ANALYZE_AFTER:
            # A big batch of new rows: let the planner know (as after imports).
            refresh_planner_statistics()
        data.update(
            model_name=result.model_name,
            people=result.people,
            embedded=result.embedded,
            unchanged=result.unchanged,
            removed=result.removed,
            seconds=round(time.perf_counter() - started, 2),
        )
        self.emit(
            options,
            data,
            lambda: self.console.print(
                f"Checked {result.people} people: embedded {result.embedded} texts, "
                f"{result.unchanged} unchanged, {result.removed} removed "
                f"in {data['seconds']} s."
            ),
        )

    def _sync_with_bar(self, owner: Any, encoder: Any, batch: int) -> Any:
        """Embed what changed, showing a progress bar of people checked."""
        with Progress(
            TextColumn("Embedding profiles"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[embedded]} embedded"),
            TimeRemainingColumn(),
            console=self.console,
        ) as bar:
            task = bar.add_task("embed", total=None, embedded=0)

            def progress(done: int, total: int, embedded: int) -> None:
                bar.update(task, completed=done, total=total, embedded=embedded)

            return profiles.sync_embeddings(
                owner=owner, encoder=encoder, batch=batch, progress=progress
            )
