"""Opening the SQLite file: pragmas, migrations and write transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from inbox.store.bulk import restore_indexes
from inbox.store.erasure_schema import SECURE_DELETE
from inbox.store.identity import HeldConnection, check_identity, read_only_uri
from inbox.store.migrations import SCHEMA_VERSION, migrate

BUSY_TIMEOUT_MS = 5000
# The page size of a new file (a file keeps the size it was made with). 8 KB, not SQLite's
# 4 KB: an item's row and its dozen index entries split and rewrite fewer pages, so an
# import's writer spends ~10% less CPU; 16 KB gained no more there and cost small
# transactions (a sync's pages) more bytes per page (docs/benchmarks.md, issue 19, h19page).
PAGE_SIZE = 8192
# A commit that takes the WAL past this (128 MB) checkpoints it: large enough that the index
# pages every page of items rewrites are copied once per checkpoint, not per commit.
# Figures: docs/engineering-notes.md.
WAL_AUTOCHECKPOINT_BYTES = 128 * 1024 * 1024
# A WAL file grown past this is cut back after a checkpoint (it never shrinks by itself); not
# so low that it is cut and grown again on every checkpoint.
WAL_SIZE_LIMIT = 256 * 1024 * 1024
WRITER_CACHE_KIB = 32000
READER_CACHE_KIB = 8000

# None binds as NULL either way. Without an adapter of its own, Python's sqlite3 looks for
# one by failing two attribute lookups (each building an AttributeError) for every None it
# binds; with this one (None for anything, in C) it finds it in its registry: 5% of the
# instructions of writing a page of new items, which bind about ten Nones a row.
sqlite3.register_adapter(type(None), {}.get)


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode: transactions are always explicit (BEGIN IMMEDIATE),
    because a deferred BEGIN can fail with "database is locked" despite the busy timeout."""
    path = Path(path)
    if readonly:
        conn = sqlite3.connect(read_only_uri(path), uri=True, factory=HeldConnection,
                               isolation_level=None, check_same_thread=False)
    else:
        # Before the first write (the WAL switch): another program's file, or a newer
        # schema, is refused and left byte-for-byte unchanged.
        check_identity(path, SCHEMA_VERSION)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, factory=HeldConnection, isolation_level=None, check_same_thread=False)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # before the first write: new files only
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA secure_delete = {SECURE_DELETE}")
            page = conn.execute("PRAGMA page_size").fetchone()[0]
            conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_BYTES // page}")
            conn.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
            migrate(conn)
            restore_indexes(conn)
        # 32 MB page cache for a writer; 8 MB for a reader (the window's list, counts and
        # searches read few pages each; the OS keeps the file cached; and a reader that
        # loaded 100,000 rows otherwise keeps 32 MB of them: docs/benchmarks.md, Memory)
        conn.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB if readonly else WRITER_CACHE_KIB}")
        conn.execute("PRAGMA temp_store = MEMORY")
    except BaseException:  # not a database, too new, a failed migration: never left open
        conn.close()
        raise
    conn.hold(path)
    return conn


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or a SAVEPOINT when already inside a transaction,
    so that services can compose operations into one atomic write."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT nested")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK TO nested")
            conn.execute("RELEASE nested")
            raise
        conn.execute("RELEASE nested")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def read_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction: every query inside sees the same data, even while others
    write (WAL readers never block the writer). Inside a transaction already: that one."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")
