"""Fetch the next batch in a thread while the caller works on the one it has.

Used by the summary rebuild on PostgreSQL (its slices of events) and by the restore
(the next batch of records read, decoded and checked while the last one is written);
`stop_readers` also ends the export's chunk readers (amity.portability.json_rows), and
`started_in_thread` runs one piece of work beside the caller's.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_DONE = object()
"""What the thread puts after the last item."""


def read_ahead(fetch: Callable[[], list[T]], depth: int = 2) -> Iterator[list[T]]:
    """Yield what `fetch` returns until it returns nothing, fetching the next meanwhile.

    The drivers let go of the interpreter lock while the database works (SQLite's
    steps, the wait for PostgreSQL's rows), so a thread fetching ahead lets the
    database and the caller's Python use two cores. The thread calls only `fetch`,
    on a cursor the caller opened: it reads in the caller's transaction. At most
    `depth` batches wait, so memory stays flat.
    """
    return iterate_ahead(iter(fetch, []), depth)


def iterate_ahead(items: Iterable[T], depth: int = 2) -> Generator[T, None, None]:
    """Yield the items of `items`, taking the next ones from it in a thread meanwhile.

    The work of producing an item (reading and decoding a file, a query) overlaps
    the caller's work on the last one wherever either lets go of the interpreter
    lock. At most `depth` items wait, so memory stays flat. An exception raised
    while producing an item is raised here, in its place; closing the generator
    (the caller stopped early, or failed) stops the thread and waits for it, so
    nothing reads `items` after that. Close it explicitly (`contextlib.closing`)
    when the caller may fail: a generator held by a traceback is closed late.
    """
    waiting: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def run() -> None:
        try:
            for item in items:
                waiting.put(item)
                if stop.is_set():
                    return
            waiting.put(_DONE)
        except BaseException as exc:  # handed to the caller, who raises it
            waiting.put(exc)

    reader = threading.Thread(target=run, name="read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            got = waiting.get()
            if got is _DONE:
                return
            if isinstance(got, BaseException):
                raise got
            yield got
    finally:
        stop_readers(stop, [(reader, waiting)])


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


def started_in_thread(func: Callable[..., R], *args: Any, name: str) -> Future[R]:
    """Start func(*args) in a thread of its own; return its future.

    Nothing else goes to that thread: it ends with the call, and only a caller of
    the future's result waits for it.
    """
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    future = pool.submit(func, *args)
    pool.shutdown(wait=False)
    return future
