"""Fetch the next batch in a thread while the caller works on the one it has.

Used by the summary rebuild on PostgreSQL (its slices of events); `stop_readers` also
ends the export's chunk readers (amity.portability.json_rows).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def read_ahead(fetch: Callable[[], list[T]], depth: int = 2) -> Iterator[list[T]]:
    """Yield what `fetch` returns until it returns nothing, fetching the next meanwhile.

    The drivers let go of the interpreter lock while the database works (SQLite's
    steps, the wait for PostgreSQL's rows), so a thread fetching ahead lets the
    database and the caller's Python use two cores. The thread calls only `fetch`,
    on a cursor the caller opened: it reads in the caller's transaction. At most
    `depth` batches wait, so memory stays flat.
    """
    batches: queue.Queue[list[T] | BaseException] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.is_set():
                rows = fetch()
                batches.put(rows)
                if not rows:
                    return
        except BaseException as exc:  # handed to the caller, who raises it
            batches.put(exc)

    reader = threading.Thread(target=run, name="read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            got = batches.get()
            if isinstance(got, BaseException):
                raise got
            if not got:
                return
            yield got
    finally:
        stop_readers(stop, [(reader, batches)])


def stop_readers(
    stop: threading.Event, readers: Iterable[tuple[threading.Thread, queue.Queue[Any]]]
) -> None:
    """Set `stop` and wait for each reader thread, emptying its queue meanwhile.

    The caller may stop early: a reader blocked putting into a full queue would never
    see `stop`, so what it puts is taken and dropped until it ends.
    """
    stop.set()
    for thread, waiting in readers:
        while thread.is_alive():
            with contextlib.suppress(queue.Empty):
                waiting.get(timeout=0.05)
        thread.join()
