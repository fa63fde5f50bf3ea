"""A read-only store for quick commands (`inbox search`): one read-only connection and the
search, without the mixins, the domain's dataclasses or the migrations' work.

Why: a whole `inbox search` process was 450 M instructions, most of them imports; the
search itself is a few milliseconds. `Store` opens for writing (identity check, WAL switch,
migrations, the author index, the sentiment backfill) and imports every mixin.

`QuickReader.open` only answers for a file on which opening `Store` would change nothing
and ask nothing: ours, at this version's schema, in WAL mode, with its author index and no
backfill pending. For anything else it returns None, and the caller takes the full path,
which migrates, refuses or words the fault as it always has. A test checks that both give
the same rows (tests/store/test_reader.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from inbox.store.identity import APPLICATION_ID, SQLITE_MAGIC, read_only_uri
from inbox.store.migrations import SCHEMA_VERSION
from inbox.store.search_sql import SEARCH_SELECT, check_query

# The same as `connection.BUSY_TIMEOUT_MS` and `READER_CACHE_KIB` and `insights.BACKFILL_MARK`
# (a test checks it): importing those modules costs a quick command a third of its time.
BUSY_TIMEOUT_MS = 5000
READER_CACHE_KIB = 8000
BACKFILL_MARK = "insights.backfill_pending"
# What the full store's list adds to a search with no other filter (`filter_where` of
# `InboxFilter(query=...)`; a test checks it): live customer messages, newest match first.
SEARCH_WHERE = "i.deleted_at IS NULL AND i.is_owner_reply = 0"
SEARCH_SQL = f"{SEARCH_SELECT} WHERE items_fts MATCH ? AND {SEARCH_WHERE} ORDER BY f.rowid DESC LIMIT ?"
TAGS_SQL = ("SELECT it.item_id, t.name, t.colour FROM item_tags it JOIN tags t ON t.id = it.tag_id "
            "WHERE it.item_id IN (SELECT value FROM json_each(?)) ORDER BY t.name")


class Hit:
    """One row of a search, read by column name as an `ItemRow` is by attribute
    (`hit.title`, `hit.tags`); no dataclass, so nothing to build at import."""

    __slots__ = ("_row", "tags")

    def __init__(self, row: sqlite3.Row) -> None:
        self._row = row
        self.tags: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> object:
        try:
            return self._row[name]
        except IndexError:
            raise AttributeError(name) from None


class QuickReader:
    """A read-only connection to an inbox that needs nothing done before it is read."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @classmethod
    def open(cls, path: str | Path) -> QuickReader | None:
        """The reader, or None when the full store must open the file (see the module)."""
        path = Path(path)
        try:
            # the header first: SQLite would put a -wal and -shm beside another program's file
            with path.open("rb") as fh:
                header = fh.read(100)
            if header[:16] != SQLITE_MAGIC or int.from_bytes(header[68:72], "big") != APPLICATION_ID:
                return None
            conn = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None)
        except (OSError, ValueError, sqlite3.Error):
            return None
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not cls._current(conn):
                conn.close()
                return None
            conn.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
            conn.execute("PRAGMA temp_store = MEMORY")
        except sqlite3.Error:  # not a database, damaged, locked: the full store words it
            conn.close()
            return None
        return cls(conn)

    @staticmethod
    def _current(conn: sqlite3.Connection) -> bool:
        """Would opening `Store` on this file change nothing (no migration, no WAL switch,
        no index to build, no backfill)?"""
        one = conn.execute
        return (one("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
                and one("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
                and one("PRAGMA journal_mode").fetchone()[0] == "wal"
                and one("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'items_by_author'")
                .fetchone() is not None
                and one("SELECT 1 FROM settings WHERE key = ?", (BACKFILL_MARK,)).fetchone() is None)

    def search(self, query: str, *, limit: int = 50) -> list[Hit] | None:
        """The newest `limit` live messages matching `query`, as `Store.search` lists them;
        BadQuery for what the index cannot parse; None for text that is not a search (blank,
        or no word at all), which the full store lists in a way of its own."""
        expr = check_query(self.conn, query) if query.strip() else ""
        if not expr:
            return None
        hits = [Hit(r) for r in self.conn.execute(SEARCH_SQL, (expr, limit + 1)).fetchmany(limit)]
        if hits:
            by_id = {h.id: h for h in hits}
            ids = "[" + ",".join(map(str, by_id)) + "]"
            for item_id, name, colour in self.conn.execute(TAGS_SQL, (ids,)):
                by_id[item_id].tags.append((name, colour))
        return hits

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> QuickReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
