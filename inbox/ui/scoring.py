"""The analysis pass in the window: items a big sync wrote without their sentiment and
phrases, and items that predate sentiment, scored in the background. It runs in a worker
process (`inbox.sync.child.analyse_in_child`), so its Python never takes the GIL from the
painting; where the store is no file of its own (a test's, a team's) the slow part runs on
a reader thread and the short write on the GUI thread, a small batch at a time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from inbox.services import sentiment

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow

# Small batches: each batch's write runs on the GUI thread, and 500 items' write (with the
# per-day figures' triggers) took 20-35 ms of it; 100 stay within a frame.
BATCH = 100
log = logging.getLogger("inbox.ui")


class Backfill:
    """One background run at a time per window; `on_progress(scored so far)` after each
    batch and `on_done(total)` at the end."""

    separate_process = True  # False: on this process's reader thread and GUI thread (tests)

    def __init__(self, host: MainWindow) -> None:
        self.host = host
        self.running = False
        self.scored = 0
        self.listeners: list[tuple[Callable[[int], object], Callable[[int], object]]] = []

    def start(self, on_progress: Callable[[int], object] = lambda n: None,
              on_done: Callable[[int], object] = lambda n: None) -> None:
        self.listeners.append((on_progress, on_done))
        if self.running:
            return
        self.running = True
        self.scored = 0
        path = getattr(self.host.store, "path", None)
        if self.separate_process and path is not None and Path(path).is_file():
            self.host.run_in_worker(sentiment.pending, self._counted, self._stop)
        else:
            self._next()

    def _counted(self, pending: int) -> None:
        if pending:
            self.host.run_task(self._in_child(), name="analysis")
        else:
            self._stop(None)

    async def _in_child(self) -> None:
        from inbox.sync.child import SyncFailed, analyse_in_child

        def progress(n: int) -> None:
            self.scored = n
            for on_progress, _ in list(self.listeners):
                on_progress(n)
        try:
            await analyse_in_child(self.host.store.path, on_progress=progress)
        except SyncFailed as exc:  # the next start resumes it: what was written stays
            log.warning("the analysis pass stopped: %s", exc)
        except asyncio.CancelledError:  # the window is closing
            self.running = False
            raise
        self._stop(None)

    def _next(self) -> None:
        self.host.run_in_worker(lambda reader: sentiment.prepare_backfill(reader, BATCH), self._write, self._stop)

    def _write(self, prepared: sentiment.Scored) -> None:
        n = sentiment.finish_backfill(self.host.store, prepared) if prepared[0] else 0
        if n:
            self.scored += n
            for progress, _ in self.listeners:
                progress(self.scored)
            self._next()
            return
        self._stop(None)

    def _stop(self, _exc: Exception | None) -> None:
        self.running = False
        listeners, self.listeners = self.listeners, []
        for _, done in listeners:
            done(self.scored)


def backfill_for(window: MainWindow) -> Backfill:
    found = window.__dict__.get("_insights_backfill")
    if found is None:
        found = window.__dict__["_insights_backfill"] = Backfill(window)
    return found
