"""The quick reader (`inbox.store.reader`) reads what `Store.search` lists, and only opens a
file on which the full store would have nothing to do first."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inbox.domain import Author, InboxFilter, Item
from inbox.store import BadQuery, Store, connection, insights, reader
from inbox.store.filter_sql import SQLITE, filter_where
from inbox.store.reader import QuickReader


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "inbox.db"
    with Store(path) as store:
        sid = store.add_source("google", "Harbour Café").id
        store.save_page(sid, [Item(external_id=f"c{n}", text=f"croissant {n}", rating=n % 5 + 1,
                                   author=Author(external_id=f"a{n}", display_name=f"Ana {n}"),
                                   created_at=datetime(2026, 11, 1 + n, tzinfo=UTC)) for n in range(6)])
        store.tag_items([r.id for r in store.search("croissant", limit=2)], "praise")
    return path


def test_its_copies_of_the_stores_settings_are_the_stores() -> None:
    assert reader.BUSY_TIMEOUT_MS == connection.BUSY_TIMEOUT_MS
    assert reader.READER_CACHE_KIB == connection.READER_CACHE_KIB
    assert reader.BACKFILL_MARK == insights.BACKFILL_MARK
    where, args = filter_where(SQLITE, InboxFilter(query="croissant"), "2026-12-03T00:00:00Z")
    assert (" AND ".join(where), args) == (reader.SEARCH_WHERE, [])


def test_it_lists_what_the_store_lists(db: Path) -> None:
    with Store(db) as store:
        expected = [(r.id, r.author_name, r.rating, r.created_at, r.tags) for r in store.search("croissant", limit=4)]
    with QuickReader.open(db) as quick:
        hits = quick.search("croissant", limit=4)
        assert [(h.id, h.author_name, h.rating, h.created_at, h.tags) for h in hits] == expected
        assert len(expected) == 4 and expected[0][4] == [("praise", expected[0][4][0][1])]
        assert quick.search("nothing", limit=4) == []
        assert quick.search("   ", limit=4) is None  # not a search: the full store lists it
        with pytest.raises(BadQuery, match="a quote is not closed"):
            quick.search('a"b', limit=4)


def test_it_leaves_to_the_store_a_file_that_needs_work_first(db: Path, tmp_path: Path) -> None:
    assert QuickReader.open(tmp_path / "missing.db") is None
    assert QuickReader.open(tmp_path) is None
    foreign = tmp_path / "notes.db"
    conn = sqlite3.connect(foreign)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE notes (x)")
    conn.close()  # the last connection removes its -wal and -shm
    assert QuickReader.open(foreign) is None
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("notes")) == ["notes.db"]
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO settings (key, value) VALUES (?, '1')", (insights.BACKFILL_MARK,))
    conn.commit()
    assert QuickReader.open(db) is None  # the sentiment backfill runs first
    conn.execute("DELETE FROM settings")
    conn.execute("DROP INDEX items_by_author")
    conn.commit()
    assert QuickReader.open(db) is None  # a cut-short bulk load's index is built first
    conn.execute(connection.restore_indexes.__globals__["AUTHOR_INDEX"])
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.execute(f"PRAGMA user_version = {version - 1}")
    conn.commit()
    assert QuickReader.open(db) is None  # a migration runs first
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    with QuickReader.open(db) as quick:
        assert len(quick.search("croissant", limit=10)) == 6
