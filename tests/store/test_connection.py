"""Opening the SQLite file: what a new inbox is made with, and what an old one keeps."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from inbox.domain import Author, Item
from inbox.store import Store
from inbox.store.connection import PAGE_SIZE


def test_a_new_inbox_has_large_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    with Store(tmp_path / "new.db") as store:
        assert store.conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
    old = tmp_path / "old.db"
    with Store(old) as store:
        store.add_source("google", "Café")
    with contextlib.closing(sqlite3.connect(old, isolation_level=None)) as conn:  # as earlier versions made it
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA page_size = 4096")
        conn.execute("VACUUM")
    with Store(old) as store:  # opened for writing again: unchanged, and still an inbox
        assert store.conn.execute("PRAGMA page_size").fetchone()[0] == 4096
        assert [s.name for s in store.list_sources()] == ["Café"]


def test_an_erased_customers_words_are_not_left_where_a_page_split_moved_them(tmp_path: Path) -> None:
    # A row written first, then enough rows to split its page again and again: each split
    # leaves the old page's bytes behind in unused space unless the connection zeroes it.
    path = tmp_path / "inbox.db"
    with Store(path) as store:
        sid = store.add_source("google", "Café").id
        first = Item(external_id="r0", kind="review", text="Qwertyzzz flat white, unusual words",
                     created_at=datetime(2026, 1, 1, tzinfo=UTC), author=Author(external_id="a0", display_name="Jo"))
        store.upsert_items(sid, [first])
        for n in range(1, 400, 20):
            store.upsert_items(sid, [Item(external_id=f"r{k}", kind="review", text=f"Review {k} " + "latte " * 30,
                                          created_at=datetime(2026, 1, 1, tzinfo=UTC),
                                          author=Author(external_id=f"a{k}", display_name=f"Sam {k}"))
                                     for k in range(n, n + 20)])
        author_id = store.conn.execute("SELECT id FROM authors WHERE external_id = 'a0'").fetchone()[0]
        store.erase_customer([author_id])
        assert store.search("Qwertyzzz") == []
    for name in ("inbox.db", "inbox.db-wal"):
        if (tmp_path / name).exists():
            assert b"Qwertyzzz" not in (tmp_path / name).read_bytes(), name
