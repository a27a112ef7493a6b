"""List, show, add, edit, delete and merge people: `amity people ACTION ...`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch

from amity.cli.base import ArgumentParser, CliError, Verb
from amity.cli.display import (
    interaction_public,
    interactions_table,
    people_table,
    person_public,
    person_table,
)
from amity.people import merging, services
from amity.people.models import Person

# Options that set one plain field of a person: (flag, service keyword, help).
FIELD_OPTIONS = (
    ("--company", "company", "company or organisation"),
    ("--title", "title", "job title"),
    ("--field", "field", "field or industry"),
    ("--location", "location", "where they live or work"),
    ("--how-we-met", "how_we_met", "how you met"),
    ("--notes", "notes", "free notes (Markdown)"),
    ("--looking-for", "looking_for", "what they are looking for"),
    ("--can-offer", "can_offer", "what they can offer others"),
    ("--birthday", "birthday", "birthday, YYYY-MM-DD"),
    ("--connected-on", "connected_on", "when you connected, YYYY-MM-DD"),
)
SHOWN_INTERACTIONS = 10


def _with_related(people: Any) -> Any:
    return people.prefetch_related("contact_points", "tags")


def _common(parser: ArgumentParser) -> None:
    """Accept --user and --json after the action too (`people list --json`)."""
    # SUPPRESS: an absent sub-option must not overwrite one given before the action.
    parser.add_argument("--user", default=argparse.SUPPRESS, help="act as this local user")
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")


def _profile_options(parser: ArgumentParser, *, editing: bool) -> None:
    many = "replace all with these (repeatable)" if editing else "repeatable"
    parser.add_argument("--email", action="append", metavar="E", help=f"email; {many}")
    parser.add_argument("--phone", action="append", metavar="P", help=f"phone; {many}")
    parser.add_argument("--url", action="append", metavar="U", help=f"web page; {many}")
    parser.add_argument("--linkedin", metavar="URL", help="LinkedIn profile URL")
    parser.add_argument("--interest", action="append", metavar="I", help=f"interest; {many}")
    parser.add_argument("--tag", action="append", metavar="T", help=f"tag; {many}")
    for flag, dest, text in FIELD_OPTIONS:
        parser.add_argument(flag, dest=dest, metavar="TEXT", help=text)


class PeopleVerb(Verb):
    """Manage people from the command line."""

    help = """List, show, add, edit, delete and merge people.

    REF names one person: #id, an email address, a LinkedIn URL or (part of) a name.

    --json shapes (PersonPublic is the API's shape of a person, see /api/v1/docs):
      list:   {"count": N, "people": [PersonPublic, ...]}   (count ignores --limit/--offset)
      show:   {"person": PersonPublic, "interactions": [InteractionPublic, ... up to 10]}
      add, edit, merge: PersonPublic
      delete: {"deleted": {"id": 3, "uid": "...", "full_name": "Ada Lovelace"}}
      duplicates: {"groups": [{"person_ids": [..], "names": [..], "reasons": [..],
                   "score": 0-100}, ...]}   (surest first; merge with `people merge`)
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare one sub-parser per action."""
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        listing = actions.add_parser("list", help="list people, filtered and sorted")
        _common(listing)
        listing.add_argument("--tag", default="", help="only people with this tag")
        listing.add_argument("--field", default="", help="only people in this field")
        listing.add_argument("--company", default="", help="only people at this company")
        listing.add_argument(
            "--sort",
            default="name",
            choices=list(services.SORTS),
            help="order (name); write --sort=-name for reverse name order",
        )
        listing.add_argument("--limit", type=int, default=50, help="at most this many (50)")
        listing.add_argument("--offset", type=int, default=0, help="skip this many first")

        show = actions.add_parser("show", help="show one person and recent interactions")
        _common(show)
        show.add_argument("ref", nargs="+", metavar="REF")

        add = actions.add_parser("add", help="add a person")
        _common(add)
        add.add_argument("name", nargs="+", metavar="NAME")
        _profile_options(add, editing=False)

        edit = actions.add_parser("edit", help="change a person")
        _common(edit)
        edit.add_argument("ref", nargs="+", metavar="REF")
        edit.add_argument("--name", help="a new full name")
        _profile_options(edit, editing=True)
        for noun in ("tag", "email", "interest"):
            edit.add_argument(f"--add-{noun}", action="append", metavar="X", help=f"add a {noun}")
            edit.add_argument(
                f"--remove-{noun}", action="append", metavar="X", help=f"remove a {noun}"
            )

        delete = actions.add_parser("delete", help="delete a person")
        _common(delete)
        delete.add_argument("ref", nargs="+", metavar="REF")
        delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")

        merge = actions.add_parser("merge", help="merge duplicates into one person")
        _common(merge)
        merge.add_argument("keep", metavar="KEEP", help="the person to keep")
        merge.add_argument("others", nargs="+", metavar="OTHER", help="people merged into KEEP")
        merge.add_argument("--yes", action="store_true", help="do not ask for confirmation")

        duplicates = actions.add_parser(
            "duplicates", help="list likely duplicates (shared email/phone, similar names)"
        )
        _common(duplicates)
        duplicates.add_argument(
            "--min-score", type=int, default=50, help="hide groups scoring below this (50)"
        )

    def handle(self, **options: Any) -> None:
        """Run the chosen action as the chosen user."""
        owner = self.owner(options)
        action = getattr(self, f"_{options['action']}")
        try:
            action(owner, options)
        except services.ValidationError as exc:
            raise CliError(str(exc)) from exc

    # -- helpers ----------------------------------------------------------------------

    def _find(self, owner: AbstractBaseUser, ref: str | Sequence[str]) -> Person:
        text = ref if isinstance(ref, str) else " ".join(ref)
        try:
            person = services.find_person(owner=owner, ref=text)
        except LookupError as exc:
            raise CliError(str(exc)) from exc
        return _with_related(Person.objects.filter(owner=owner, pk=person.pk)).get()

    def _confirm(self, options: dict[str, Any], question: str) -> None:
        """Ask at a terminal; refuse without --yes when nobody can answer."""
        if options["yes"]:
            return
        if not self.stdin.isatty():
            raise CliError("stdin is not a terminal: add --yes to confirm")
        self.stdout.write(f"{question} [y/N] ", ending="")
        self.stdout.flush()
        if self.stdin.readline().strip().lower() not in {"y", "yes"}:
            raise CliError("cancelled: nothing changed")

    def _print_person(self, options: dict[str, Any], person: Person, verb: str) -> None:
        person = _with_related(Person.objects.filter(owner_id=person.owner_id, pk=person.pk)).get()

        def render() -> None:
            self.console.print(f"{verb} {person.full_name} (#{person.pk})")
            self.console.print(person_table(person))

        self.emit(options, person_public(person), render)

    # -- actions ----------------------------------------------------------------------

    def _list(self, owner: AbstractBaseUser, options: dict[str, Any]) -> None:
        if options["limit"] < 0 or options["offset"] < 0:
            raise CliError("--limit and --offset must not be negative")
        people = services.people_for(
            owner=owner,
            tag=options["tag"],
            field=options["field"],
            company=options["company"],
            sort=options["sort"],
        )
        total = people.count()
        start = options["offset"]
        page = list(_with_related(people)[start : start + options["limit"]])

        def render() -> None:
            if not page:
                self.console.print("No people match." if total else "No people yet.")
                return
            self.console.print(people_table(page))
            end = start + len(page)
            self.console.print(f"{start + 1}–{end} of {total}", style="dim")

        self.emit(options, {"count": total, "people": [person_public(p) for p in page]}, render)

    def _show(self, owner: AbstractBaseUser, options: dict[str, Any]) -> None:
        person = self._find(owner, options["ref"])
        recent = list(
            person.interactions.prefetch_related(
                Prefetch("people", queryset=Person.objects.order_by("sort_name", "id"))
            ).order_by("-occurred_at", "-id")[:SHOWN_INTERACTIONS]
        )

        def render() -> None:
            self.console.print(person_table(person))
            if recent:
                self.console.print()
                self.console.print("Recent interactions", style="bold")
                self.console.print(interactions_table(recent))

        data = {
            "person": person_public(person),
            "interactions": [interaction_public(i) for i in recent],
        }
        self.emit(options, data, render)

    def _add(self, owner: AbstractBaseUser, options: dict[str, Any]) -> None:
        fields = {dest: options[dest] for _, dest, _ in FIELD_OPTIONS if options[dest] is not None}
        person = services.create_person(
            owner=owner,
            full_name=" ".join(options["name"]),
            emails=options["email"] or [],
            phones=options["phone"] or [],
            urls=options["url"] or [],
            linkedin_url=options["linkedin"] or "",
            interests=options["interest"] or [],
            tags=options["tag"] or [],
            **fields,
        )
        self._print_person(options, person, "Added")

    def _edit(self, owner: AbstractBaseUser, options: dict[str, Any]) -> None:
        person = self._find(owner, options["ref"])
        changes: dict[str, Any] = {
            dest: options[dest] for _, dest, _ in FIELD_OPTIONS if options[dest] is not None
        }
        if options["name"] is not None:
            changes["full_name"] = options["name"]
        if options["linkedin"] is not None:
            changes["linkedin_url"] = options["linkedin"]
        for kind, option in (("phone", "phone"), ("url", "url")):
            if options[option] is not None:
                changes[f"{kind}s"] = options[option]
        current_emails = [cp.value for cp in person.contact_points.all() if cp.kind == "email"]
        emails = _edited(
            "email",
            current_emails,
            options,
            key=lambda v: services.normalize_contact("email", v),
        )
        tags = _edited("tag", [t.name for t in person.tags.all()], options, key=str.casefold)
        interests = _edited("interest", list(person.interests or []), options, key=str.casefold)
        for name, value in (("emails", emails), ("tags", tags), ("interests", interests)):
            if value is not None:
                changes[name] = value
        if not changes:
            raise CliError("nothing to change: give an option such as --company or --add-tag")
        person = services.update_person(person=person, **changes)
        self._print_person(options, person, "Updated")

    def _delete(self, owner: AbstractBaseUser, options: dict[str, Any]) -> None:
        person = self._find(owner, options["ref"])
        described = f"{person.full_name} (#{person.pk})"
        self._confirm(options, f"Delete {described} and the interactions that involve nobody else?")
        data = {"id": person.pk, "uid": str(person.uid), "full_name": person.full_name}
        record = services.delete_person(person=person)
        self.emit(
            options,
            {"deleted": data, "undo_id": record.pk},
            lambda: self.console.print(f"Deleted {described}. Undo: amity undo {record.pk}"),
        )

    def _merge(self, owner: AbstractBaseUser, options: dict[str, Any]) -> None:
        keep = self._find(owner, options["keep"])
        others = [self._find(owner, ref) for ref in options["others"]]
        seen = {keep.pk}
        for ref, other in zip(options["others"], others, strict=True):
            if other.pk in seen:
                raise CliError(f"{ref!r} is {other.full_name} (#{other.pk}), named twice")
            seen.add(other.pk)
        names = ", ".join(f"{o.full_name} (#{o.pk})" for o in others)
        self._confirm(options, f"Merge {names} into {keep.full_name} (#{keep.pk})?")
        merged = merging.merge_people(keep=keep, others=others)
        self._print_person(options, merged, "Merged into")

    def _duplicates(self, owner: AbstractBaseUser, options: dict[str, Any]) -> None:
        # Imported here: the importers app builds on this one, not the other way round.
        from amity.importers.dedupe import find_duplicates

        groups = [g for g in find_duplicates(owner=owner) if g.score >= options["min_score"]]

        def render() -> None:
            if not groups:
                self.console.print("No likely duplicates.")
                return
            for group in groups:
                people = ", ".join(
                    f"{name} (#{pk})"
                    for pk, name in zip(group.person_ids, group.names, strict=True)
                )
                self.console.print(f"[bold]{group.score}[/bold]  {people}")
                self.console.print(f"     {'; '.join(group.reasons)}")
            ids = " ".join(f"#{pk}" for pk in groups[0].person_ids)
            self.console.print(f"\nMerge a group with: amity people merge {ids}")

        self.emit(options, {"groups": [g.as_dict() for g in groups]}, render)


def _edited(
    noun: str, current: list[str], options: dict[str, Any], *, key: Any
) -> list[str] | None:
    """Apply --NOUN (replace), --add-NOUN and --remove-NOUN; None means unchanged."""
    replace, add, remove = options[noun], options[f"add_{noun}"], options[f"remove_{noun}"]
    if replace is None and not add and not remove:
        return None
    values = list(replace) if replace is not None else list(current)
    for value in remove or []:
        kept = [v for v in values if key(v) != key(value)]
        if len(kept) == len(values):
            raise CliError(f"--remove-{noun}: {value!r} is not among {values or 'none'}")
        values = kept
    known = {key(v) for v in values}
    for value in add or []:
        if key(value) not in known:
            values.append(value)
            known.add(key(value))
    return values
