"""Find people by name, company, title, field, location, email, interest: `amity search`."""

from __future__ import annotations

from typing import Any

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.cli.display import people_table, person_public
from amity.people import services
from amity.people.models import Person


def matched_fields(person: Person, words: list[str]) -> list[str]:
    """Return which of the person's fields contain any of the (lower-case) words."""
    contacts = list(person.contact_points.all())
    haystacks = {
        "name": f"{person.full_name} {person.nickname}",
        "company": person.company,
        "title": person.title,
        "field": person.field,
        "location": person.location,
        "email": " ".join(cp.value for cp in contacts if cp.kind == "email"),
        "phone": " ".join(cp.value for cp in contacts if cp.kind == "phone"),
        "url": " ".join(cp.value for cp in contacts if cp.kind == "url"),
        "linkedin": person.linkedin_url.rsplit("/", 1)[-1] if person.linkedin_url else "",
        "interests": " ".join(str(i) for i in person.interests or []),
    }
    return [
        name
        for name, text in haystacks.items()
        if text and any(word in text.lower() for word in words)
    ]


class SearchVerb(Verb):
    """Search the user's people."""

    help = """Find people whose name, company, title, field, location, email, phone,
    LinkedIn slug or interests contain every word of QUERY.

    --json: {"query": "...", "count": N, "people": [PersonPublic + {"matched": [...]}]}
    (PersonPublic is the API's shape, see /api/v1/docs; count is the number of
    matches before --limit).
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the query words and --limit."""
        parser.add_argument("query", nargs="+", metavar="QUERY", help="words to look for")
        parser.add_argument("--limit", type=int, default=20, help="at most this many (20)")

    def handle(self, **options: Any) -> None:
        """Print the people matching every word."""
        owner = self.owner(options)
        if options["limit"] < 1:
            raise CliError("--limit must be at least 1")
        query = " ".join(options["query"]).strip()
        if not query:
            raise CliError("QUERY: give at least one word to look for")
        words = query.lower().split()
        matches = services.people_for(owner=owner, query=query)
        total = matches.count()
        people = list(matches.prefetch_related("contact_points", "tags")[: options["limit"]])
        why = {p.pk: matched_fields(p, words) for p in people}

        def render() -> None:
            if not people:
                self.console.print(f"Nobody matches {query!r}.")
                return
            self.console.print(people_table(people, why=why))
            if total > len(people):
                self.console.print(
                    f"{len(people)} of {total} shown; use --limit to see more", style="dim"
                )

        data = {
            "query": query,
            "count": total,
            "people": [{**person_public(p), "matched": why[p.pk]} for p in people],
        }
        self.emit(options, data, render)
