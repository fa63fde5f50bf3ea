"""The sync's writer: one thread, with its own connection, that runs every write of a sync.

Why a thread: a page's ingest (SQLite, the pipeline's rules and sentiment) run on the event loop
blocked the loop, which in the app is the window, for as long as it took. On the writer
thread, SQLite's C code (which releases the GIL) runs beside the loop, and the loop only
awaits a future. Why its own connection: the window keeps writing (triage) on the store's
connection meanwhile; SQLite's locking, not Python, keeps the two apart.

Writes that queue up while one runs are taken together into the next transaction (a
group commit, up to GROUP_ITEMS items): a busy sync pays for fewer, larger commits, while
a quiet one still commits each page at once. Each job runs in its own savepoint, so a
failing page rolls back alone and the others in its group are kept. Jobs run in the order
they were submitted, so a source's pages and cursors are written in order. Should the
thread's own work fail outside any job, every write in hand and every later one fails with
that error, so that a sync ends with it instead of waiting forever.

A sync that brings many new items (a first sync of a big account, an import) is written
as a bulk load (`inbox.store.bulk`): the author index is built again once it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from inbox.store import IngestResult, Store
from inbox.store.bulk import BulkLoad

log = logging.getLogger("inbox.sync")
T = TypeVar("T")
GROUP_ITEMS = 5_000  # items per transaction at most, when writes queue up


@dataclass(slots=True)
class _Job:
    fn: Callable[[Store], Any]
    size: int
    future: asyncio.Future = field(repr=False)


class Writer:
    """`async with Writer(store) as writer: await writer.submit(lambda s: s.save_page(...))`."""

    def __init__(self, store: Store) -> None:
        if str(store.path) == ":memory:":  # a second connection would open another, empty database
            raise ValueError("the sync writer needs a database file, not :memory:")
        self.path = store.path
        # a team inbox (PostgreSQL) opens its own writer: a connection pool of its own
        self._open: Callable[[], Store] = getattr(store, "reopen", None) or (lambda: Store(self.path))
        self.store: Store | None = None
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._expected = 0  # new items the sources said are coming, in all
        self._batch: list[_Job] = []  # the jobs of the transaction in hand
        self._closing = False  # the end-of-writes marker was taken from the queue

    async def __aenter__(self) -> Writer:
        self._loop = asyncio.get_running_loop()
        self.store = await asyncio.to_thread(self._open)  # opening runs the migration check
        self._thread = threading.Thread(target=self._run, name="inbox-sync-writer", daemon=True)
        self._thread.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Write everything submitted, then close (also when the sync was cancelled)."""
        self._queue.put(None)
        assert self._thread is not None and self.store is not None
        await asyncio.shield(asyncio.to_thread(self._thread.join))
        self.store.close()

    def submit(self, fn: Callable[[Store], T], size: int = 0) -> asyncio.Future[T]:
        """Queue `fn(store)`; the future settles on the loop when its transaction commits."""
        assert self._loop is not None, "use the writer inside `async with`"
        future: asyncio.Future[T] = self._loop.create_future()
        self._queue.put(_Job(fn, size, future))
        return future

    def expect(self, new_items: int) -> None:
        """Say that about `new_items` more new items are coming (a hint, from any thread):
        a big load is then written as a bulk load from its first transaction."""
        self._expected += new_items

    # -- the thread -----------------------------------------------------------------------

    def _run(self) -> None:
        assert self.store is not None
        try:
            with self.store.bulk_load() as bulk:
                self._serve(bulk)
        except Exception as exc:
            log.exception("the sync's writer stopped")
            self._refuse(exc)

    def _serve(self, bulk: BulkLoad) -> None:
        while not self._closing:
            first = self._queue.get()
            if first is None:
                return
            self._batch, items = [first], first.size
            while items < GROUP_ITEMS:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._closing = True
                    break
                self._batch.append(job)
                items += job.size
            bulk.expect(self._expected)
            bulk.wrote(self._write(self._batch))
            self._batch = []

    def _refuse(self, error: Exception) -> None:
        """Fail the jobs in hand and every later one with `error` until the writer closes
        (those already settled keep their outcome: `_settle` leaves a done future alone)."""
        for job in self._batch:
            self._settle_soon(job, None, error)
        while not self._closing and (job := self._queue.get()) is not None:
            self._settle_soon(job, None, error)

    def _write(self, batch: list[_Job]) -> int:
        """Run the jobs in one transaction; the number of new items it committed."""
        store = self.store
        assert store is not None
        outcomes: list[tuple[_Job, Any, BaseException | None]] = []
        try:
            with store.transaction():
                for job in batch:
                    try:
                        with store.transaction():  # a savepoint: this job alone rolls back
                            outcomes.append((job, job.fn(store), None))
                    except Exception as exc:
                        outcomes.append((job, None, exc))
        except Exception as exc:  # the commit itself failed (a full disk): nothing was kept
            outcomes = [(job, None, exc) for job in batch]
        for job, value, error in outcomes:
            self._settle_soon(job, value, error)
        return sum(value.new for _, value, error in outcomes if error is None and isinstance(value, IngestResult))

    def _settle_soon(self, job: _Job, value: Any, error: BaseException | None) -> None:
        assert self._loop is not None
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            self._loop.call_soon_threadsafe(_settle, job.future, value, error)


def _settle(future: asyncio.Future, value: Any, error: BaseException | None) -> None:
    if future.done():  # cancelled by its awaiter (the write itself stands), or settled already
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)
