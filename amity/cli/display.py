"""Draw people and interactions for the terminal with rich, the same way in every verb."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from rich.table import Table

from amity.people.models import Interaction, Person

# "Logged a call with …": the article and noun each channel reads best with.
CHANNEL_PHRASES = {
    "email": "an email",
    "call": "a call",
    "meeting": "a meeting",
    "message": "a message",
    "social": "a social media exchange",
    "in_person": "an in-person meeting",
    "letter": "a letter",
}


def local_date(value: dt.datetime | None) -> str:
    """Return YYYY-MM-DD in the configured time zone ("" for None)."""
    return "" if value is None else timezone.localtime(value).date().isoformat()


def join_names(names: Sequence[str]) -> str:
    """Join names as prose: "Ada", "Ada and Bob", "Ada, Bob and Cy"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def intent_label(interaction: Interaction) -> str:
    """Return "deposit: help", "withdrawal", "neutral" and so on."""
    if interaction.subtype:
        return f"{interaction.intent}: {interaction.subtype}"
    return interaction.intent


def describe_interaction(interaction: Interaction, people: Sequence[Person]) -> str:
    """Return "a call with Ada Lovelace (deposit: help) on 2026-11-02"."""
    phrase = CHANNEL_PHRASES.get(interaction.channel, interaction.channel)
    names = join_names([p.full_name for p in people])
    when = local_date(interaction.occurred_at)
    return f"{phrase} with {names} ({intent_label(interaction)}) on {when}"


def people_table(people: Iterable[Person], *, why: dict[int, list[str]] | None = None) -> Table:
    """Return a table of people (prefetch tags); `why` adds a "matched" column."""
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("Name", style="bold")
    table.add_column("Company")
    table.add_column("Title")
    table.add_column("Field")
    table.add_column("Tags")
    table.add_column("Last contact")
    if why is not None:
        table.add_column("Matched")
    for person in people:
        row = [
            str(person.pk),
            person.full_name,
            person.company,
            person.title,
            person.field,
            ", ".join(sorted(t.name for t in person.tags.all())),
            local_date(person.last_interaction_at) or "never",
        ]
        if why is not None:
            row.append(", ".join(why.get(person.pk, [])))
        table.add_row(*row)
    return table


def person_table(person: Person) -> Table:
    """Return a two-column table with everything known about one person."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Name", f"{person.full_name}  (#{person.pk})")
    contacts = sorted(
        person.contact_points.all(), key=lambda cp: (cp.kind, not cp.is_primary, cp.pk)
    )
    rows: list[tuple[str, str]] = [
        ("Nickname", person.nickname),
        ("Company", person.company),
        ("Title", person.title),
        ("Field", person.field),
        ("Location", person.location),
        ("Emails", ", ".join(cp.value for cp in contacts if cp.kind == "email")),
        ("Phones", ", ".join(cp.value for cp in contacts if cp.kind == "phone")),
        ("URLs", ", ".join(cp.value for cp in contacts if cp.kind == "url")),
        ("LinkedIn", person.linkedin_url),
        ("Tags", ", ".join(sorted(t.name for t in person.tags.all()))),
        ("Interests", ", ".join(str(i) for i in person.interests or [])),
        ("Birthday", person.birthday.isoformat() if person.birthday else ""),
        ("Connected on", person.connected_on.isoformat() if person.connected_on else ""),
        ("How we met", person.how_we_met),
        ("Looking for", person.looking_for),
        ("Can offer", person.can_offer),
        ("Notes", person.notes),
    ]
    for name, value in rows:
        if value:
            table.add_row(name, value)
    last = local_date(person.last_interaction_at) or "never"
    table.add_row("Interactions", f"{person.interaction_count} (last: {last})")
    return table


def interactions_table(interactions: Iterable[Interaction]) -> Table:
    """Return a table of interactions, newest first as given (prefetch people)."""
    table = Table(show_edge=False, pad_edge=False)
    # The id is what `amity interaction edit|delete ID` takes.
    table.add_column("#", justify="right", style="dim")
    table.add_column("Date")
    table.add_column("Channel")
    table.add_column("Direction")
    table.add_column("Intent")
    table.add_column("With")
    table.add_column("Summary")
    for interaction in interactions:
        table.add_row(
            str(interaction.pk),
            local_date(interaction.occurred_at),
            interaction.channel,
            interaction.direction,
            intent_label(interaction),
            ", ".join(p.full_name for p in interaction.people.all()),
            interaction.summary,
        )
    return table


def person_public(person: Person) -> dict[str, Any]:
    """Return a person as --json prints them: the API's PersonPublic shape."""
    from amity.api.schemas import PersonPublic

    data: dict[str, Any] = PersonPublic.from_orm(person).model_dump(mode="json")
    return data


def interaction_public(interaction: Interaction) -> dict[str, Any]:
    """Return an interaction as --json prints it: the API's InteractionPublic shape."""
    from amity.api.schemas import InteractionPublic

    data: dict[str, Any] = InteractionPublic.from_orm(interaction).model_dump(mode="json")
    return data
