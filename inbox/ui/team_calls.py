"""Calls to a team inbox's server from the window: on a thread of their own, never on the
GUI thread (a server that does not answer holds a call for seconds: a connect timeout).

Why not `Workers`: those threads hold read-only SQLite connections for list pages and
counts; a slow network call there would queue the page the user is waiting for. Results
come back through a plain queue that a GUI-thread timer drains, as in `Workers`: a worker
thread never calls into Qt."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QTimer

T = TypeVar("T")
log = logging.getLogger(__name__)
DRAIN_MS = 50  # presence must show within a second; a 50 ms tick costs nothing


class NetworkCalls(QObject):
    """Threads for calls in order, in lanes (catching up and pushing in one; presence in
    another, so "Ana is replying…" never waits behind a long catch-up), one thread per
    long-running loop (listening), and a timer that hands results to the GUI thread."""

    LANES = ("calls", "presence", "sync")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pools = {lane: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"inbox-team-{lane}")
                      for lane in self.LANES}
        self.futures: set[Future] = set()
        self.results: queue.SimpleQueue = queue.SimpleQueue()
        self.timer = QTimer(self)
        self.timer.setInterval(DRAIN_MS)
        self.timer.timeout.connect(self.drain)
        self.loops: list[threading.Thread] = []
        self.stop = threading.Event()
        self.closed = False
        self.pending = 0

    def submit(self, fn: Callable[[], T], on_done: Callable[[T], None] | None = None,
               on_error: Callable[[Exception], None] | None = None, lane: str = "calls") -> None:
        """Run `fn()` on the lane's thread; its result (or error) goes to the callbacks on
        the GUI thread."""
        if self.closed:
            return
        self.pending += 1
        self.timer.start()

        def work() -> None:
            try:
                self.results.put((on_done, fn(), None, True))
            except Exception as exc:
                self.results.put((on_error, None, exc, True))

        future = self.pools[lane].submit(work)
        self.futures.add(future)
        future.add_done_callback(self.futures.discard)

    def post(self, callback: Callable[..., None], *args: Any) -> None:
        """From any thread: call `callback(*args)` on the GUI thread at the next tick."""
        if not self.closed:
            self.results.put((lambda _r: callback(*args), None, None, False))

    def start_loop(self, name: str, loop: Callable[[threading.Event], None]) -> None:
        """Run `loop(stop)` on a daemon thread until `close` sets `stop`; the timer keeps
        draining what it posts."""
        thread = threading.Thread(target=self._run_loop, args=(loop,), name=f"inbox-{name}", daemon=True)
        self.loops.append(thread)
        self.timer.start()
        thread.start()

    def _run_loop(self, loop: Callable[[threading.Event], None]) -> None:
        try:
            loop(self.stop)
        except Exception:  # the loop is meant to handle its own errors: log, never crash
            log.exception("a team inbox loop stopped")

    def drain(self) -> None:
        while True:
            try:
                callback, result, error, counted = self.results.get_nowait()
            except queue.Empty:
                break
            self.pending -= counted
            self._deliver(callback, result, error)
        if self.pending <= 0 and not any(t.is_alive() for t in self.loops):
            self.timer.stop()

    def _deliver(self, callback: Callable[[Any], None] | None, result: Any, error: Exception | None) -> None:
        if self.closed:
            return
        if error is None:
            if callback is not None:
                callback(result)
        elif callback is not None:
            callback(error)
        else:
            log.warning("a call to the team inbox failed: %s", error)

    def close(self, cleanup: dict[str, Callable[[], None]] | None = None, timeout: float = 2.0) -> None:
        """Stop the loops and the lanes: calls not started are dropped, then each lane runs
        its `cleanup` (closing what it opened, on the thread that opened it); a call stuck
        on the network is left to end on its own, never holding the window."""
        if self.closed:
            return
        self.closed = True
        self.stop.set()
        self.timer.stop()
        for future in list(self.futures):
            future.cancel()
        for lane, pool in self.pools.items():
            if cleanup and lane in cleanup:
                pool.submit(_quietly, cleanup[lane])
            pool.shutdown(wait=False)
        for thread in self.loops:
            thread.join(timeout)


def _quietly(fn: Callable[[], None]) -> None:
    try:
        fn()
    except Exception:
        log.debug("closing a team inbox connection failed", exc_info=True)
