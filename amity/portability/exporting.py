"""Export everything a user owns to one JSON document, and restore it into an empty account.

The document is a registry of sections (amity.portability.sections). Amity's core
registers tags, people, interactions and notes here; every other app adds its records
from its AppConfig.ready without touching this module, usually with `model_section`::

    register_section(model_section("referrals", Referral,
                                   refs={"referrer": "people", "person": "people"},
                                   order=("created_at", "uid")))

Sections: tags, people (with contact points), interactions, notes; from the people
app snoozes, cadences, daily_lists (each with its picks, keyed by day); importers:
external_keys, import_runs; inbox: triage_labels; network: reading_items,
introductions, referrals.

Deliberately not exported (`NOT_EXPORTED`): engine summaries (PersonSummary, derived
from interactions; restore rebuilds them with timeline.refresh_summaries), profile
embeddings and the reading list's vectors (caches of the text model, rebuilt when
needed), an introduction's pair_key (database ids; recomputed on restore) and API
tokens (secrets; a restored account makes new ones).

Records refer to each other by `uid` (people, interactions, notes...) or tag name,
never by database id, so a restore into another database gives the same document back.

Shape (one record per line, keys sorted inside records, so two exports of the same
data differ only in `exported_at`)::

    {"format": "amity-export", "version": 1, "exported_at": "2026-11-02T12:00:00+00:00",
     "user": "ada",
     "tags": [{"name": "mentors"}],
     "people": [PersonJSON without "id"],
     "interactions": [InteractionJSON without "id"; "people" is a list of person uids],
     "notes": [{"uid": "…", "person": "<person uid>", "body": "…", "created_at": "…"}],
     "snoozes": [{"person": "<uid>", "until": "2027-01-01", "created_at", "updated_at"}],
     "daily_lists": [{"day": "…", ..., "picks": [{"person": "<uid>", "rank": 0, ...}]}],
     ...one key per registered section: every column, foreign keys as uids}
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from typing import Any, TextIO, cast

import orjson
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from amity.core import hooks
from amity.core.bootstrap import refresh_planner_statistics
from amity.core.bulk_writing import bulk_cache
from amity.core.collector import collector_paused
from amity.core.column_reads import epoch_micros, read_numbers
from amity.core.json_stream import JsonObjectStream, JsonStreamError
from amity.core.load_constraints import indexes_built_at_end, keys_checked_at_end
from amity.core.progress import NoProgress, Progress
from amity.core.shared_snapshot import shared_transaction
from amity.domain.control_chars import ESCAPED_CONTROL, clean_record
from amity.people import timeline
from amity.people.models import Interaction, Note, Person
from amity.portability.demo import SOURCE as DEMO_SOURCE
from amity.portability.records import (
    RecordError,
)
from amity.portability.restored_events import Summary
from amity.portability.sections import (
    HEADER_KEYS,
    SECTIONS,
    IdMaps,
    RestoreError,
    Section,
    repeated_uid,
)
from amity.relationships import bulk_summaries
from amity.relationships.models import PersonSummary
from amity.relationships.stored_summaries import refresh_engine_summaries

EXPORT_FORMAT = "amity-export"
EXPORT_VERSION = 1
PROGRESS_STEP = 1000
"""Records an export writes between two progress reports (a report costs microseconds)."""

# Models that own user data but have no section, and why (tests/people/test_exporting.py
# fails when a model owning user data is in neither a section nor this list).
NOT_EXPORTED: dict[str, str] = {
    "relationships.PersonSummary": "derived from interactions; rebuilt by restore",
    "network.ProfileEmbedding": "a cache of text-model vectors; rebuilt when needed",
    "accounts.ApiToken": "secrets: a restored account creates new tokens",
    "core.UndoRecord": "a 30-minute window to undo an action; nothing to carry over",
    # Live sync (issue 16): what it brought is exported; the accounts hold passwords.
    "sync.MailAccount": "holds a mail password: add the account again after a restore",
    "sync.MailFolder": "sync positions of a mail account; a new account reads again",
    "sync.ContactBook": "holds an address book password: add it again after a restore",
    "sync.ContactCard": "sync state of an address book; a new book links cards again",
    # Imports (issue 15): the history itself (import_runs) is exported.
    "importers.ImportJob": "a web upload's progress while the worker runs it; the finished "
    "import is in import_runs",
    "importers.ImportChange": "who each import created and the old values it replaced, "
    "tied to database ids of people and runs; the people themselves are exported",
    # Reminders (issue 17).
    "reminders.CalendarFeed": "a secret feed address: `amity calendar url` makes a new one",
    "reminders.ReminderProfile": "time zone, channels and when each last went out; set "
    "them again with `amity reminders` (a restored home must not resend today's digest)",
}


# -- export -------------------------------------------------------------------------


def _line(value: Any) -> str:
    # orjson: several times faster than json.dumps; keys sorted, UTF-8 kept as it is.
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def export_json(
    *, owner: AbstractBaseUser, out: TextIO, progress: Progress | None = None
) -> dict[str, int]:
    """Write everything `owner` has as one JSON document; return records per section.

    `progress` hears one phase per section (steps are records).
    """
    progress = progress or NoProgress()
    counts: dict[str, int] = {}
    header = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now().astimezone(dt.UTC).isoformat(),
        "user": owner.get_username(),
    }
    out.write("{\n")
    out.write("".join(f"{_line(key)}: {_line(value)},\n" for key, value in header.items()))
    # One transaction, whose snapshot more connections may share (json_rows): the
    # sections agree with each other.
    with shared_transaction():
        for position, section in enumerate(SECTIONS.values()):
            out.write(f"{_line(section.name)}: [")
            progress.phase(f"Exporting {section.name.replace('_', ' ')}", _size(section, owner))
            count = _write_records(section, owner, out, progress)
            out.write("\n]" if count else "]")
            out.write(",\n" if position < len(SECTIONS) - 1 else "\n")
            counts[section.name] = count
    out.write("}\n")
    return counts


def _write_records(
    section: Section, owner: AbstractBaseUser, out: TextIO, progress: Progress
) -> int:
    """Write a section's records, one per line and comma-separated; return how many."""
    count = 0
    if section.dump_text is not None:
        # Written by the database: one write per chunk of records.
        write = _utf8_writer(out)
        for records, text in section.dump_text(owner):
            write(b"\n" if count == 0 else b",\n")
            write(text)
            count += records
            progress.advance(records)
        return count
    for record in section.dump(owner):
        out.write(("\n" if count == 0 else ",\n") + _line(record))
        count += 1
        if count % PROGRESS_STEP == 0:
            progress.advance(PROGRESS_STEP)
    progress.advance(count % PROGRESS_STEP)
    return count


def _utf8_writer(out: TextIO) -> Callable[[bytes], object]:
    """Return how to write UTF-8 text to `out` after what was written to it so far.

    A UTF-8 file's bytes go straight to its buffer (after the text before them):
    the 800 MB of a 100k/2M export's interactions were otherwise decoded into
    Python strings and encoded back, about 2 s of CPU each way. Other outputs
    (a StringIO, the command's stdout) get the text.
    """
    buffer = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None) or ""
    if buffer is None or os.linesep != "\n" or codecs.lookup(encoding).name != "utf-8":
        return lambda data: out.write(data.decode())
    out.flush()
    return cast(Callable[[bytes], object], buffer.write)


def _size(section: Section, owner: AbstractBaseUser) -> int | None:
    """Return how many records a section will write (None when it cannot tell)."""
    if not section.models:
        return None
    return int(section.models[0]._default_manager.filter(owner=owner).count())


# -- restore ------------------------------------------------------------------------


def existing_data(owner: AbstractBaseUser) -> list[str]:
    """Return the names of the sections in which `owner` already has records."""
    return [name for name, section in SECTIONS.items() if section.has_data(owner)]


def _check_header(key: str, value: Any) -> None:
    if key == "format" and value != EXPORT_FORMAT:
        raise RestoreError(f"not an Amity export: 'format' is {value!r}, not {EXPORT_FORMAT!r}")
    if key == "version" and (
        isinstance(value, bool) or not isinstance(value, int) or value > EXPORT_VERSION
    ):
        raise RestoreError(
            f"unsupported export version {value!r}: this Amity reads up to {EXPORT_VERSION}"
        )
    if key in ("exported_at", "user") and not isinstance(value, str):
        raise RestoreError(f"field {key!r} must be text, found {value!r}")


class _ReadCounter:
    """Pass reads through, reporting how many characters went by."""

    def __init__(self, fp: TextIO, progress: Progress) -> None:
        self._fp, self._progress = fp, progress

    def read(self, size: int = -1) -> str:
        """Read from the file and advance the progress by what was read."""
        data = self._fp.read(size)
        self._progress.advance(len(data))
        return data


# What merely looking at the demo fills in (Today keeps its list for the day).
_VIEWING_SECTIONS = {"daily_lists"}


def untouched_demo(owner: AbstractBaseUser) -> bool:
    """Tell whether everything the owner has is the demo network as it was built.

    `amity serve` loads the demo into an empty database; a restore that follows is
    what the user wants, so the demo may give way to it. Any sign of use keeps it:
    a person added or edited (provenance other than the demo's, or updated after the
    demo's last interaction), an interaction not from the demo, a note written after
    it, or any section besides the demo's own and the day lists viewing Today stores.
    """
    busy = set(existing_data(owner))
    if not busy or not busy <= {"tags", "people", "interactions", "notes", *_VIEWING_SECTIONS}:
        return False
    if Interaction.objects.filter(owner=owner).exclude(source=DEMO_SOURCE).exists():
        return False
    # The demo's history ends before the day it is built; any edit or note is later.
    last = Interaction.objects.filter(owner=owner).aggregate(last=Max("occurred_at"))["last"]
    if last is None or Note.objects.filter(owner=owner, created_at__gt=last).exists():
        return False
    people = Person.objects.filter(owner=owner)
    if people.filter(updated_at__gt=last).exists():
        return False
    return all(
        set((provenance or {}).values()) <= {DEMO_SOURCE}
        for provenance in people.values_list("provenance", flat=True).iterator()
    )


def restore_json(
    *,
    owner: AbstractBaseUser,
    fp: TextIO,
    progress: Progress | None = None,
    size: int | None = None,
) -> dict[str, int]:
    """Restore an Amity JSON export into the owner's empty account; return counts.

    An account holding only the untouched demo (see untouched_demo) counts as empty:
    the demo is deleted in the same transaction. Runs in one transaction: on any
    error (RestoreError names the record and field) nothing is written, the demo
    included. `progress` hears two phases: reading the file (`size`, its length,
    when known; steps are characters) and rebuilding summaries (people).
    """
    progress = progress or NoProgress()
    demo = untouched_demo(owner)
    if not demo and (busy := existing_data(owner)):
        raise RestoreError(
            f"user {owner.get_username()!r} already has {', '.join(busy)}; restore only "
            "into an empty account (create one with `amity user create NAME`)"
        )
    try:
        # Millions of decoded records make no reference cycles, yet with the collector
        # on each pass rescans the batches alive (a third of the decoding's time).
        with collector_paused(), bulk_cache(), transaction.atomic():
            if demo:
                _clear_demo(owner)
            progress.phase("Reading the export", size)
            reader = cast(TextIO, _ReadCounter(fp, progress))
            # Control characters are removed from every text, as imports do (see
            # amity.domain.control_chars): an SQLite export restores on PostgreSQL.
            stream = JsonObjectStream(reader, object_hook=clean_record, hook_needs=ESCAPED_CONTROL)
            # PostgreSQL, into empty tables: the millions of rows' foreign keys are
            # checked by one join each at the end, not one query per row.
            bulk = bulk_models()
            with keys_checked_at_end(bulk, owner_id=owner.pk):
                maps = IdMaps(owner)
                with indexes_built_at_end(bulk, explain=lambda _: _repeated_uid(owner)):
                    counts = _restore(owner, stream, maps)
                # After the indexes are back: the rebuild reads by them.
                _rebuild_summaries(owner, progress, maps.summaries)
    except JsonStreamError as exc:
        raise RestoreError(str(exc)) from None
    except RecordError as exc:
        raise RestoreError(str(exc)) from None
    except IntegrityError as exc:
        raise RestoreError(f"the file breaks a database rule: {exc}") from None
    # A restore is the biggest bulk write there is (see bootstrap).
    refresh_planner_statistics()
    # Restored profiles are embedded for Share by the background worker.
    hooks.profiles_changed(owner_id=owner.pk)
    return counts


def _repeated_uid(owner: AbstractBaseUser) -> RestoreError | None:
    """Name the first record whose uid another record of the file (or account) holds.

    On PostgreSQL every unique index of the big tables is built after the whole
    file (load_constraints.indexes_built_at_end); people come before interactions.
    """
    return repeated_uid(Person, owner, "people") or repeated_uid(Interaction, owner, "interactions")


def bulk_models() -> list[type[Model]]:
    """Return the models a restore fills with most of its rows (and their link tables)."""
    found: list[type[Model]] = [PersonSummary]
    for name in ("tags", "people", "interactions", "notes"):
        for model in SECTIONS[name].models:
            found.append(model)
            found.extend(f.remote_field.through for f in model._meta.local_many_to_many)
    return found


def _clear_demo(owner: AbstractBaseUser) -> None:
    """Delete the untouched demo (people, interactions, notes, tags, day lists)."""
    for section in ("daily_lists", "interactions", "notes", "people", "tags"):
        for model in reversed(SECTIONS[section].models):
            model.objects.filter(owner=owner).delete()


def _restore(owner: AbstractBaseUser, stream: JsonObjectStream, maps: IdMaps) -> dict[str, int]:
    """Load every section of the file into the owner's account; return counts."""
    counts: dict[str, int] = {}
    header: set[str] = set()
    waiting: dict[str, list[Any]] = {}

    def load(section: Section, rows: Iterable[Any]) -> None:
        counts[section.name] = section.load(owner, rows, maps)

    for key, value in stream.members():
        if key in HEADER_KEYS:
            _check_header(key, value)
            header.add(key)
            continue
        section = SECTIONS.get(key)
        if section is None:
            raise RestoreError(
                f"unknown section {key!r} (written by a newer Amity or an app not installed)"
            )
        if key in counts or key in waiting:
            raise RestoreError(f"section {key!r} appears twice")
        if not isinstance(value, Iterator):
            raise RestoreError(f"section {key!r} must be a list, found {type(value).__name__}")
        if all(need in counts for need in section.needs):
            load(section, value)
        else:
            # A hand-edited file may put a section before the ones it refers to.
            waiting[key] = list(value)
        ready = [name for name in waiting if all(n in counts for n in SECTIONS[name].needs)]
        while ready:
            load(SECTIONS[ready[0]], waiting.pop(ready[0]))
            ready = [name for name in waiting if all(n in counts for n in SECTIONS[name].needs)]
    for key in ("format", "version"):
        if key not in header:
            raise RestoreError(f"not an Amity export: missing {key!r}")
    missing = {name for name, s in SECTIONS.items() if s.required and name not in counts}
    missing.update(need for name in waiting for need in SECTIONS[name].needs if need not in counts)
    if missing:
        raise RestoreError(f"the file lacks section(s): {', '.join(sorted(missing))}")
    return counts


def _rebuild_summaries(
    owner: AbstractBaseUser, progress: Progress, computed: Future[Summary | None] | None
) -> None:
    """Recompute what the export leaves out because it follows from interactions.

    The engine's summaries of everyone are rebuilt in one pass over the interactions
    (amity.relationships.bulk_summaries), or written from `computed`, the same
    worked out from the interactions as they were restored (restored_events), when
    that covers everyone and so many people that the pass would have been taken;
    people whose stored count or last interaction disagree with them (a hand-edited
    file) are then recounted.
    """
    people = Person.objects.filter(owner=owner)
    progress.phase("Rebuilding tie summaries", people.filter(interaction_count__gt=0).count())
    summary = computed.result() if computed is not None else None
    if (
        summary is not None
        and len(summary[0]) >= bulk_summaries.BULK_PEOPLE
        and len(summary[0]) == people.count()
    ):
        bulk_summaries.write_owner(owner.pk, *summary)
    else:
        refresh_engine_summaries(person_ids=people.values_list("pk", flat=True))
    stale = _stale_counts(owner)
    if stale:
        timeline.refresh_summaries(person_ids=stale)
    progress.advance(people.filter(interaction_count__gt=0).count())


def _stale_counts(owner: AbstractBaseUser) -> list[int]:
    """Return the people whose interaction_count or last_interaction_at the summaries deny."""
    q = connection.ops.quote_name
    ids, counts, lasts = read_numbers(
        f"FROM {q(Person._meta.db_table)} WHERE {q('owner_id')} = %s",
        [
            q("id"),
            q("interaction_count"),
            f"COALESCE({epoch_micros(q('last_interaction_at'))}, -1)",
        ],
        [owner.pk],
    )
    summary_ids, summary_counts, summary_lasts = read_numbers(
        f"FROM {q(PersonSummary._meta.db_table)} WHERE {q('owner_id')} = %s",
        [q("person_id"), q("count"), f"CAST(ROUND({q('last_ts')} * 1000000) AS BIGINT)"],
        [owner.pk],
    )
    # Without a summary a person has no interactions: count 0, no last time.
    expected_count = dict.fromkeys(ids.tolist(), 0)
    expected_last = dict.fromkeys(ids.tolist(), -1)
    expected_count.update(zip(summary_ids.tolist(), summary_counts.tolist(), strict=True))
    expected_last.update(zip(summary_ids.tolist(), summary_lasts.tolist(), strict=True))
    return [
        pk
        for pk, count, last in zip(ids.tolist(), counts.tolist(), lasts.tolist(), strict=True)
        if (count, last) != (expected_count[pk], expected_last[pk])
    ]
