"""Decode a restore section's records in batches ahead of the writer, and defer its indexes.

The batches of a big section (people, interactions) are read and checked while the
caller's connection writes the last: blocks of record lines in forked processes
(amity.core.process_ahead), otherwise in a thread (amity.core.read_ahead). A
section big enough has its tables' indexes built after its rows
(amity.core.deferred_indexes). amity.portability.people_restore writes the batches.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from amity.core import process_ahead
from amity.core.deferred_indexes import indexes_built_after
from amity.core.json_stream import BLOCK_CHARS, Items, LineBlock
from amity.core.process_ahead import Failed, map_ahead
from amity.core.read_ahead import iterate_ahead
from amity.portability.sections import (
    RESTORE_BATCH,
    Record,
    label,
    label_uid,
    objects,
    record_batches,
    repeated_uid,
)

DEFER_INDEXES_FROM = RESTORE_BATCH
"""Records a section's first batch must hold for its tables' indexes to be built after
its rows (amity.core.deferred_indexes): a section that fills a batch is big enough for
one sort per index to beat keeping every index up to date row by row."""


@dataclass
class Decoded:
    """A batch of records read from the file and checked, ready to be written."""

    section: str
    start: int
    """The place of the batch's first record in its section (set by the caller of decode
    where the batch was decoded in another process, which cannot know it)."""
    named_by: list[Any]
    """Each record's "uid" as the file gives it: what errors name the record by."""
    columns: dict[str, Any]
    big: bool = field(default=False, kw_only=True)
    """Part of a section decoded in processes: a big one, whatever the batch's count
    (long records make blocks of fewer of them)."""

    @property
    def count(self) -> int:
        """Return how many records the batch holds."""
        return len(self.named_by)

    def where(self, index: int) -> str:
        """Name record `index` of the batch in errors (worded only when one is raised)."""
        return label_uid(self.section, self.start + index, self.named_by[index])


D = TypeVar("D", bound=Decoded)


def namer(section: str, start: int, records: list[Record]) -> Callable[[int], str]:
    """Return what names record i of a batch in errors (worded only when one is raised)."""
    return lambda index: label(section, start + index, records[index])


def named_by(records: list[Record]) -> list[Any]:
    """Return each record's "uid" value (None where it has none), for Decoded.where."""
    return [record.get("uid") for record in records]


@contextmanager
def decoded_ahead(
    section: str,
    rows: Iterable[Any],
    decode: Callable[[int, list[Record]], D],
    *,
    in_processes: bool = False,
) -> Iterator[Iterator[D]]:
    """Yield the section's batches decoded by `decode`, the next ones meanwhile.

    Reading the file, orjson and the column checks of the next batches run while the
    caller writes the last. With `in_processes` (a `decode` that keeps nothing from
    one batch to the next) and where the platform allows, big blocks of record lines
    are decoded in forked processes (decoded_in_processes); otherwise in a thread,
    which overlaps only where the database works without the interpreter lock.
    `decode` must not touch the database: every query stays on the caller's
    connection, in its transaction. An error in `decode` is raised in the caller's
    loop after the batches before it; an error in the caller stops the decoding.
    """
    if in_processes and isinstance(rows, Items) and process_ahead.available():
        pieces = rows.pieces(RESTORE_BATCH)
        first = next(pieces, None)
        pieces = chain([first] if first is not None else [], pieces)
        # A section of one batch or less is not worth a process (nor its start-up).
        if isinstance(first, LineBlock) and (
            first.lines >= RESTORE_BATCH or len(first.text) >= BLOCK_CHARS // 2
        ):
            with closing(decoded_in_processes(section, pieces, decode)) as ahead:
                yield ahead
            return
        rows = _records_of(pieces)
    batches = (
        decode(start, records) for start, records in record_batches(section, rows, RESTORE_BATCH)
    )
    with closing(iterate_ahead(batches, depth=2)) as ahead:
        yield ahead


def decoded_in_processes(
    section: str, pieces: Iterable[Any], decode: Callable[[int, list[Record]], D]
) -> Generator[D, None, None]:
    """Yield the section's batches, each block of record lines decoded in another process.

    The writer's process only cuts the file into blocks and unpickles the columns
    (amity.core.process_ahead). A worker knows neither the block's place in the
    section nor how to word its errors in the file's terms: a block it cannot decode
    (an error, or lines only the standard decoder reads) comes back Failed and is
    decoded here, where the error names the record and character as the thread path
    would.
    """

    def decode_piece(piece: LineBlock | list[Any]) -> D:
        records = piece.fast_records() if isinstance(piece, LineBlock) else piece
        if records is None or set(map(type, records)) != {dict}:
            raise ValueError("not a block of records")
        return decode(0, records)

    start = 0
    for piece, answer in map_ahead(decode_piece, _blocks(pieces)):
        if isinstance(answer, Failed):
            records = piece.records() if isinstance(piece, LineBlock) else piece
            answer = decode(start, objects(section, start, records))
        answer.start = start
        answer.big = True
        start += answer.count
        yield answer


def _blocks(pieces: Iterable[Any]) -> Iterator[LineBlock | list[Any]]:
    """Yield Items.pieces as they come, loose items gathered in lists of RESTORE_BATCH."""
    loose: list[Any] = []
    for piece in pieces:
        if isinstance(piece, LineBlock):
            if loose:
                yield loose
                loose = []
            yield piece
        else:
            loose.append(piece)
            if len(loose) == RESTORE_BATCH:
                yield loose
                loose = []
    if loose:
        yield loose


def _records_of(pieces: Iterable[Any]) -> Iterator[Any]:
    """Yield the items of Items.pieces one by one, decoding the LineBlocks among them."""
    for piece in pieces:
        if isinstance(piece, LineBlock):
            yield from piece.records()
        else:
            yield piece


@contextmanager
def indexes_after_if_big(
    batches: Iterator[D], *tables: type[models.Model], owner: AbstractBaseUser, section: str
) -> Iterator[Iterator[D]]:
    """Give the batches back, with the tables' indexes built after them if the section is big.

    The first table is the section's own (keyed by uid): a uid the file repeats
    across batches, or another account has, is then found when its unique index is
    built, and named as an insert would have (sections.repeated_uid).
    """
    first = next(batches, None)
    if first is None:
        yield iter(())
        return
    every = chain([first], batches)
    if first.count < DEFER_INDEXES_FROM and not first.big:
        yield every
        return
    model = tables[0]
    with indexes_built_after(*tables, explain=lambda _: repeated_uid(model, owner, section)):
        yield every
