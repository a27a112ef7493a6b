"""Parse a LinkedIn data export: Connections.csv, messages.csv and Invitations.csv.

Accepts the export ZIP, its unzipped folder or one of the CSV files. The profile
URL slug is the person key across all three files. Columns are found by name, since
LinkedIn adds and reorders them between export versions.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from amity.domain.names import normalize_email, normalize_linkedin_url
from amity.importers.dates import parse_date, parse_datetime
from amity.importers.errors import ImportFailed, WrongFormat
from amity.importers.htmltext import excerpt, html_to_text
from amity.importers.limits import check_declared_size
from amity.importers.records import (
    ImportBatch,
    InteractionRecord,
    ParseOptions,
    PersonRecord,
    name_from_slug,
)
from amity.importers.sniffing import LABELS, identify
from amity.importers.source_files import (
    Columns,
    SourceFile,
    SourceFolder,
    check_width,
    csv_rows,
    find_header,
)

SOURCE = "linkedin"
WANTED = "a LinkedIn export (ZIP, folder, Connections.csv, messages.csv or Invitations.csv)"
_FILES = ("profile.csv", "connections.csv", "invitations.csv", "messages.csv")
_LISTED = "Connections.csv, messages.csv or Invitations.csv"
_KINDS = {
    "linkedin-connections": "connections.csv",
    "linkedin-messages": "messages.csv",
    "linkedin-invitations": "invitations.csv",
    "linkedin-profile": "profile.csv",
}


_CANONICAL = re.compile(r"^https://www\.linkedin\.com/in/([a-z0-9_-]+)/?$")


def profile_url(raw: str) -> str:
    """Return the normalised profile URL (normalize_linkedin_url, fast for canonical ones)."""
    match = _CANONICAL.match(raw)
    if match:
        return f"https://www.linkedin.com/in/{match.group(1)}"
    return normalize_linkedin_url(raw)


def parse_linkedin(source: SourceFile | SourceFolder, options: ParseOptions) -> ImportBatch:
    """Return the people and interactions of a LinkedIn export."""
    batch = ImportBatch(source=SOURCE)
    if isinstance(source, SourceFolder):
        _parse_files(source.name, source.files, options, batch)
        return batch
    kind = identify(source.head())
    if kind == "zip":
        with _zip_members(source) as members:
            _parse_files(source.name, members, options, batch)
    elif kind in _KINDS:
        _parse_files(source.name, {_KINDS[kind]: source}, options, batch)
    elif kind is not None:
        raise WrongFormat(source.name, LABELS[kind], WANTED)
    else:
        raise ImportFailed(source.name, None, f"not {WANTED}")
    return batch


def check_export(source: SourceFile) -> None:
    """Fail (ImportFailed) unless `source` looks like an export; read only a ZIP's index."""
    kind = identify(source.head())
    if kind == "zip":
        with _zip_members(source) as members:
            if not any(f in members for f in _FILES[1:]):
                raise ImportFailed(source.name, None, f"no {_LISTED} in this export")
    elif kind is not None and kind not in _KINDS:
        raise WrongFormat(source.name, LABELS[kind], WANTED)
    elif kind is None:
        raise ImportFailed(source.name, None, f"not {WANTED}")


@contextlib.contextmanager
def _zip_members(source: SourceFile) -> Iterator[dict[str, SourceFile]]:
    """Open the export ZIP; yield its CSV members by lower-cased base name.

    The archive itself is read unbounded (zipfile seeks in it; its size on disk is
    what the upload limit bounds); each member is read through the import limits.
    """
    try:
        raw = source.opener()
    except OSError as exc:
        raise ImportFailed(source.name, None, f"cannot read: {exc.strerror or exc}") from exc
    with raw:
        try:
            archive = zipfile.ZipFile(raw)
            members: dict[str, SourceFile] = {}
            for info in archive.infolist():
                base = PurePosixPath(info.filename).name.lower()
                if base in _FILES and base not in members and not info.is_dir():
                    # The declared size is a ceiling: zipfile never inflates past it.
                    check_declared_size(f"{source.name}/{info.filename}", info.file_size)
                    members[base] = SourceFile(
                        name=f"{source.name}/{info.filename}",
                        opener=lambda info=info: archive.open(info),  # type: ignore[misc]
                    )
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as exc:
            raise ImportFailed(source.name, None, f"not a readable ZIP archive ({exc})") from exc
        with archive:
            yield members


def _parse_files(
    name: str, files: dict[str, SourceFile], options: ParseOptions, batch: ImportBatch
) -> None:
    if not any(f in files for f in _FILES[1:]):
        raise ImportFailed(name, None, f"no {_LISTED} in this export")
    me = _Me.from_options(options)
    if "profile.csv" in files:
        me.names |= _profile_names(files["profile.csv"])
    # Connections first: they carry the full profile the other files only point to.
    if "connections.csv" in files:
        _connections(files["connections.csv"], batch)
    mentions = _Mentions()
    if "invitations.csv" in files:
        _invitations(files["invitations.csv"], batch, mentions)
    if "messages.csv" in files:
        _messages(files["messages.csv"], batch, me, mentions)


@dataclass
class _Me:
    urls: set[str]
    names: set[str]

    @classmethod
    def from_options(cls, options: ParseOptions) -> _Me:
        urls = {profile_url(m) for m in options.me} - {""}
        names = {
            " ".join(m.split()).casefold()
            for m in options.me
            if not profile_url(m) and "@" not in m
        }
        return cls(urls=urls, names=names - {""})


def _profile_names(source: SourceFile) -> set[str]:
    rows = csv_rows(source)
    _, header = find_header(source, rows, lambda c: {"first name", "last name"} <= c, "Profile")
    cols = Columns(header)
    first, last = cols.getter("first name"), cols.getter("last name")
    for _, row in rows:
        name = " ".join(f"{first(row)} {last(row)}".split()).casefold()
        if name:
            return {name}
    return set()


def _connections(source: SourceFile, batch: ImportBatch) -> None:
    rows = csv_rows(source)
    _, header = find_header(
        source,
        rows,
        lambda c: {"first name", "last name"} <= c and "conversation id" not in c,
        "Connections.csv (First Name, Last Name, ...)",
    )
    cols = Columns(header)
    if "connected on" not in cols and "position" not in cols:
        raise WrongFormat(source.name, LABELS["google"], "a LinkedIn Connections.csv")
    first, last = cols.getter("first name"), cols.getter("last name")
    url, email = cols.getter("url"), cols.getter("email address")
    company, position, connected = (
        cols.getter("company"),
        cols.getter("position"),
        cols.getter("connected on"),
    )
    width = len(header)
    for line, row in rows:
        if not row:
            continue  # a blank line
        if not check_width(source, line, row, width):
            batch.skip(
                "hidden LinkedIn member (no name or profile URL)", origin=source.name, line=line
            )
            continue
        name = " ".join(f"{first(row)} {last(row)}".split())
        profile = profile_url(url(row))
        if not name and not profile:
            batch.skip(
                "hidden LinkedIn member (no name or profile URL)", origin=source.name, line=line
            )
            continue
        raw_date = connected(row)
        try:
            connected_on = parse_date(raw_date) if raw_date else None
        except ValueError:
            raise ImportFailed(
                source.name, line, f"Connected On {raw_date!r} is not a date"
            ) from None
        address = normalize_email(email(row))
        batch.people.append(
            PersonRecord(
                origin=source.name,
                line=line,
                full_name=name or name_from_slug(profile),
                linkedin_url=profile,
                # Without a URL column the name is the only key an older export offers.
                keys=() if profile else (f"name:{name.casefold()}",),
                emails=[(address, "")] if "@" in address else [],
                company=company(row),
                title=position(row),
                connected_on=connected_on,
            )
        )


class _Mentions:
    """Hand out one mention record per participant, so repeats resolve once."""

    def __init__(self) -> None:
        self.by_key: dict[str, PersonRecord] = {}

    def get(self, source: SourceFile, line: int, name: str, url: str) -> PersonRecord:
        key = url or f"name:{name.casefold()}"
        record = self.by_key.get(key)
        if record is None:
            record = PersonRecord(
                origin=source.name,
                line=line,
                full_name=name or name_from_slug(url),
                profile=False,
                linkedin_url=url,
                match_by_name=not url,
            )
            self.by_key[key] = record
        return record


def _invitations(source: SourceFile, batch: ImportBatch, mentions: _Mentions) -> None:
    rows = csv_rows(source)
    _, header = find_header(
        source, rows, lambda c: {"from", "to", "direction"} <= c, "Invitations.csv"
    )
    cols = Columns(header)
    sender, recipient, sent_at = cols.getter("from"), cols.getter("to"), cols.getter("sent at")
    note, direction = cols.getter("message"), cols.getter("direction")
    inviter, invitee = cols.getter("inviterprofileurl"), cols.getter("inviteeprofileurl")
    width = len(header)
    for line, row in rows:
        if not check_width(source, line, row, width):
            continue
        way = direction(row).upper()
        if way not in {"OUTGOING", "INCOMING"}:
            raise ImportFailed(
                source.name, line, f"Direction {direction(row)!r} is not INCOMING or OUTGOING"
            )
        outgoing = way == "OUTGOING"
        name = recipient(row) if outgoing else sender(row)
        url = profile_url(invitee(row) if outgoing else inviter(row))
        if not name and not url:
            batch.skip(
                "hidden LinkedIn member (no name or profile URL)", origin=source.name, line=line
            )
            continue
        try:
            when = parse_datetime(sent_at(row))
        except ValueError as exc:
            raise ImportFailed(source.name, line, f"Sent At: {exc}") from None
        other = mentions.get(source, line, name, url)
        batch.interactions.append(
            InteractionRecord(
                origin=source.name,
                line=line,
                external_id=(
                    f"invitation|{way.lower()}|{url or name.casefold()}|{when.isoformat()}"
                ),
                occurred_at=when,
                channel="social",
                direction="outbound" if outgoing else "inbound",
                people=[other],
                summary="Sent a LinkedIn invitation" if outgoing else "LinkedIn invitation",
                content=note(row),
            )
        )


@dataclass(slots=True)
class _Message:
    line: int
    conversation: str
    sender: tuple[str, str]
    recipients: list[tuple[str, str]]
    when_text: str
    subject: str
    content: str


_MESSAGE_COLUMNS = ("conversation id", "from", "date", "content")


def _messages(source: SourceFile, batch: ImportBatch, me: _Me, mentions: _Mentions) -> None:
    messages = list(_read_messages(source, batch))
    # Older exports name recipients without URLs; senders elsewhere reveal them.
    known = {m.sender[0].casefold(): m.sender[1] for m in messages if m.sender[1]}
    for message in messages:
        message.recipients = [(n, u or known.get(n.casefold(), "")) for n, u in message.recipients]
    is_me = _who_is_me(source, messages, me)
    seen: set[str] = set()
    for message in messages:
        try:
            when = parse_datetime(message.when_text)
        except ValueError as exc:
            raise ImportFailed(source.name, message.line, f"DATE: {exc}") from None
        outbound = is_me(message.sender)
        others = message.recipients if outbound else [message.sender]
        people = [mentions.get(source, message.line, n, u) for n, u in others if not is_me((n, u))]
        if not people:
            batch.skip("message with no other participant", origin=source.name, line=message.line)
            continue
        sender_key = message.sender[1] or message.sender[0].casefold()
        digest = hashlib.sha1(sender_key.encode()).hexdigest()[:10]
        external_id = f"{message.conversation}|{when.isoformat()}|{digest}"
        if external_id in seen:
            body = hashlib.sha1(message.content.encode()).hexdigest()[:8]
            external_id = f"{external_id}|{body}"
            if external_id in seen:
                batch.skip("duplicate message", origin=source.name, line=message.line)
                continue
        seen.add(external_id)
        text = html_to_text(message.content)
        message.content = ""  # the raw HTML is not needed again: free it as we go
        batch.interactions.append(
            InteractionRecord(
                origin=source.name,
                line=message.line,
                external_id=external_id[:500],
                occurred_at=when,
                channel="message",
                direction="outbound" if outbound else "inbound",
                people=people,
                summary=message.subject or excerpt(text),
                content=text,
            )
        )


def _read_messages(source: SourceFile, batch: ImportBatch) -> Iterator[_Message]:
    rows = csv_rows(source)
    header_line, header = find_header(
        source, rows, lambda c: "conversation id" in c, "messages.csv (CONVERSATION ID, ...)"
    )
    cols = Columns(header)
    missing = [c.upper() for c in _MESSAGE_COLUMNS if c not in cols]
    if missing:
        raise ImportFailed(source.name, header_line, f"no {', '.join(missing)} column")
    conversation, title = cols.getter("conversation id"), cols.getter("conversation title")
    sender, sender_url = cols.getter("from"), cols.getter("sender profile url")
    to, to_urls = cols.getter("to"), cols.getter("recipient profile urls")
    date, subject, folder = cols.getter("date"), cols.getter("subject"), cols.getter("folder")
    draft = cols.getter("is message draft")
    content_at = cols.index["content"]
    width = len(header)
    for line, row in rows:
        if not check_width(source, line, row, width):
            continue
        box = folder(row).upper()
        raw_sender_url = sender_url(row)
        if draft(row).lower() in {"yes", "true"} or box == "DRAFTS":
            batch.skip("draft message", origin=source.name, line=line)
            continue
        if box == "SPAM":
            batch.skip("message in the spam folder", origin=source.name, line=line)
            continue
        if (
            "sponsored" in title(row).lower()
            or "SPONSORED" in box
            or "/company/" in raw_sender_url
            or "/showcase/" in raw_sender_url
        ):
            batch.skip("sponsored InMail", origin=source.name, line=line)
            continue
        from_name, from_url = sender(row), profile_url(raw_sender_url)
        if not from_url and from_name.casefold() in {"", "linkedin member", "linkedin"}:
            batch.skip("message from a hidden LinkedIn member", origin=source.name, line=line)
            continue
        yield _Message(
            line=line,
            conversation=conversation(row),
            sender=(from_name, from_url),
            recipients=_recipients(to(row), to_urls(row)),
            when_text=date(row),
            subject=subject(row),
            content=row[content_at] if content_at < len(row) else "",
        )


def _recipients(names_cell: str, urls_cell: str) -> list[tuple[str, str]]:
    """Pair recipient names with their profile URLs when the counts agree."""
    urls = [profile_url(u) for u in urls_cell.split(",") if u.strip()]
    urls = [u for u in urls if u]
    names = [n.strip() for n in names_cell.split(",") if n.strip()]
    if urls and len(names) == len(urls):
        return list(zip(names, urls, strict=True))
    if urls:
        return [("", u) for u in urls]
    return [(n, "") for n in names]


def _who_is_me(source: SourceFile, messages: list[_Message], me: _Me) -> _IsMe:
    """Return a test for "this participant is the user", inferring the user if needed."""
    urls, names = set(me.urls), set(me.names)
    if not urls and messages:
        # The user is in every conversation: the participant seen in the most is them.
        seen: dict[str, set[str]] = {}
        for message in messages:
            for name, url in (message.sender, *message.recipients):
                key = url or f"name:{name.casefold()}"
                seen.setdefault(key, set()).add(message.conversation)
        counts = Counter({key: len(convs) for key, convs in seen.items()})
        named = [k for k in counts if k.startswith("name:") and k[5:] in names]
        by_url_name = {
            m.sender[1] for m in messages if m.sender[1] and m.sender[0].casefold() in names
        }
        ranked = counts.most_common(2)
        if by_url_name:
            urls |= by_url_name
        elif named:
            pass
        elif len(ranked) == 1 or (len(ranked) == 2 and ranked[0][1] > ranked[1][1]):
            top = ranked[0][0]
            if top.startswith("name:"):
                names.add(top[5:])
            else:
                urls.add(top)
        else:
            raise ImportFailed(
                source.name,
                None,
                "cannot tell which participant is you; pass --me with your LinkedIn profile URL",
            )
    return _IsMe(urls=urls, names=names)


@dataclass(frozen=True)
class _IsMe:
    urls: set[str]
    names: set[str]

    def __call__(self, participant: tuple[str, str]) -> bool:
        name, url = participant
        if url:
            return url in self.urls
        return name.casefold() in self.names
