"""Share the small pieces the network verbs need: reading TEXT|FILE|-, finding people."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from django.contrib.auth.models import AbstractBaseUser

from amity.cli.base import CliError
from amity.people.models import Person
from amity.people.services import find_person

MAX_FILE_BYTES = 2_000_000


def read_text(raw: str, stdin: TextIO | None = None) -> str:
    """Return the text `raw` stands for: standard input for "-", a file's text, or itself."""
    if raw == "-":
        return (stdin or sys.stdin).read()
    path = Path(raw).expanduser()
    if "\n" not in raw and len(raw) < 4096:
        try:
            is_file = path.is_file()
        except OSError:
            is_file = False
        if is_file:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CliError(f"{raw}: larger than {MAX_FILE_BYTES // 1_000_000} MB")
            return path.read_text(encoding="utf-8", errors="replace")
    return raw


def person(owner: AbstractBaseUser, ref: str) -> Person:
    """Return the owner's person `ref` names, or stop with the lookup's message."""
    try:
        return find_person(owner=owner, ref=ref)
    except LookupError as exc:
        raise CliError(str(exc)) from exc


def role(person: Person) -> str:
    """Return "Title at Company" for a person, or ""."""
    if person.title and person.company:
        return f"{person.title} at {person.company}"
    return person.title or person.company
