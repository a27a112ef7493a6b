"""Parse the plain interactions CSV: `person,occurred_at,direction,channel,intent,subtype,note`.

Only `person` and `occurred_at` are required. `person` is an email address, a
LinkedIn profile URL or a display name; people nobody knows yet are created.
Direction, channel, intent and subtype accept what `amity log` accepts. A row's key
is its person, time and channel, so re-importing a corrected note updates it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from amity.domain import vocabulary
from amity.domain.names import is_email, normalize_email, normalize_linkedin_url
from amity.importers.dates import parse_datetime
from amity.importers.errors import ImportFailed
from amity.importers.records import (
    ImportBatch,
    InteractionRecord,
    ParseOptions,
    PersonRecord,
    name_from_email,
    name_from_slug,
)
from amity.importers.sniffing import expect
from amity.importers.source_files import Columns, SourceFile, check_width, csv_rows, find_header

SOURCE = "interactions"
WANTED = "an Amity interactions CSV (person,occurred_at,direction,channel,intent,subtype,note)"
COLUMNS = ("person", "occurred_at", "direction", "channel", "intent", "subtype", "note")


def parse_interactions(source: SourceFile, options: ParseOptions) -> ImportBatch:
    """Return the interactions of an interactions CSV."""
    expect(source, {"interactions"}, WANTED)
    batch = ImportBatch(source=SOURCE)
    rows = csv_rows(source)
    _, header = find_header(
        source, rows, lambda c: {"person", "occurred_at"} <= c, "person,occurred_at", limit=1
    )
    cols = Columns(header)
    get = {name: cols.getter(name) for name in COLUMNS}
    width = len(header)
    mentions: dict[str, PersonRecord] = {}
    seen: set[str] = set()
    for line, row in rows:
        if not check_width(source, line, row, width):
            continue
        ref = " ".join(get["person"](row).split())
        if not ref:
            raise ImportFailed(source.name, line, "person is empty")
        raw_when = get["occurred_at"](row)
        if not raw_when:
            raise ImportFailed(source.name, line, "occurred_at is empty")
        try:
            when = parse_datetime(raw_when, default_tz=options.default_tz)
        except ValueError as exc:  # named by its column, as the other fields' errors are
            raise ImportFailed(source.name, line, f"occurred_at: {exc}") from None
        try:
            kind = _classify(get, row)
        except ValueError as exc:
            raise ImportFailed(source.name, line, str(exc)) from None
        channel, direction, intent, subtype = kind
        person = _mention(source, line, ref, mentions)
        key_basis = f"{_key_of(ref)}|{when.isoformat()}|{channel}"
        external_id = "row:" + hashlib.sha1(key_basis.encode()).hexdigest()
        if external_id in seen:
            batch.skip(
                "duplicate row (same person, time and channel)", origin=source.name, line=line
            )
            continue
        seen.add(external_id)
        batch.interactions.append(
            InteractionRecord(
                origin=source.name,
                line=line,
                external_id=external_id,
                occurred_at=when,
                channel=channel,
                direction=direction,
                people=[person],
                summary=get["note"](row),
                intent=intent,
                subtype=subtype,
            )
        )
    return batch


def _classify(
    get: dict[str, Callable[[list[str]], str]], row: list[str]
) -> tuple[str, str, str, str]:
    """Return canonical channel, direction, intent and subtype; ValueError names the problem."""

    def cell(name: str) -> str:
        return get[name](row)

    channel = vocabulary.parse_channel(cell("channel") or "message")
    direction = vocabulary.parse_direction(cell("direction") or "outbound")
    intent, subtype = cell("intent"), cell("subtype")
    if subtype and not intent:
        # As with `amity log`, a subtype alone implies its intent.
        intent = vocabulary.intent_of_subtype(vocabulary.parse_any_subtype(subtype))
    intent = vocabulary.parse_intent(intent or "neutral")
    subtype = vocabulary.parse_subtype(subtype, intent=intent) if subtype else ""
    return channel, direction, intent, subtype


def _key_of(ref: str) -> str:
    if is_email(ref):
        return normalize_email(ref)
    return normalize_linkedin_url(ref) or ref.casefold()


def _mention(
    source: SourceFile, line: int, ref: str, mentions: dict[str, PersonRecord]
) -> PersonRecord:
    key = _key_of(ref)
    record = mentions.get(key)
    if record is not None:
        return record
    if is_email(ref):
        record = PersonRecord(
            source.name, line, name_from_email(key), profile=False, emails=[(ref, "")]
        )
    elif normalize_linkedin_url(ref):
        record = PersonRecord(
            source.name, line, name_from_slug(key), profile=False, linkedin_url=key
        )
    else:
        record = PersonRecord(source.name, line, ref, profile=False, match_by_name=True)
    mentions[key] = record
    return record
