"""Upkeep of the database file: WAL checkpoints, bulk loads, interrupting a reader, and
what the engine is (for bug reports).

Why here: each of these is specific to SQLite; the sync engine and the window only
decide when they happen."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from inbox.store.bulk import BulkLoad
from inbox.store.connection import BUSY_TIMEOUT_MS, READER_CACHE_KIB
from inbox.store.errors import DatabaseError

log = logging.getLogger("inbox.store")


def engine_version() -> str:
    """The database engine and its version, as a bug report wants it ("SQLite 3.45.1")."""
    return f"SQLite {sqlite3.sqlite_version}"


def checkpoint(path: str | Path) -> None:
    """Copy what the WAL holds into the database file without waiting for anyone (a
    passive checkpoint), on a connection of its own so it never blocks the writer.
    Raises DatabaseError when the file cannot be opened or stays locked."""
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(str(exc)) from None


class MaintenanceMixin:
    conn: sqlite3.Connection
    path: Path
    readonly: bool

    @property
    def checkpoints_apply(self) -> bool:
        """Whether `checkpoint` has anything to do: a file opened for writing has a WAL."""
        return not self.readonly and str(self.path) != ":memory:"

    def use_window_cache(self) -> None:
        """A reader's page cache for this connection: a window's own writes are small
        (triage, the analysis pass), and its 32 MB filled up over an analysis of 100,000
        items and stayed (docs/benchmarks.md, Memory). A bulk load still takes its own."""
        self.conn.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")

    @contextlib.contextmanager
    def without_waiting(self) -> Iterator[None]:
        """Writes in the block fail at once (`Busy`) rather than wait for another writer:
        a sync's writer holds the write lock for seconds at a stretch, and the window's
        thread must not wait that out (up to the 5 s busy timeout) for a write that can be
        tried again later."""
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def checkpoint(self) -> None:
        """A passive checkpoint of this store's file, safe from any thread (see `checkpoint`)."""
        if self.checkpoints_apply:
            checkpoint(self.path)

    @contextlib.contextmanager
    def bulk_load(self) -> Iterator[BulkLoad]:
        """Count the new items of one long load (a sync, an import) on this connection's
        thread: past a threshold the author index waits, and it is built again when the
        block ends. A failure to build it is logged, not raised: the next open for writing
        builds it (`restore_indexes`)."""
        load = BulkLoad(self.conn)
        try:
            yield load
        finally:
            try:
                load.finish()
            except Exception:
                log.exception("could not build the author index again after a bulk load")

    def interrupt(self) -> None:
        """Stop the statement running on this connection now, from any thread (closing a
        window while a reader counts a million rows)."""
        self.conn.interrupt()
