"""The analysis pass in the window: items a big sync wrote without their sentiment and
phrases, and items that predate sentiment, scored in the background: the slow part (VADER, phrases)
on a worker with a reader connection, the short write on the GUI thread's writer, a
small batch at a time so the window never waits."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from inbox.services import sentiment

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow

# Small batches: each batch's write runs on the GUI thread, and 500 items' write (with the
# per-day figures' triggers) took 20-35 ms of it; 100 stay within a frame.
BATCH = 100


class Backfill:
    """One background run at a time per window; `on_progress(scored so far)` after each
    batch and `on_done(total)` at the end."""

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
        self._next()

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
