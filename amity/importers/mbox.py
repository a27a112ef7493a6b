"""Parse an mbox mailbox: each message with the user becomes an email interaction.

The file is read as a stream (mailboxes get large) and split on "From " lines the
way the standard library's mailbox.mbox does; each message is parsed with the
standard `email` package. Automated mail (no-reply senders, notifications, mailing
lists) is skipped and counted. The Message-ID makes re-imports idempotent.
"""

from __future__ import annotations

import datetime as dt
import email
import email.message
import hashlib
import re
from collections.abc import Generator, Iterator
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_to_datetime

from amity.domain.control_chars import strip_controls
from amity.domain.names import is_email, normalize_email
from amity.importers.errors import ImportFailed
from amity.importers.htmltext import excerpt, html_to_text
from amity.importers.limits import RowCounter
from amity.importers.records import (
    ImportBatch,
    InteractionRecord,
    ParseOptions,
    PersonRecord,
    display_name,
    name_from_email,
)
from amity.importers.sniffing import expect
from amity.importers.source_files import SourceFile, check_row_count

SOURCE = "mbox"
WANTED = "an mbox mailbox"
_AUTOMATED_LOCAL = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|notifications?|notify|mailer[-_.]daemon|"
    r"postmaster|bounces?|newsletters?|alerts?|digest|automated)([-+._].*)?$",
    re.IGNORECASE,
)
_LIST_HEADERS = ("list-id", "list-unsubscribe", "list-post")
_MAX_CONTENT = 100_000
SEPARATOR = b"From "


def is_automated_address(address: str) -> bool:
    """Say whether an address belongs to a machine (no-reply, notifications, bounces)."""
    local = address.split("@", 1)[0]
    return bool(_AUTOMATED_LOCAL.match(local)) or "+bounce" in local.lower()


def _message_starts(source: SourceFile) -> Generator[int, None, None]:
    """Yield the line number of each "From " line, keeping nothing else."""
    with source.open() as stream:
        for number, line in enumerate(stream, start=1):
            if line.startswith(SEPARATOR):
                yield number


def split_mbox(source: SourceFile) -> Iterator[tuple[int, bytes, bytes]]:
    """Yield (line number, "From " line, message bytes) for each message."""
    check_row_count(source, _message_starts, "messages")
    counter = RowCounter(source.name, "messages")
    with source.open() as stream:
        start, separator, body = 0, b"", bytearray()
        for number, line in enumerate(stream, start=1):
            if line.startswith(SEPARATOR):
                counter.add(number)
                if separator:
                    yield start, separator, bytes(body)
                start, separator, body = number, line, bytearray()
            elif not separator:
                if line.strip():
                    raise ImportFailed(
                        source.name, number, "not an mbox mailbox (no 'From ' line first)"
                    )
            else:
                body += line
        if separator:
            yield start, separator, bytes(body)
        elif start == 0:
            raise ImportFailed(source.name, 1, "the mailbox is empty")


def parse_mbox(source: SourceFile, options: ParseOptions) -> ImportBatch:
    """Return the email interactions between the user (options.me) and other people."""
    expect(source, {"mbox"}, WANTED)
    me = {normalize_email(m) for m in options.me if is_email(m)}
    if not me:
        raise ImportFailed(source.name, None, "pass --me with your email address(es)")
    batch = ImportBatch(source=SOURCE)
    mentions: dict[str, PersonRecord] = {}
    seen: set[str] = set()
    for line, separator, raw in split_mbox(source):
        message = email.message_from_bytes(raw)
        if not message.keys():
            raise ImportFailed(source.name, line + 1, "a message without any headers")
        record = message_interaction(
            origin=source.name,
            line=line,
            separator=separator,
            message=message,
            me=me,
            mentions=mentions,
            batch=batch,
        )
        if record is None:
            continue
        if record.external_id in seen:
            batch.skip("duplicate Message-ID", origin=source.name, line=line)
            continue
        seen.add(record.external_id)
        batch.interactions.append(record)
    return batch


def _header(message: email.message.Message, name: str) -> str:
    values = message.get_all(name) or []
    decoded = []
    for value in values:
        try:
            decoded.append(str(make_header(decode_header(str(value)))))
        except (LookupError, ValueError, UnicodeError, AssertionError):
            decoded.append(str(value))
    return strip_controls(", ".join(decoded))


def _addresses(message: email.message.Message, *names: str) -> list[tuple[str, str]]:
    found = []
    for name in names:
        text = _header(message, name)
        if text:
            for display, address in getaddresses([text]):
                if is_email(address):
                    found.append((display_name(display), address))
    return found


def _when(message: email.message.Message, separator: bytes) -> dt.datetime | None:
    candidates = [_header(message, "date")]
    # The "From " line ends with an asctime date: the delivery time, a fair fallback.
    parts = separator.decode("ascii", "replace").split(None, 2)
    if len(parts) == 3:
        candidates.append(parts[2].strip())
    for text in candidates:
        try:
            when = parsedate_to_datetime(text) if text else None
        except (TypeError, ValueError, IndexError, OverflowError):
            when = None
        if when is None:
            try:
                when = dt.datetime.strptime(" ".join(text.split()), "%a %b %d %H:%M:%S %Y")
            except ValueError:
                continue
        return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return None


def _is_automated(message: email.message.Message, sender: str) -> bool:
    if sender and is_automated_address(sender):
        return True
    if any(message.get(h) for h in _LIST_HEADERS):
        return True
    precedence = _header(message, "precedence").lower()
    if precedence in {"bulk", "list", "junk"}:
        return True
    auto = _header(message, "auto-submitted").lower()
    return bool(auto) and auto != "no"


def message_interaction(
    *,
    origin: str,
    line: int,
    separator: bytes,
    message: email.message.Message,
    me: set[str],
    mentions: dict[str, PersonRecord],
    batch: ImportBatch,
) -> InteractionRecord | None:
    """Return a message's interaction, or None (the reason counted); IMAP sync uses it too."""
    senders = _addresses(message, "from")
    if not senders:
        batch.skip("message without a sender address", origin=origin, line=line)
        return None
    sender_name, sender = senders[0]
    outbound = normalize_email(sender) in me
    if _is_automated(message, "" if outbound else sender):
        batch.skip("automated sender or mailing list", origin=origin, line=line)
        return None
    recipients = _addresses(message, "to", "cc", *(["bcc"] if outbound else []))
    if not outbound and not any(normalize_email(a) in me for _, a in recipients):
        batch.skip("message not to or from you", origin=origin, line=line)
        return None
    when = _when(message, separator)
    if when is None:
        batch.skip("message without a readable date", origin=origin, line=line)
        return None
    others = recipients if outbound else [(sender_name, sender)] + recipients
    people: list[PersonRecord] = []
    for name, address in others:
        key = normalize_email(address)
        if key in me or is_automated_address(key) or any(p is mentions.get(key) for p in people):
            continue
        if key not in mentions:
            mentions[key] = PersonRecord(
                origin=origin,
                line=line,
                full_name=name if name and "@" not in name else name_from_email(key),
                profile=False,
                emails=[(address, "")],
            )
        people.append(mentions[key])
    if not people:
        batch.skip("message with no other participant", origin=origin, line=line)
        return None
    subject = _header(message, "subject")
    content = _body(message)
    return InteractionRecord(
        origin=origin,
        line=line,
        external_id=_message_id(message, sender, when, subject),
        occurred_at=when,
        channel="email",
        direction="outbound" if outbound else "inbound",
        people=people,
        summary=" ".join(subject.split())[:300] or excerpt(content),
        content=content,
    )


def _message_id(
    message: email.message.Message, sender: str, when: dt.datetime, subject: str
) -> str:
    raw = _header(message, "message-id").strip().strip("<>").strip()
    if raw and len(raw) <= 450:
        return raw
    # No (usable) Message-ID: the sender, time and subject identify the message instead.
    basis = raw or f"{normalize_email(sender)}|{when.isoformat()}|{subject}"
    return "sha1:" + hashlib.sha1(basis.encode("utf-8", "replace")).hexdigest()


def _decode(part: email.message.Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        text = payload.decode("utf-8", errors="replace")
    return strip_controls(text)


def _body(message: email.message.Message) -> str:
    """Return the message text: the first text/plain part, else the first HTML part."""
    plain = html = None
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = _decode(part)
        elif kind == "text/html" and html is None:
            html = _decode(part)
    text = plain if plain is not None else html_to_text(html or "")
    return text.strip()[:_MAX_CONTENT]
