"""Opening the SQLite file: what a new inbox is made with, and what an old one keeps."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

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
