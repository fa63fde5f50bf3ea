"""Background work for the window: coroutines on the qasync loop, and queries on worker
threads with their own read-only connections (the GUI thread keeps the one writer).

Running tasks are held by strong references (qasync keeps none), and a new task with the
same name cancels the previous one, as FeelUOwn's task manager does.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QTimer

from inbox.store import Store

T = TypeVar("T")
DRAIN_INTERVAL_MS = 3  # how often the GUI thread looks for finished work while some is pending
log = logging.getLogger(__name__)


class TaskManager:
    """Strong references to running tasks; one task per name."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task] = set()
        self.named: dict[str, asyncio.Task] = {}

    def run(self, coro: Coroutine, name: str | None = None) -> asyncio.Task:
        if name and (old := self.named.get(name)) is not None and not old.done():
            old.cancel()
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        if name:
            self.named[name] = task
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task) -> None:
        self.tasks.discard(task)
        for name, t in list(self.named.items()):
            if t is task:
                del self.named[name]
        if not task.cancelled() and task.exception() is not None:
            log.error("task failed", exc_info=task.exception())

    def cancel_all(self) -> None:
        for task in list(self.tasks):
            task.cancel()


class Workers:
    """Reader threads, each with its own read-only Store on `db_path`, in lanes: list pages
    and the opened item get lanes of their own, so a slow count (seconds at a million items) never queues in
    front of the page the user is waiting for.

    Results come back through a plain queue that a GUI-thread timer drains while work is
    pending: worker threads never call into Qt (a Qt signal emitted from a plain Python
    thread can crash the GUI thread).
    """

    def __init__(self, db_path: Path, threads: int = 2, parent: QObject | None = None) -> None:
        self.db_path = Path(db_path)
        self.pools = {
            "default": ThreadPoolExecutor(max_workers=threads, thread_name_prefix="inbox-reader"),
            "pages": ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox-pages"),
            # the item being opened: never behind a count or a page
            "reading": ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox-reading"),
        }
        self.local = threading.local()
        self.readers: list[Store] = []
        self.lock = threading.Lock()
        self.results: queue.SimpleQueue = queue.SimpleQueue()
        # parented, so that Qt deletes it on the GUI thread: a parentless QObject caught in a
        # reference cycle can be collected by the GC on a worker thread, leaving its timer
        # registered on the GUI thread (a segfault the next time it fires)
        self.timer = QTimer(parent)
        self.timer.setInterval(DRAIN_INTERVAL_MS)
        self.timer.timeout.connect(self._drain)
        self.pending = 0
        self.closed = False

    def _reader(self) -> Store:
        reader = getattr(self.local, "store", None)
        if reader is None:
            reader = Store.open_reader(self.db_path)
            self.local.store = reader
            with self.lock:
                self.readers.append(reader)
        return reader

    def submit(self, fn: Callable[[Store], T], on_done: Callable[[T], None],
               on_error: Callable[[Exception], None] | None = None, lane: str = "default") -> None:
        if self.closed:
            return
        self.pending += 1
        if not self.timer.isActive():
            self.timer.start()

        def work() -> None:
            try:
                result: Any = fn(self._reader())
                outcome = (on_done, result, None)
            except Exception as exc:  # handed to on_error on the GUI thread
                outcome = (on_error, None, exc)
            self.results.put(outcome)

        self.pools[lane].submit(work)

    def next_turn(self, fn: Callable[[], None], delay_ms: int = 0) -> None:
        """Run `fn` on the GUI thread a turn (and at least `delay_ms`) later, in line with
        the results: work split off a long turn, counted as pending so that whoever waits
        for the window to settle waits for it too."""
        if self.closed:
            return
        self.pending += 1
        outcome = (lambda _none: fn(), None, None)
        if delay_ms > 0:
            QTimer.singleShot(delay_ms, self.timer, lambda: self.results.put(outcome))
        else:
            self.results.put(outcome)
        if not self.timer.isActive():
            self.timer.start()

    def _drain(self) -> None:
        # One result a turn of the event loop: a list page, the sidebar's counts and the
        # opened item arriving together were one long stall of the window (up to 40 ms
        # during a sync); one at a time, painting and input run in between.
        try:
            outcome = self.results.get_nowait()
        except queue.Empty:
            outcome = None
        if outcome is not None:
            self.pending -= 1
            self._deliver(outcome)
        if self.pending <= 0 and self.timer.isActive():
            self.timer.stop()

    def _deliver(self, outcome: tuple) -> None:
        callback, result, error = outcome
        if self.closed:
            return
        if error is None:
            callback(result)
        elif callback is not None:
            callback(error)
        else:
            log.error("background query failed", exc_info=error)

    def close(self) -> None:
        """Stop at once: running queries are interrupted (a count over a million rows
        would otherwise hold the app open for seconds after its window closed)."""
        if self.closed:
            return
        self.closed = True
        self.timer.stop()
        with self.lock:
            for reader in self.readers:
                reader.interrupt()
        for pool in self.pools.values():
            pool.shutdown(wait=True, cancel_futures=True)
        with self.lock:
            for reader in self.readers:
                reader.close()
            self.readers.clear()
