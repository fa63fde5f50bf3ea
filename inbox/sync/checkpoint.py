"""WAL checkpoints beside the writer during a sync.

Why: SQLite checkpoints the WAL inside whichever COMMIT crosses the auto-checkpoint size,
and a checkpoint copies pages and fsyncs the database file. During a sync a passive
checkpoint runs every second from a worker thread on its own connection (it never blocks
the writer), so the commits that cross the size find little left to copy.

The writer's own auto-checkpoint stays on: a passive checkpoint beside a writer that never
pauses never lets the WAL start over, and with it switched off a 100,000-item sync grew
the WAL file to 744 MB. (It was switched off when pages were written on the event loop;
the sync's writer now has its own thread.)
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

from inbox.store import Store

INTERVAL_S = 1.0


def _checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path, timeout=5)
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        conn.close()


@contextlib.asynccontextmanager
async def background_checkpoints(store: Store) -> AsyncIterator[None]:
    if store.readonly or str(store.path) == ":memory:":
        yield
        return

    async def loop() -> None:
        while True:
            await asyncio.sleep(INTERVAL_S)
            with contextlib.suppress(sqlite3.Error):
                await asyncio.to_thread(_checkpoint, store.path)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        with contextlib.suppress(sqlite3.Error):
            await asyncio.to_thread(_checkpoint, store.path)
