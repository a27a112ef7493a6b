"""Sort inbound messages into trusted, genuine new, asks and cold pitches: `amity triage`."""

from __future__ import annotations

from typing import Any

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.domain.triage import GROUP_LABELS, GROUPS
from amity.inbox import moves, services
from amity.people.services import ValidationError


def print_report(console: Any, data: dict[str, Any]) -> None:
    """Print each group with its messages and the reasons they landed there."""
    counts = ", ".join(f"{g['label']} {g['count']}" for g in data["groups"])
    console.print(f"[bold]{data['total']}[/bold] inbound messages ({data['source']}): {counts}")
    for group in data["groups"]:
        console.print(f"\n[bold]{group['label']}[/bold] ({group['count']}): {group['help']}")
        for message in group["messages"]:
            sender = message["sender"]["name"] if message["sender"] else "unknown sender"
            mark = " [dim](your label)[/dim]" if message["corrected"] else ""
            console.print(
                f"  #{message['id']} {message['occurred_at'][:10]} {sender} "
                f"[dim]{message['source']}[/dim]{mark}"
            )
            console.print(f"    {message['preview'][:120]}", markup=False)
            console.print(f"    why: {'; '.join(message['reasons'])}", markup=False)
            reply = message.get("reply")
            if reply:
                console.print(
                    f"    reply draft ({reply['label']}; Amity never sends it): {reply['text']}",
                    markup=False,
                )
        hidden = group["count"] - len(group["messages"])
        if hidden > 0:
            console.print(f"  … and {hidden} more (--limit)")


class TriageVerb(Verb):
    """Group inbound messages so real relationships rise above cold pitches."""

    help = f"""Triage imported inbound messages into {", ".join(GROUP_LABELS[g] for g in GROUPS)},
    each with the reasons it landed there. --relabel ID GROUP moves one message
    (GROUP: {", ".join(GROUPS)}); the label is kept, and the sender's other messages
    and messages worded like it (from the same kind of sender) follow it; with --only,
    just that message moves. A known contact is never "Genuine new". --unlabel ID
    forgets a label.

    --json: {{"source", "total", "counts": {{group: n}}, "groups": [{{"group", "label",
    "help", "count", "messages": [{{"id", "occurred_at", "source", "channel",
    "sender": {{"id", "name"}} | null, "subject", "preview", "group", "text_class"
    (personal | ask | pitch), "scores": {{"personal", "ask", "pitch"}}, "reasons": [str],
    "balance": {{"theirs", "they_gave", "they_asked", "yours", "you_gave", "you_asked"}}
    | null, "corrected", "reply": {{"kind" (decline | redirect | invite), "label",
    "text", "to"}} | null}}]}}]}}
    --relabel/--unlabel --json: {{"id", "group" | null, "labelled"}}
    --preview ID GROUP says what a move would change (alone, and with --relabel's
    following), writing nothing; --json: {{"id", "group", "label", "from_group",
    "options": [{{"follow", "moves", "counts": {{group: {{"before", "after"}}}},
    "changed": [{{"id", "sender", "subject", "from_group", "to_group"}}]}}]}}
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare --source, --limit, --relabel and --unlabel."""
        parser.add_argument("--source", default="all", choices=services.SOURCES)
        parser.add_argument(
            "--limit", type=int, default=20, metavar="N", help="messages shown per group"
        )
        parser.add_argument(
            "--relabel", nargs=2, metavar=("ID", "GROUP"), help="put message ID in GROUP"
        )
        parser.add_argument(
            "--only",
            action="store_true",
            help="with --relabel: move only this message (its sender's and look-alikes stay)",
        )
        parser.add_argument("--unlabel", type=int, metavar="ID", help="forget the label on ID")
        parser.add_argument(
            "--preview",
            nargs=2,
            metavar=("ID", "GROUP"),
            help="say what moving message ID to GROUP would change, writing nothing",
        )

    def handle(self, **options: Any) -> None:
        """Triage, or change one label."""
        owner = self.owner(options)
        try:
            if options["preview"]:
                self._preview(owner, options)
                return
            if options["relabel"]:
                raw_id, group = options["relabel"]
                label = moves.relabel(
                    owner=owner,
                    interaction_id=_message_id(raw_id),
                    group=group,
                    follow=not options["only"],
                )
                data = {"id": label.interaction_id, "group": label.group, "labelled": True}
                self.emit(
                    options,
                    data,
                    lambda: self.console.print(
                        f"Message #{label.interaction_id} is now in {GROUP_LABELS[label.group]}"
                        + (
                            "; only this message moved."
                            if options["only"]
                            else "; its sender's messages and look-alikes will follow."
                        )
                    ),
                )
                return
            if options["unlabel"] is not None:
                found = moves.clear_label(owner=owner, interaction_id=options["unlabel"])
                data = {"id": options["unlabel"], "group": None, "labelled": False}
                self.emit(
                    options,
                    data,
                    lambda: self.console.print(
                        f"Forgot the label on #{options['unlabel']}."
                        if found
                        else "No label there."
                    ),
                )
                return
            if options["limit"] < 0:
                raise CliError("--limit must be 0 or more")
            data = services.triage_inbox(
                owner=owner, source=options["source"], limit=options["limit"]
            )
        except (LookupError, ValidationError) as exc:
            raise CliError(str(exc)) from exc
        self.emit(options, data, lambda: print_report(self.console, data))

    def _preview(self, owner: Any, options: dict[str, Any]) -> None:
        """Print what each way of moving one message would change."""
        raw_id, group = options["preview"]
        data = moves.preview_move(
            owner=owner, interaction_id=_message_id(raw_id), group=group, source=options["source"]
        )

        def render() -> None:
            self.console.print(
                f"Moving #{data['id']} from {GROUP_LABELS[data['from_group']]} to {data['label']}:"
            )
            for option in data["options"]:
                how = "with its sender's messages and look-alikes" if option["follow"] else "alone"
                counts = ", ".join(
                    f"{GROUP_LABELS[g]} {c['before']} → {c['after']}"
                    for g, c in option["counts"].items()
                )
                self.console.print(
                    f"  {how}: {option['moves']} message(s) change group"
                    + (f" ({counts})" if counts else ""),
                    markup=False,
                )

        self.emit(options, data, render)


def _message_id(raw: str) -> int:
    try:
        return int(raw.lstrip("#"))
    except ValueError:
        raise CliError(f"{raw!r} is not a message id") from None
