"""Sentiment of big hand-overs, scored in a helper process while the sync goes on.

Why: scoring (VADER, phrases) is pure Python at about 50 µs an item. On the writer thread
it took half the writer's time, under the same GIL as the event loop and the parsers. A
process has a GIL, and a core, of its own. Small syncs (the usual ones) never start it:
only a hand-over of MIN_ITEMS items or more does, once per sync. If the process cannot
start or fails, the items are scored on the writer as before; nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from inbox.domain import Item
from inbox.services import sentiment

log = logging.getLogger("inbox.sync")
MIN_ITEMS = 200


class Scorer:
    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self.broken = False

    async def analyses(self, items: list[Item]) -> dict[sentiment.Key, sentiment.Analysis]:
        """Analyses of the customers' items, by content; empty when not worth a process."""
        keys = list({sentiment.key(i.title, i.text, i.rating, i.language): None
                     for i in items if not i.is_owner_reply})
        if len(keys) < MIN_ITEMS or self.broken:
            return {}
        try:
            if self.pool is None:
                # spawn, not fork: this process has threads (and, in the app, Qt)
                self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=sentiment.warm_up)
            results = await asyncio.get_running_loop().run_in_executor(self.pool, sentiment.analyse_many, keys)
        except Exception:
            log.warning("scoring in a helper process failed; scoring on the writer instead", exc_info=True)
            self.broken = True
            return {}
        return dict(zip(keys, results, strict=True))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
