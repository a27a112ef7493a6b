"""Record who recommended whom: `amity referral A B C D`."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from amity.cli import text_input as cli
from amity.cli.base import ArgumentParser, CliError, Verb
from amity.network import services
from amity.network.models import Referral
from amity.network.serializers import referral_json
from amity.people.services import ValidationError

ACTIONS = ("add", "list", "researched", "thank")


class ReferralVerb(Verb):
    """Record referrals and mark them researched or thanked."""

    help = """Follow up on who recommended whom.
    amity referral A B [C ...] [--note TEXT]  A recommended you talk to B, C ... (also: add)
    amity referral list                       referrals and what to do next
    amity referral researched ID              you looked into how to help them first
    amity referral thank ID                   log a thanks deposit to the referrer

    B, C ... then show "recommended by A"; Today suggests researching how to help them
    before asking anything, and thanking A once you have spoken to them. A new
    referral is logged as help received from A (an inbound recommendation deposit),
    so A's ledger shows it and Today asks for a thank-you until you log one.
    --json: [ReferralJSON] with {"id", "referrer": {"id", "name", "title", "company",
    "field"}, "person": {...}, "note", "created_at", "researched_at", "thanked_at"}
    (thank: {"referral": ReferralJSON, "interaction": id})
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the words and --note."""
        parser.add_argument("words", nargs="*", metavar="A B ...|ACTION", help="see above")
        parser.add_argument("--note", default="", help="where or why they recommended them")

    def _referral(self, owner: Any, rest: list[str]) -> Referral:
        if len(rest) != 1 or not rest[0].lstrip("#").isdigit():
            raise CliError("give the referral's ID (see `amity referral list`)")
        found = services.referrals_for(owner=owner).filter(pk=int(rest[0].lstrip("#"))).first()
        if found is None:
            raise CliError(f"no referral #{rest[0].lstrip('#')}")
        return found

    def handle(self, **options: Any) -> None:
        """Run the action."""
        owner = self.owner(options)
        words = list(options["words"]) or ["list"]
        action = words[0] if words[0] in ACTIONS else "add"
        rest = words[1:] if words[0] in ACTIONS else words
        if action == "list":
            found = list(services.referrals_for(owner=owner))
            steps = services.referral_steps(owner=owner)
            self.emit(options, [referral_json(r) for r in found], lambda: self._table(found, steps))
            return
        if action == "researched":
            referral = services.mark_researched(referral=self._referral(owner, rest))
            self.emit(options, [referral_json(referral)], lambda: self._table([referral], []))
            return
        if action == "thank":
            referral = self._referral(owner, rest)
            interaction = services.thank_referrer(referral=referral, note=options["note"])
            data = {"referral": referral_json(referral), "interaction": interaction.pk}
            self.emit(
                options,
                data,
                lambda: self.console.print(
                    f"Logged a thanks deposit to {referral.referrer.full_name}."
                ),
            )
            return
        if len(rest) < 2:
            raise CliError("name who recommended and at least one person: A B [C ...]")
        referrer = cli.person(owner, rest[0])
        people = [cli.person(owner, ref) for ref in rest[1:]]
        try:
            made = services.add_referrals(
                owner=owner, referrer=referrer, people=people, note=options["note"]
            )
        except ValidationError as exc:
            raise CliError(str(exc)) from exc
        self.emit(options, [referral_json(r) for r in made], lambda: self._table(made, []))

    def _table(self, found: list[Referral], steps: list[services.ReferralStep]) -> None:
        if not found:
            self.console.print("No referrals yet.")
            return
        table = Table(show_edge=False, pad_edge=False)
        for column in ("#", "Person", "Recommended by", "Researched", "Thanked"):
            table.add_column(column)
        for r in found:
            table.add_row(
                str(r.pk),
                r.person.full_name,
                r.referrer.full_name,
                f"{r.researched_at:%Y-%m-%d}" if r.researched_at else "",
                f"{r.thanked_at:%Y-%m-%d}" if r.thanked_at else "",
            )
        self.console.print(table)
        for step in steps:
            self.console.print(f"• {step.text}")
