"""WAL checkpoints beside the writer during a sync.

Why: SQLite checkpoints the WAL inside whichever COMMIT crosses the auto-checkpoint size,
and a checkpoint copies pages and fsyncs the database file. During a sync a passive
checkpoint runs every second from a worker thread on its own connection (it never blocks
the writer), so the commits that cross the size find little left to copy. The writer's own
auto-checkpoint stays on: a passive checkpoint beside a writer that never pauses never lets
the WAL start over. The checkpoint itself is the store's (`Store.checkpoint`); this module
only schedules it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from inbox.store import Store, StoreError

INTERVAL_S = 1.0


@contextlib.asynccontextmanager
async def background_checkpoints(store: Store) -> AsyncIterator[None]:
    if not store.checkpoints_apply:
        yield
        return

    async def loop() -> None:
        while True:
            await asyncio.sleep(INTERVAL_S)
            with contextlib.suppress(StoreError):
                await asyncio.to_thread(store.checkpoint)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        with contextlib.suppress(StoreError):
            await asyncio.to_thread(store.checkpoint)
