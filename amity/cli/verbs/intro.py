"""Walk an introduction through double opt-in: `amity intro propose|advance|decline ...`."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from amity.cli import text_input as cli
from amity.cli.base import ArgumentParser, CliError, Verb
from amity.network import optin
from amity.network.models import Introduction
from amity.network.serializers import introduction_json
from amity.people.services import ValidationError

DRAFT_OPTIONS = {
    "ask_a": "ask_a_draft",
    "ask_b": "ask_b_draft",
    "intro": "intro_draft",
    "follow_up": "follow_up_draft",
}


class IntroVerb(Verb):
    """Propose, advance, decline, dismiss, edit, show and list introductions."""

    help = """The double-opt-in introduction workflow:
    amity intro propose A B [--reason TEXT]   start (A is asked first); drafts are written
    amity intro advance ID [--draft TEXT]     take the next step and log it: ask A, then
                                              (after A's yes) ask B, then (after B's yes)
                                              introduce (a deposit with both), follow up
    amity intro yes ID --by a|b [--note TEXT] A or B said yes (logged); the next step opens
    amity intro no ID --by a|b [--note TEXT]  A or B said no (logged); never asked again
    amity intro decline ID --by a|b|me        A or B said no (logged), or you changed your mind
    amity intro dismiss A B                   never suggest this pair
    amity intro draft ID --ask-a|--ask-b|--intro|--follow-up TEXT   edit a draft
    amity intro show ID                       the introduction and its drafts
    amity intro list [--all]                  introductions under way (--all: finished too)

    A, B are #id, an email, a LinkedIn URL or (part of) a name.
    --json: IntroductionJSON (list: [IntroductionJSON]) with {"id", "state", "state_label",
    "next_action" (ask A | answer A | ask B | answer B | introduce | follow up | null),
    "next_step", "a": {"id", "name", "title", "company", "field"}, "b": {...}, "reason",
    "drafts": {"ask_a", "ask_b", "intro", "follow_up"}, "proposed_at", "asked_a_at",
    "agreed_a_at", "asked_b_at", "agreed_b_at", "introduced_at", "followed_up_at", "declined_at"}
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the action, its arguments and options."""
        parser.add_argument(
            "action",
            choices=[
                "propose",
                "advance",
                "yes",
                "no",
                "decline",
                "dismiss",
                "draft",
                "show",
                "list",
            ],
        )
        parser.add_argument(
            "rest", nargs="*", metavar="ARG", help="people (propose, dismiss) or an ID"
        )
        parser.add_argument("--reason", default="", help="why they should meet (propose)")
        parser.add_argument("--draft", default=None, help="the text you sent (advance)")
        parser.add_argument(
            "--by", choices=["a", "b", "me"], help="who answered (yes, no) or declined (decline)"
        )
        parser.add_argument("--note", default="", help="what they said (yes, no, decline)")
        parser.add_argument("--all", action="store_true", help="list finished ones too")
        for name in DRAFT_OPTIONS:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, default=None)

    def _intro(self, owner: Any, args: list[str]) -> Introduction:
        if len(args) != 1 or not args[0].lstrip("#").isdigit():
            raise CliError("give the introduction's ID (see `amity intro list`)")
        found = optin.introductions_for(owner=owner).filter(pk=int(args[0].lstrip("#"))).first()
        if found is None:
            raise CliError(f"no introduction #{args[0].lstrip('#')}")
        return found

    def _pair(self, owner: Any, args: list[str]) -> tuple[Any, Any]:
        if len(args) != 2:
            raise CliError("name two people: A B")
        return cli.person(owner, args[0]), cli.person(owner, args[1])

    def handle(self, **options: Any) -> None:
        """Run the action and print the introduction(s)."""
        owner = self.owner(options)
        action, rest = options["action"], options["rest"]
        try:
            if action == "list":
                found = list(
                    optin.introductions_for(owner=owner, active=None if options["all"] else True)
                )
                self.emit(
                    options, [introduction_json(i) for i in found], lambda: self._table(found)
                )
                return
            if action == "propose":
                a, b = self._pair(owner, rest)
                intro = optin.propose_introduction(owner=owner, a=a, b=b, reason=options["reason"])
            elif action == "dismiss":
                a, b = self._pair(owner, rest)
                intro = optin.dismiss_pair(owner=owner, a=a, b=b)
            elif action == "advance":
                intro = optin.advance_introduction(
                    introduction=self._intro(owner, rest), draft=options["draft"]
                )
            elif action in ("yes", "no"):
                if options["by"] not in ("a", "b"):
                    raise CliError(f"say who answered: --by a|b (amity intro {action} ID --by a)")
                intro = optin.answer_introduction(
                    introduction=self._intro(owner, rest),
                    by=options["by"],
                    agreed=action == "yes",
                    note=options["note"],
                )
            elif action == "decline":
                if not options["by"]:
                    raise CliError("say who declined: --by a|b|me")
                intro = optin.decline_introduction(
                    introduction=self._intro(owner, rest), by=options["by"], note=options["note"]
                )
            elif action == "draft":
                changes = {
                    field: options[name]
                    for name, field in DRAFT_OPTIONS.items()
                    if options[name] is not None
                }
                if not changes:
                    raise CliError("give --ask-a, --ask-b, --intro or --follow-up TEXT")
                intro = optin.update_drafts(introduction=self._intro(owner, rest), **changes)
            else:
                intro = self._intro(owner, rest)
        except ValidationError as exc:
            raise CliError(str(exc)) from exc
        self.emit(options, introduction_json(intro), lambda: self._show(intro))

    def _table(self, found: list[Introduction]) -> None:
        if not found:
            self.console.print("No introductions under way. See `amity intros` for ideas.")
            return
        table = Table(show_edge=False, pad_edge=False)
        for column in ("#", "A", "B", "State", "Next"):
            table.add_column(column)
        for i in found:
            table.add_row(
                str(i.pk),
                i.person_a.full_name,
                i.person_b.full_name,
                i.get_state_display(),
                optin.next_step(i),
            )
        self.console.print(table)

    def _show(self, intro: Introduction) -> None:
        c = self.console
        c.print(
            f"[bold]#{intro.pk} {intro.person_a.full_name} + {intro.person_b.full_name}[/bold]: "
            f"{intro.get_state_display()}"
        )
        if intro.reason:
            c.print(f"Why: {intro.reason}")
        next_action = optin.NEXT_ACTION.get(Introduction.State(intro.state))
        drafts = {
            "ask A": intro.ask_a_draft,
            "ask B": intro.ask_b_draft,
            "introduce": intro.intro_draft,
            "follow up": intro.follow_up_draft,
        }
        if next_action in ("answer A", "answer B"):
            side = next_action[-1].lower()
            c.print(f"Next: {optin.next_step(intro)} (amity intro yes|no {intro.pk} --by {side})")
        elif next_action:
            c.print(f"Next: {optin.next_step(intro)} (amity intro advance {intro.pk})")
            c.print(f"[dim]Draft:[/dim]\n{drafts[next_action]}")
