"""WAL checkpoints off the event loop during a sync.

Why: SQLite checkpoints the WAL inside whichever COMMIT crosses the auto-checkpoint size,
and a checkpoint copies pages and fsyncs the database file; measured here it turned a
10 ms page write into a 100-300 ms freeze of the event loop (the window). During a sync the
writer's auto-checkpoint is switched off and a passive checkpoint runs every second from a
worker thread on its own connection; a passive checkpoint never blocks the writer.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

from inbox.store import Store

INTERVAL_S = 1.0
DEFAULT_AUTOCHECKPOINT = 1000


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
    previous = store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] or DEFAULT_AUTOCHECKPOINT
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")

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
        store.conn.execute(f"PRAGMA wal_autocheckpoint = {int(previous)}")
        with contextlib.suppress(sqlite3.Error):
            await asyncio.to_thread(_checkpoint, store.path)
