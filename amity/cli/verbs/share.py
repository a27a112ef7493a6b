"""Find who would care about an article or note: `amity share TEXT|FILE|-`."""

from __future__ import annotations

from typing import Any

from amity.cli import text_input as cli
from amity.cli.base import ArgumentParser, CliError, Verb
from amity.network import services
from amity.network.serializers import share_json
from amity.people.services import ValidationError


class ShareVerb(Verb):
    """Show the people who would care most about a text, why, and a draft note."""

    help = """Show the people who would care most about TEXT (or a FILE's text, or
    standard input with -): each with the pieces of their profile that matched, quoted,
    and a short draft note ("Saw this and thought of your work on X. No need to reply.").
    Sending is up to you; --log NAME records that you sent it (a shared_content
    deposit), --save keeps it in the reading list so it can resurface in Today.

    Each person is labelled "strong match", "maybe" or "long shot" by how far they
    stand above the rest of your network; when nobody stands out it says so and shows
    the closest few as long shots.

    --json: {"text_model", "backend": "model"|"tfidf", "subject", "pending",
    "stands_out", "matches": [{"person": {"id", "name", "title", "company", "field"},
    "score", "confidence", "reasons": [{"kind", "quote", "score"}], "draft"}],
    "logged": interaction id|null,
    "saved": {"id", "title", "url", "created_at", "archived", "shared_with"}|null}
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the text and the options."""
        parser.add_argument("text", metavar="TEXT|FILE|-", help="the text, a file, or - (stdin)")
        parser.add_argument("--limit", type=int, default=5, help="at most this many people (5)")
        parser.add_argument("--log", metavar="NAME", default="", help="record you sent it to NAME")
        parser.add_argument("--save", action="store_true", help="keep it in the reading list")
        parser.add_argument("--title", default="", help="title for the reading list")

    def handle(self, **options: Any) -> None:
        """Match the text and print the people, reasons and drafts."""
        owner = self.owner(options)
        if options["limit"] < 1:
            raise CliError("--limit must be at least 1")
        text = cli.read_text(options["text"], self.stdin)
        log_person = cli.person(owner, options["log"]) if options["log"] else None
        try:
            result = services.share(
                owner=owner,
                text=text,
                limit=options["limit"],
                log_person=log_person,
                save=options["save"],
                title=options["title"],
            )
        except ValidationError as exc:
            raise CliError(str(exc)) from exc

        def render() -> None:
            self.console.print(f"[dim]Text matching: {result.text_model}[/dim]")
            if result.pending:
                self.console.print(
                    f"[yellow]{result.pending} profiles changed since they were embedded; "
                    "run `amity embed` to include them.[/yellow]"
                )
            if not result.matches:
                self.console.print("Nothing in your people's profiles connects to this.")
            elif not result.stands_out:
                self.console.print("Nobody stands out; the closest few, as long shots:")
            # Blocks rather than a table: the drafts are meant to be copied whole.
            for rank, m in enumerate(result.matches, start=1):
                role = f" · {cli.role(m.person)}" if cli.role(m.person) else ""
                self.console.print(
                    f"\n{rank}. [bold]{m.person.full_name}[/bold] (#{m.person.pk}){role}"
                    f" · {m.confidence}"
                )
                for r in m.reasons:
                    self.console.print(f"   {r.kind.replace('_', ' ')}: “{r.quote}”")
                if not m.reasons:
                    self.console.print("   (the profile as a whole)")
                self.console.print(f"   Draft: {m.draft}")
            if result.reading_item is not None:
                self.console.print(f"Saved to the reading list as #{result.reading_item.pk}.")
            if result.logged is not None and log_person is not None:
                self.console.print(f"Logged a shared_content deposit with {log_person.full_name}.")

        self.emit(options, share_json(result), render)
