"""Run a pure function over a stream of items in forked processes, results in order.

The restore's decoding (orjson and the column checks of millions of records) shares
the interpreter lock with the writer in a thread: SQLite's executemany lets go of it
around every statement, so the two threads take turns instead of using both cores. Here
each item is decoded by one of a few forked processes while the caller writes: the
caller only sends text down a pipe and unpickles finished columns.

`func` must not touch the database or anything else shared: a forked process has a
copy of the caller's memory (the maps it reads) and a copy of its open connections,
which it must leave alone. Where fork is not available (or the machine has one core)
`available()` says so and the caller keeps to its thread.
"""

from __future__ import annotations

import io
import itertools
import multiprocessing
import os
import pickle
import sys
import threading
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PROCESSES = 2
"""Decoding processes: with the caller's, one more than two cores (the caller waits on
the database part of the time)."""


@dataclass(frozen=True)
class Failed:
    """What `func` raised for an item, as text: the caller redoes the item itself."""

    error: str


class _End:
    """A worker's answer to the end of the items: nothing more comes from it."""


class _Stop:
    """The end of the items, sent to each worker."""


def _send(inbox: Connection, item: Any) -> bool:
    """Send an item to a worker; return False if its pipe is closed or broken."""
    try:
        inbox.send(item)
    except (OSError, ValueError):
        return False
    return True


def available() -> bool:
    """Tell whether items can be decoded in forked processes here."""
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def _serve(func: Callable[[Any], Any], inbox: Connection, outbox: Connection) -> None:
    """Answer every item from `inbox` with func(item) (or Failed) on `outbox`, in order."""
    try:
        while True:
            try:
                item = inbox.recv()
            except EOFError:
                return  # the caller stopped sending
            if isinstance(item, _Stop):
                outbox.send(_End())
                return
            try:
                answer = _pickled(func(item))
            except Exception as exc:  # the caller redoes the item and raises it there
                answer = _pickled(Failed(f"{type(exc).__name__}: {exc}"))
            outbox.send_bytes(answer)
    except KeyboardInterrupt:
        return  # Ctrl-C reaches the caller too, which stops the workers


def _pickled(value: Any) -> bytes:
    """Pickle `value` without the memo (answers hold no cycles).

    Remembering each of millions of plain values was a third of the pickling.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(value)
    return buffer.getvalue()


class _Pool(Generic[T]):
    """Forked workers with a pipe each way; items go round-robin, answers come back in turn."""

    def __init__(self, func: Callable[[T], Any], processes: int) -> None:
        context = multiprocessing.get_context("fork")
        # A forked process flushes the standard streams when it ends: anything still
        # in their buffers would be printed twice.
        sys.stdout.flush()
        sys.stderr.flush()
        self.inboxes: list[Connection] = []
        self.outboxes: list[Connection] = []
        self.workers = []
        for _ in range(processes):
            their_in, my_in = context.Pipe(duplex=False)
            my_out, their_out = context.Pipe(duplex=False)
            worker = context.Process(
                target=_serve, args=(func, their_in, their_out), name="decoder", daemon=True
            )
            worker.start()
            their_in.close()
            their_out.close()
            self.inboxes.append(my_in)
            self.outboxes.append(my_out)
            self.workers.append(worker)

    def answer(self, worker: int) -> Any:
        """Return the next answer of one worker; raise RuntimeError if it died first."""
        outbox = self.outboxes[worker]
        # Waiting on the process too: a worker killed (out of memory, say) never answers.
        wait([outbox, self.workers[worker].sentinel])
        try:
            return pickle.loads(outbox.recv_bytes())
        except EOFError:
            pass
        raise RuntimeError(
            f"a decoding process stopped unexpectedly (exit code {self.workers[worker].exitcode})"
        )

    def close_inboxes(self) -> None:
        """Close the pipes to the workers: each stops when it has read what was sent."""
        for inbox in self.inboxes:
            inbox.close()

    def stop(self) -> None:
        """Stop every worker at once (what they were doing is no longer wanted).

        A send blocked on a full pipe then fails (the reader is gone) instead of
        waiting for ever.
        """
        for worker in self.workers:
            worker.kill()  # SIGKILL: a handler the caller set for SIGTERM is the worker's too
        for worker in self.workers:
            worker.join()

    def close(self) -> None:
        """Close the pipes (after `stop`, once nothing sends any more)."""
        for connection in (*self.inboxes, *self.outboxes):
            if not connection.closed:
                connection.close()


def map_ahead(
    func: Callable[[T], R], items: Iterable[T], *, processes: int = PROCESSES, depth: int = 2
) -> Generator[tuple[T, R | Failed], None, None]:
    """Yield (item, func(item)) for each item, in order, func run in forked processes.

    A thread sends the items (taken from `items`, which may read a file) to the
    workers, at most `depth` per worker ahead of the caller, so memory stays a few
    items. What `func` raises comes back as Failed(text) in the item's place: the
    caller redoes that item where it can word the error (it knows what came before).
    What iterating `items` raises is raised here after the items before it. Closing
    the generator stops the thread and the workers. Call only where `available()`.
    """
    pool = _Pool(func, processes)
    count = len(pool.workers)
    sent: dict[int, T] = {}
    room = threading.Semaphore(depth * count)
    stop = threading.Event()
    failure: list[BaseException] = []

    def feed() -> None:
        iterator = iter(items)
        for index in itertools.count():
            try:
                item = next(iterator)
            except StopIteration:
                break
            except BaseException as exc:  # raised to the caller after what was sent
                failure.append(exc)
                break
            room.acquire()
            if stop.is_set():
                return
            sent[index] = item
            if not _send(pool.inboxes[index % count], item):
                # A worker is gone (or the caller closed the pipes): the others
                # hear the end of their pipes and stop too; the caller sees that.
                pool.close_inboxes()
                return
        for inbox in pool.inboxes:
            _send(inbox, _Stop())

    feeder = threading.Thread(target=feed, name="decoder-feed", daemon=True)
    feeder.start()
    try:
        index = 0
        while True:
            answer = pool.answer(index % count)
            if isinstance(answer, _End):
                break
            room.release()
            yield sent.pop(index), answer
            index += 1
        if failure:
            raise failure[0]
    finally:
        stop.set()
        room.release(depth * count + 1)  # a feeder waiting for room sees `stop`
        pool.stop()
        feeder.join()
        pool.close()
