"""A database written by any earlier version opens, upgrades, and keeps its data."""

from __future__ import annotations

import sqlite3

import pytest

from inbox.store import SCHEMA_VERSION, NewerSchema, Store
from inbox.store.ingest import _INDEX_ITEMS
from inbox.store.migrations import migrate


@pytest.mark.parametrize("version", range(2, SCHEMA_VERSION))
def test_database_from_every_earlier_version_upgrades(tmp_path, version):
    path = tmp_path / f"v{version}.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=version) == version
    conn.execute("INSERT INTO sources (kind, name, created_at) VALUES ('rss', 'Feed', '2026-01-01T00:00:00Z')")
    conn.execute("INSERT INTO items (source_id, external_id, kind, text, created_at, fetched_at) "
                 "VALUES (1, 'e1', 'mention', 'old croissant item', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
    if version >= 6:  # since migration 6 the app's ingest indexes new items, not a trigger
        conn.execute(_INDEX_ITEMS.format(where=""))
    conn.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert [r.text for r in store.search("croissant")] == ["old croissant item"]


def test_version_one_database_gets_a_search_index_of_its_old_items(tmp_path):
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)
    conn.execute("INSERT INTO sources (kind, name, created_at) VALUES ('rss', 'Feed', '2026-01-01T00:00:00Z')")
    conn.execute("INSERT INTO items (source_id, external_id, kind, text, created_at, fetched_at) "
                 "VALUES (1, 'e1', 'mention', 'harbour view', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
    conn.close()
    with Store(path) as store:
        assert [r.text for r in store.search("harbour")] == ["harbour view"]


def test_a_database_from_a_newer_version_is_refused_clearly(tmp_path):
    path = tmp_path / "future.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NewerSchema, match="newer Feedback Inbox"):
        Store(path)
    assert path.read_bytes() == before  # refused before any write


def test_wal_foreign_keys_and_integrity(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_databases_created_with_the_old_parent_index_lose_it(tmp_path):
    """Migration 1 once created `items_by_parent`; a database from then upgrades to the
    same indexes as a new one (each extra index slows every insert)."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=6)
    conn.execute("CREATE INDEX items_by_parent ON items (source_id, parent_external_id)")
    conn.close()
    with Store(tmp_path / "fresh.db") as fresh, Store(path) as store:
        def indexes(s: Store) -> list[str]:
            return [r[0] for r in s.conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'items' ORDER BY name")]
        assert "items_by_parent" not in indexes(store)
        assert indexes(store) == indexes(fresh)


def test_conversations_of_an_older_database_are_ordered_by_their_latest_message(tmp_path):
    from inbox.store.migrations import MIGRATIONS, m016_conversation_activity

    path = tmp_path / "before-activity.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=MIGRATIONS.index(m016_conversation_activity))
    conn.execute("INSERT INTO sources (kind, name, created_at) VALUES ('mastodon', 'Toots', '2026-01-01T00:00:00Z')")
    conn.execute("INSERT INTO threads (source_id, root_external_id) VALUES (1, 'old')")
    for ext, when, thread, head in (("old", "2026-01-01T00:00:00Z", 1, 1), ("new", "2026-01-02T00:00:00Z", None, 1),
                                    ("reply", "2026-01-03T00:00:00Z", 1, 0)):
        conn.execute("INSERT INTO items (source_id, external_id, kind, text, created_at, fetched_at, thread_id, "
                     "is_head) VALUES (1, ?, 'mention', 'x', ?, ?, ?, ?)", (ext, when, when, thread, head))
    conn.close()
    with Store(path) as store:
        rows = store.list_items()[0]
        assert [r.external_id for r in rows] == ["old", "new"]  # its reply on the 3rd is the newest message
        assert rows[0].last_activity_at == "2026-01-03T00:00:00Z"


def test_aspects_read_by_an_older_analysis_are_read_again_and_corrections_kept(tmp_path):
    from inbox.services import aspect_themes
    from inbox.store.migrations import M019_REREAD_ASPECTS, MIGRATIONS

    path = tmp_path / "aspects-v2.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=MIGRATIONS.index(M019_REREAD_ASPECTS))
    conn.execute("INSERT INTO sources (kind, name, created_at) VALUES ('google', 'Cafe', '2026-01-01T00:00:00Z')")
    conn.execute("INSERT INTO items (source_id, external_id, kind, text, created_at, fetched_at, is_head, "
                 "aspects_version) VALUES (1, 'r1', 'review', 'The wait was far too long.', "
                 "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1, 2)")
    conn.execute("INSERT INTO aspect_corrections (item_id, term, polarity) VALUES (1, 'wait', 'neutral')")
    conn.close()
    with Store(path) as store:
        assert aspect_themes.backfill_all(store) == 1  # read again by this version's analysis
        assert store.conn.execute("SELECT aspects_version FROM items").fetchone()[0] == aspect_themes.VERSION
        assert [tuple(r) for r in store.conn.execute("SELECT polarity FROM aspect_corrections")] == [("neutral",)]
