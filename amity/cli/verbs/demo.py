"""Build the deterministic demo network for a user: `amity demo [--seed N] [--force]`."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.utils import timezone

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.network.profiles import text_backend
from amity.people.models import Interaction, Person
from amity.portability.demo import DemoRefused, build_demo


class DemoVerb(Verb):
    """Fill a user's (empty) network with the demo: people, interactions, notes."""

    help = """Build the deterministic demo network (about 340 people, 5 years of interactions).

    The same --seed and --today give the same data. Refuses when the user already has
    people, unless --force, which first deletes that user's people and interactions.

    --json shape:
      {"user": "ada", "seed": 7, "today": "YYYY-MM-DD", "replaced": {"people": N,
       "interactions": N} | null, "people": N, "interactions": N, "notes": N,
       "contact_points": N, "tags": N, "seconds": 1.23}
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare --seed, --today and --force."""
        parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="build as if today were this date, YYYY-MM-DD (default: today)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="delete this user's people and interactions first, then build the demo",
        )
        parser.add_argument(
            "--no-embed",
            action="store_true",
            help="leave embedding the profiles for Share to the background worker",
        )

    def handle(self, **options: Any) -> None:
        """Build the demo for the acting user and report what was created."""
        owner = self.owner(options)
        people = Person.objects.filter(owner=owner).count()
        replaced = None
        if people:
            if not options["force"]:
                raise CliError(
                    f"{owner} already has {people} people; use --force to delete them "
                    "and their interactions, then build the demo"
                )
            interactions = Interaction.objects.filter(owner=owner).count()
            replaced = {"people": people, "interactions": interactions}
            # Say so before deleting; stderr keeps --json output parseable.
            self.stderr.write(
                f"Deleting {people} people and {interactions} interactions of {owner} "
                "before building the demo."
            )
        today: dt.date = options["today"] or timezone.localdate()
        started = time.perf_counter()
        try:
            summary = build_demo(
                owner=owner, seed=options["seed"], today=today, replace=bool(replaced)
            )
        except DemoRefused as exc:
            raise CliError(str(exc)) from exc
        seconds = round(time.perf_counter() - started, 2)
        embedded = self._embed(owner, summary.people) if not options["no_embed"] else None
        data = {
            "user": owner.get_username(),
            "seed": options["seed"],
            "today": today.isoformat(),
            "replaced": replaced,
            "people": summary.people,
            "interactions": summary.interactions,
            "notes": summary.notes,
            "contact_points": summary.contact_points,
            "tags": summary.tags,
            "seconds": seconds,
        }

        def render() -> None:
            self.console.print(
                f"Built the demo network for [bold]{owner}[/] (seed {options['seed']}) "
                f"in {seconds} s: {summary.people} people, {summary.interactions} "
                f"interactions, {summary.notes} notes, {summary.contact_points} contact "
                f"points, {summary.tags} tags."
            )
            if embedded is None and text_backend() == "model":
                self.console.print(
                    f"Share's matching is prepared in the background: `amity serve` (or "
                    f"`amity worker`) embeds the {summary.people} profiles; `amity embed` "
                    "does it now.",
                    markup=False,
                )

        self.emit(options, data, render)

    def _embed(self, owner: Any, people: int) -> int | None:
        """Embed the demo's profiles now, so the first "Who would care?" is quick.

        A few seconds here save the user a "still preparing" Share right after the
        demo; the worker would do the same, but only once `amity serve` runs.
        """
        if text_backend() != "model":
            return None
        from amity.network.tasks import prepare_share

        self.stderr.write(f"Preparing Share: embedding {people} profiles…")
        embedded = int(prepare_share.call(int(owner.pk))["people"])
        self.stderr.write(f"Embedded {embedded} people's profiles: Share answers at once.")
        return embedded
