"""Parse .vcf files holding any number of vCards (2.1, 3.0 and 4.0) with vobject.

Before vobject sees the text, lines are unfolded here so that vCard 2.1 quirks
(quoted-printable soft line breaks, unindented base64 photos) parse, PHOTO, LOGO,
SOUND and KEY are dropped (never needed, often huge), and every logical line keeps
the physical line number it started on for error messages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import vobject

from amity.domain.names import normalize_email, normalize_linkedin_url, normalize_phone
from amity.importers.dates import parse_date
from amity.importers.errors import ImportFailed
from amity.importers.records import (
    Contact,
    ImportBatch,
    ParseOptions,
    PersonRecord,
    name_from_email,
)
from amity.importers.sniffing import expect
from amity.importers.source_files import SourceFile, text_lines

SOURCE = "vcard"
WANTED = "a vCard file"
_DROPPED = {"PHOTO", "LOGO", "SOUND", "KEY"}
_PROPERTY = re.compile(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)[;:]")
_IGNORED_TYPES = {"internet", "pref", "voice", "x400", "x-internet"}
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")


def logical_lines(lines: Iterator[str]) -> Iterator[tuple[int, str]]:
    """Yield (first physical line number, unfolded line), dropping blobs and blanks."""
    current: list[str] = []
    start = 0
    soft_break = False  # the previous quoted-printable line ended with "="
    in_blob = False  # inside a dropped PHOTO/LOGO/SOUND/KEY
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if soft_break:
            soft_break = line.endswith("=")
            current.append(line[:-1] if soft_break else line)
            continue
        if line[:1] in {" ", "\t"} and (current or in_blob):
            if current:
                current.append(line[1:])
            continue
        if in_blob and line.strip() and ":" not in line:
            continue  # an unindented vCard 2.1 base64 line
        if current:
            yield start, "".join(current)
            current = []
        in_blob = False
        if not line.strip():
            continue
        match = _PROPERTY.match(line)
        if match and match.group(1).upper() in _DROPPED:
            in_blob = True
            continue
        soft_break = "QUOTED-PRINTABLE" in line.split(":", 1)[0].upper() and line.endswith("=")
        start, current = number, [line[:-1] if soft_break else line]
    if current:
        yield start, "".join(current)


_BARE_COMMA = re.compile(r"(?<!\\),")
# Properties whose value is a comma-separated list; every other value is text in
# which many writers (and all of vCard 2.1) leave commas unescaped.
_LISTS = {"CATEGORIES", "NICKNAME"}


def _value_start(line: str) -> int:
    """Return the index of the colon that ends the name and parameters (-1 if none)."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return index
    return -1


def escape_commas(line: str) -> str:
    """Escape bare commas in a text value, so vobject keeps "Doe, John" whole."""
    match = _PROPERTY.match(line)
    if not match or match.group(1).upper() in _LISTS or "," not in line:
        return line
    colon = _value_start(line)
    if colon < 0:
        return line
    return line[: colon + 1] + _BARE_COMMA.sub("\\,", line[colon + 1 :])


def parse_vcard(source: SourceFile, options: ParseOptions) -> ImportBatch:
    """Return the people of a .vcf file."""
    expect(source, {"vcard"}, WANTED)
    batch = ImportBatch(source=SOURCE)
    numbers: list[int] = []
    texts: list[str] = []
    depth = 0
    for number, text in logical_lines(text_lines(source)):
        # Checked here rather than left to vobject, whose errors count lines its own way.
        if not _PROPERTY.match(text) or _value_start(text) < 0:
            raise ImportFailed(source.name, number, f"not a vCard line: {text[:60]!r}")
        keyword = text.split(":", 1)[0].upper()
        depth += (keyword == "BEGIN") - (keyword == "END")
        if depth < 0:
            raise ImportFailed(source.name, number, "END:VCARD without BEGIN:VCARD")
        numbers.append(number)
        texts.append(escape_commas(text))
    if depth > 0:
        raise ImportFailed(source.name, numbers[-1], "BEGIN:VCARD is never closed")
    if not texts:
        raise ImportFailed(source.name, 1, "the file is empty")
    starts = [n for n, t in zip(numbers, texts, strict=True) if t.strip().upper() == "BEGIN:VCARD"]
    # "\n", not "\r\n": vobject counts the two characters as two lines in errors.
    cards = _components(source, "\n".join(texts) + "\n", numbers)
    for index, card in enumerate(cards):
        line = starts[index] if index < len(starts) else numbers[0]
        if card.name.upper() != "VCARD":
            raise ImportFailed(source.name, line, f"expected BEGIN:VCARD, found {card.name}")
        record = person_from_card(origin=source.name, line=line, card=card)
        if record is None:
            batch.skip("card without a name or email address", origin=source.name, line=line)
        else:
            batch.people.append(record)
    return batch


def _components(source: SourceFile, text: str, numbers: list[int]) -> list[Any]:
    """Parse all components, turning any vobject failure into FILE:LINE."""
    found: list[Any] = []
    try:
        for component in vobject.readComponents(text, ignoreUnreadable=False):
            found.append(component)
    except Exception as exc:  # vobject raises many kinds on malformed input
        reason = str(getattr(exc, "message", "") or exc).splitlines()[0][:200]
        # The line the error names, else the start of the card that failed.
        line = numbers[-1] if found or not numbers else numbers[0]
        starts = [
            n
            for n, t in zip(numbers, text.split("\n"), strict=False)
            if t.strip().upper() == "BEGIN:VCARD"
        ]
        if len(starts) > len(found):
            line = starts[len(found)]
        raise ImportFailed(source.name, line, f"not a valid vCard: {reason}") from exc
    return found


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value if _text(v))
    return " ".join(value.split()) if isinstance(value, str) else ""


def _lines(card: Any, name: str) -> list[Any]:
    return list(card.contents.get(name, []))


def _labels(card: Any) -> dict[str, str]:
    labels = {}
    for line in _lines(card, "x-ablabel"):
        if line.group:
            raw = _text(line.value)
            match = _APPLE_LABEL.match(raw)
            labels[line.group.lower()] = (match.group(1) if match else raw).lower()[:40]
    return labels


def _label(line: Any, labels: dict[str, str]) -> str:
    if line.group and line.group.lower() in labels:
        return labels[line.group.lower()]
    types = [str(t).lower() for t in line.params.get("TYPE", [])]
    types += [str(t).lower() for t in getattr(line, "singletonparams", [])]
    useful = [t for t in types if t not in _IGNORED_TYPES and not t.startswith("charset")]
    return useful[0][:40] if useful else ""


def _full_name(card: Any) -> str:
    fn = next((_text(line.value) for line in _lines(card, "fn") if _text(line.value)), "")
    if fn:
        return fn
    for line in _lines(card, "n"):
        value = line.value
        parts = [
            getattr(value, attr, "") for attr in ("prefix", "given", "additional", "family")
        ] + [getattr(value, "suffix", "")]
        name = " ".join(_text(p) for p in parts if _text(p))
        if name:
            return name
    return ""


def person_from_card(*, origin: str, line: int, card: Any) -> PersonRecord | None:
    """Return the person a parsed vCard (vobject) describes, or None without a name or email.

    Contacts sync (amity.sync) reads CardDAV cards through this same function.
    """
    labels = _labels(card)
    emails: list[Contact] = [
        (_text(cp.value), _label(cp, labels))
        for cp in _lines(card, "email")
        if "@" in _text(cp.value)
    ]
    phones: list[Contact] = [
        (number, _label(cp, labels))
        for cp in _lines(card, "tel")
        if normalize_phone(number := _text(cp.value).removeprefix("tel:"))
    ]
    urls: list[Contact] = []
    linkedin = ""
    for cp in _lines(card, "url") + _lines(card, "x-socialprofile"):
        value = _text(cp.value)
        profile = normalize_linkedin_url(value)
        if profile:
            linkedin = linkedin or profile
        elif value and cp.name.upper() == "URL":
            urls.append((value, _label(cp, labels)))
    name = _full_name(card) or (name_from_email(emails[0][0]) if emails else "")
    if not name:
        return None
    uid = next((_text(u.value) for u in _lines(card, "uid") if _text(u.value)), "")
    uid = uid.removeprefix("urn:uuid:").removeprefix("URN:UUID:")
    org = next((u.value for u in _lines(card, "org")), "")
    company = _text(org[0] if isinstance(org, list) and org else org)
    return PersonRecord(
        origin=origin,
        line=line,
        full_name=name,
        linkedin_url=linkedin,
        uid=uid,
        keys=(_key(uid, name, emails),),
        emails=emails,
        phones=phones,
        urls=urls,
        company=company,
        title=next((_text(t.value) for t in _lines(card, "title") if _text(t.value)), ""),
        location=_location(card),
        notes="\n".join(
            str(n.value).strip() for n in _lines(card, "note") if isinstance(n.value, str)
        ).strip(),
        birthday=_birthday(card),
        tags=[_text(t) for c in _lines(card, "categories") for t in _as_list(c.value) if _text(t)],
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _key(uid: str, name: str, emails: list[Contact]) -> str:
    if uid:
        return f"uid:{uid}"[:300]
    # No UID: the name and first address are the best stable key the card offers.
    first = normalize_email(emails[0][0]) if emails else ""
    return f"name:{name.casefold()}|{first}"[:300]


def _location(card: Any) -> str:
    for line in _lines(card, "adr"):
        value = line.value
        parts = [_text(getattr(value, attr, "")) for attr in ("city", "region", "country")]
        text = ", ".join(p for p in parts if p)
        if text:
            return text
    return ""


def _birthday(card: Any) -> dt.date | None:
    for line in _lines(card, "bday"):
        raw = _text(line.value)
        if raw.startswith("--"):
            return None  # no year: Person.birthday needs one
        compact = re.match(r"^(\d{4})(\d{2})(\d{2})", raw)
        try:
            if compact:
                return dt.date(*(int(g) for g in compact.groups()))
            return parse_date(raw[:10])
        except ValueError:
            return None  # a birthday nobody can read is not worth failing a whole import
    return None
