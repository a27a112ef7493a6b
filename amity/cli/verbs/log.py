"""Record an interaction with one or more people: `amity log NAME ... --channel call`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.cli.display import describe_interaction, interaction_public
from amity.domain import vocabulary
from amity.people import services, timeline
from amity.people.models import Person

AT_HELP = "YYYY-MM-DD (noon), an ISO datetime (2026-11-02T14:30), today or yesterday"


def parse_when(raw: str, *, now: dt.datetime | None = None) -> dt.datetime:
    """Return the moment `raw` names; a bare date means noon in the configured time zone."""
    text = raw.strip().lower()
    zone = timezone.get_default_timezone()
    today = timezone.localtime(now or timezone.now()).date()
    day: dt.date | None = {"today": today, "yesterday": today - dt.timedelta(days=1)}.get(text)
    if day is None:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            day = None
    if day is not None:
        return dt.datetime.combine(day, dt.time(12), tzinfo=zone)
    try:
        moment = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise CliError(f"--at: {raw!r} is not a date or time; use {AT_HELP}") from None
    return timezone.make_aware(moment, zone) if timezone.is_naive(moment) else moment


# The option that sets each field a service may refuse.
OPTION_OF_FIELD = {"occurred_at": "--at", "summary": "--note", "content": "--content"}


def option_error(exc: services.ValidationError) -> str:
    """Return a service's refusal naming the option that set the field ("--at: …")."""
    return f"{OPTION_OF_FIELD.get(exc.field, exc.field)}: {exc.message}"


def find_people(owner: Any, names: list[str]) -> list[Person]:
    """Return the people `names` name, each once, or stop listing the candidates."""
    people: list[Person] = []
    for name in names:
        try:
            person = services.find_person(owner=owner, ref=name)
        except LookupError as exc:
            raise CliError(str(exc)) from exc
        if all(p.pk != person.pk for p in people):
            people.append(person)
    return people


def parse_intent(options: dict[str, Any]) -> tuple[str, str]:
    """Return (intent, subtype) from --deposit / --withdrawal / --neutral."""
    for intent in ("deposit", "withdrawal"):
        subtype = options[intent]
        if subtype is None:
            continue
        if not subtype:
            return intent, ""
        try:
            return intent, vocabulary.parse_subtype(subtype, intent=intent)
        except ValueError as exc:
            try:
                belongs = vocabulary.intent_of_subtype(vocabulary.parse_any_subtype(subtype))
            except ValueError:
                raise CliError(f"--{intent}: {exc}") from None
            raise CliError(
                f"--{intent}: {subtype!r} is a {belongs} subtype; use --{belongs} {subtype}"
            ) from None
    return "neutral", ""


class LogVerb(Verb):
    """Log an interaction."""

    help = f"""Record an interaction with one or more people, e.g.
    amity log "Ada Lovelace" --channel call --deposit help --note "Read her draft" --at 2026-11-02

    NAME is #id, an email, a LinkedIn URL or (part of) a name; give several for a group.
    Deposit subtypes: {", ".join(vocabulary.DEPOSIT_SUBTYPES)}.
    Withdrawal subtypes: {", ".join(vocabulary.WITHDRAWAL_SUBTYPES)}.

    --json: the API's InteractionPublic shape (see /api/v1/docs): {{"id", "uid",
    "occurred_at", "channel", "direction", "intent", "subtype", "summary", "content",
    "source", "external_id", "people": [person ids], "created_at"}}
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the people, channel, direction, intent and text options."""
        parser.add_argument("names", nargs="+", metavar="NAME", help="who it was with")
        parser.add_argument(
            "--channel", default="message", help=f"{', '.join(vocabulary.CHANNELS)} (message)"
        )
        parser.add_argument(
            "--direction", default="outbound", help="outbound|inbound|mutual, or out/in (outbound)"
        )
        intent = parser.add_mutually_exclusive_group()
        intent.add_argument(
            "--deposit",
            nargs="?",
            const="",
            metavar="SUBTYPE",
            help="you gave something (help, thanks, intro, ...)",
        )
        intent.add_argument(
            "--withdrawal",
            nargs="?",
            const="",
            metavar="SUBTYPE",
            help="you asked for something (favour, referral, advice, pitch)",
        )
        intent.add_argument("--neutral", action="store_true", help="neither (the default)")
        parser.add_argument("--note", default="", help="a one-line summary")
        parser.add_argument("--content", default="", help="the full text (message body)")
        parser.add_argument("--at", default="", metavar="WHEN", help=f"when: {AT_HELP}; now")

    def handle(self, **options: Any) -> None:
        """Log the interaction and say what was recorded."""
        owner = self.owner(options)
        try:
            channel = vocabulary.parse_channel(options["channel"])
        except ValueError as exc:
            raise CliError(f"--channel: {exc}") from None
        try:
            direction = vocabulary.parse_direction(options["direction"])
        except ValueError as exc:
            raise CliError(f"--direction: {exc}") from None
        intent, subtype = parse_intent(options)
        when = parse_when(options["at"]) if options["at"] else None
        people = find_people(owner, options["names"])
        try:
            interaction = timeline.log_interaction(
                owner=owner,
                people=people,
                occurred_at=when,
                channel=channel,
                direction=direction,
                intent=intent,
                subtype=subtype,
                summary=options["note"],
                content=options["content"],
            )
        except services.ValidationError as exc:
            raise CliError(option_error(exc)) from exc
        self.emit(
            options,
            interaction_public(interaction),
            lambda: self.console.print(f"Logged {describe_interaction(interaction, people)}"),
        )
