"""Bulk loads: a big backlog is written without the author index, built again at the end.

Why: authors recur at random, so every new item lands on a random page of the index
`items_by_author`, and every commit writes each page it touched to the WAL: at 1M items
that index cost about as much as the items themselves. Built at the end in one sorted pass,
the same index takes 0.8 s for 1M items. A load turns bulk only once it is big, both in
items and against the table it adds to, so that the rebuild pays for itself; a load its
sources say will be big (a file's lines, `expect`) turns bulk before its first page.

While the index is away, listing one author's items scans the table (correct, just slower).
A process killed meanwhile gets the index back the next time the database is opened for
writing (`restore_indexes`, called by `connect`).
"""

from __future__ import annotations

import logging
import sqlite3

log = logging.getLogger("inbox.store")

AUTHOR_INDEX = "CREATE INDEX IF NOT EXISTS items_by_author ON items (author_id, created_at)"
BULK_AFTER = 50_000    # new items in one load before it turns bulk ...
BULK_SHARE = 0.2       # ... and at least this share of the items already stored
# The connection's page cache while a load is bulk (the default is 32 MB): the pages that
# every new item touches (the newest pages of each index, the authors' unique index) then
# stay in memory.
BULK_CACHE_KIB = 64_000


def restore_indexes(conn: sqlite3.Connection) -> None:
    """Build the author index if a bulk load was cut short (a no-op otherwise)."""
    conn.execute(AUTHOR_INDEX)


class BulkLoad:
    """Counts the new items of one load (a sync, an import) and defers the author index
    once they are many. Call `wrote` after each commit and `finish` at the end; use it on
    the connection's own thread."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        try:
            # The highest id stands in for the count: instant, where count(*) reads an index.
            stored = conn.execute("SELECT coalesce(max(id), 0) FROM items").fetchone()[0]
            self.threshold: float = max(BULK_AFTER, int(stored * BULK_SHARE))
        except sqlite3.Error as exc:  # never worth failing a load for
            log.warning("bulk load: not counting (%s)", exc)
            self.threshold = float("inf")
        self.written = 0
        self.expected = 0
        self.active = False
        self._cache_size = 0

    def wrote(self, new_items: int) -> None:
        """Count committed new items; past the threshold, drop the author index."""
        self.written += new_items
        self._turn()

    def expect(self, new_items: int) -> None:
        """The new items the load's sources said are coming in all (a file counts its
        rows before the first is written): past the threshold the load turns bulk before
        its first page, instead of paying for the index on its first 50,000 items."""
        self.expected = max(self.expected, new_items)
        self._turn()

    def _turn(self) -> None:
        if self.active or max(self.written, self.expected) < self.threshold or self.conn.in_transaction:
            return
        try:
            self.conn.execute("DROP INDEX IF EXISTS items_by_author")
        except sqlite3.Error as exc:  # busy past the timeout: load on with the index
            log.warning("bulk load: the author index stays (%s)", exc)
            self.threshold = float("inf")
            return
        self.active = True
        self._cache_size = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        log.info("bulk load: %d new items, the author index is built again at the end", self.written)

    def finish(self) -> None:
        """Build the author index again (one sorted pass) if this load dropped it."""
        if self.active:
            restore_indexes(self.conn)
            self.conn.execute(f"PRAGMA cache_size = {self._cache_size}")
            self.active = False
