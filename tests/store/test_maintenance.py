"""The store's upkeep on real files: WAL checkpoints, bulk loads, read snapshots, interrupting
a reader, the errors it raises on open, and whole-database copies (check, copy, restore)."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inbox.domain import Author, Item
from inbox.store import DatabaseError, NotADatabase, Store, StoreError, engine_version
from inbox.store import backup as store_backup
from inbox.store import bulk as bulk_module


def _item(n: int) -> Item:
    return Item(external_id=f"r{n}", kind="review", text=f"Lovely flat white number {n}", rating=5,
                created_at=datetime(2026, 11, 1, 10, n % 60, tzinfo=UTC),
                author=Author(external_id=f"a{n % 3}", display_name=f"Ana {n % 3}"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "inbox.db"
    with Store(path) as store:
        store.upsert_items(store.add_source("google", "Café").id, [_item(n) for n in range(3)])
    return path


def _items_in_main_file(path: Path, tmp_path: Path) -> int:
    """The items the database file holds by itself, without its WAL."""
    alone = tmp_path / "alone.db"
    shutil.copyfile(path, alone)
    conn = sqlite3.connect(alone)
    try:
        return conn.execute("SELECT count(*) FROM items").fetchone()[0]
    finally:
        conn.close()


# -- checkpoints ------------------------------------------------------------------------

def test_a_checkpoint_copies_the_wal_into_the_database_file(db: Path, tmp_path: Path) -> None:
    with Store(db) as store:
        store.conn.execute("PRAGMA wal_autocheckpoint = 0")  # only ours may checkpoint
        store.upsert_items(store.get_source("Café").id, [_item(n) for n in range(3, 40)])
        assert _items_in_main_file(db, tmp_path) < 40  # still in the WAL
        store.checkpoint()
        assert _items_in_main_file(db, tmp_path) == 40


def test_a_checkpoint_that_cannot_open_the_file_raises_the_stores_error(tmp_path: Path) -> None:
    from inbox.store.maintenance import checkpoint

    with pytest.raises(DatabaseError):
        checkpoint(tmp_path)  # a folder, not a database


def test_readers_and_memory_databases_have_no_checkpoints(db: Path) -> None:
    with Store.open_reader(db) as reader:
        assert not reader.checkpoints_apply
        reader.checkpoint()  # a no-op, not an error


# -- bulk loads -------------------------------------------------------------------------

def _has_author_index(store: Store) -> bool:
    return store.conn.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'items_by_author'").fetchone()[0] == 1


def test_a_bulk_load_drops_the_author_index_and_builds_it_again_when_it_ends(db: Path, monkeypatch) -> None:
    monkeypatch.setattr(bulk_module, "BULK_AFTER", 10)
    with Store(db) as store:
        sid = store.get_source("Café").id
        with store.bulk_load() as load:
            load.wrote(store.upsert_items(sid, [_item(n) for n in range(3, 30)]).new)
            assert load.active and not _has_author_index(store)
        assert _has_author_index(store)


def test_a_failing_bulk_load_still_gets_its_index_back(db: Path, monkeypatch) -> None:
    monkeypatch.setattr(bulk_module, "BULK_AFTER", 10)
    with Store(db) as store:
        sid = store.get_source("Café").id
        with pytest.raises(RuntimeError), store.bulk_load() as load:
            load.wrote(store.upsert_items(sid, [_item(n) for n in range(3, 30)]).new)
            raise RuntimeError("the sync broke")
        assert _has_author_index(store)


# -- reads ------------------------------------------------------------------------------

def test_a_read_snapshot_does_not_see_writes_made_meanwhile(db: Path) -> None:
    with Store(db) as store, Store(db) as other:
        with store.read_snapshot():
            before = store.count_items()
            other.upsert_items(other.get_source("Café").id, [_item(7)])
            assert store.count_items() == before
        assert store.count_items() == before + 1


def test_interrupt_stops_a_long_query_from_another_thread(db: Path) -> None:
    with Store.open_reader(db) as reader:
        errors: list[BaseException] = []

        def count_forever() -> None:
            try:
                reader.conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                                    "SELECT count(*) FROM n").fetchone()
            except sqlite3.OperationalError as exc:
                errors.append(exc)

        worker = threading.Thread(target=count_forever)
        worker.start()
        time.sleep(0.2)
        reader.interrupt()
        worker.join(timeout=10)
        assert not worker.is_alive() and "interrupted" in str(errors[0])


def test_the_engine_version_names_the_engine() -> None:
    assert engine_version() == f"SQLite {sqlite3.sqlite_version}"


# -- opening ----------------------------------------------------------------------------

def test_opening_a_file_that_is_not_a_database_raises_the_stores_error(tmp_path: Path) -> None:
    junk = tmp_path / "holiday.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0 not a database" * 100)
    with pytest.raises(NotADatabase) as exc:
        Store(junk)
    assert isinstance(exc.value, StoreError) and not isinstance(exc.value, sqlite3.Error)


# -- whole-database copies --------------------------------------------------------------

def test_check_file_reads_integrity_kind_and_schema(db: Path) -> None:
    from inbox.store import SCHEMA_VERSION

    found = store_backup.check_file(db)
    assert found == store_backup.FileCheck("ok", True, SCHEMA_VERSION)


def test_check_file_tells_a_foreign_file_from_a_damaged_one(tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_text("this is not a database\n" * 20)
    with pytest.raises(NotADatabase):
        store_backup.check_file(junk)
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84 + b"\xff" * 4000)
    with pytest.raises(DatabaseError):
        store_backup.check_file(damaged)
    with pytest.raises(OSError):
        store_backup.check_file(tmp_path / "missing.db")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE notes (x)").connection.close()
    assert not store_backup.check_file(other).has_items


def test_a_copy_is_one_self_contained_file_even_during_a_write(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    with Store(db) as store, store.transaction():
        store.set_status([1], "done")  # not committed: the copy must not hold it
        store_backup.copy_file(db, target)
    assert not Path(f"{target}-wal").exists()
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT count(*) FROM items WHERE status = 'done'").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == 3
    finally:
        conn.close()


def test_restore_from_replaces_an_open_stores_content(db: Path, tmp_path: Path) -> None:
    saved = tmp_path / "saved.db"
    store_backup.copy_file(db, saved)
    with Store(db) as store:
        store.upsert_items(store.get_source("Café").id, [_item(n) for n in range(3, 10)])
        assert store.count_items() == 10
        store.restore_from(saved)
        assert store.count_items() == 3
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        store.set_status([1], "done")  # still writable


def test_restore_file_replaces_a_closed_database_and_migrates_it(db: Path, tmp_path: Path) -> None:
    from inbox.store.migrations import migrate

    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    migrate(conn, target=7)
    conn.close()
    store_backup.restore_file(old, db)
    with Store(db) as store:
        assert store.count_items() == 0 and store.sync_runs(1) == []
    target = tmp_path / "new" / "inbox.db"  # a database that did not exist yet
    store_backup.restore_file(db, target)
    assert store_backup.check_file(target).has_items


def test_a_window_connection_keeps_a_small_page_cache(tmp_path) -> None:
    """The window's connection holds no more pages than a reader: its page cache had grown
    to 32 MB over an analysis pass and stayed (docs/benchmarks.md, Memory)."""
    from inbox.store import Store
    from inbox.store.connection import READER_CACHE_KIB

    store = Store(tmp_path / "window.db")
    store.use_window_cache()
    assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == -READER_CACHE_KIB
    reader = Store.open_reader(tmp_path / "window.db")
    assert reader.conn.execute("PRAGMA cache_size").fetchone()[0] == -READER_CACHE_KIB
    reader.close()
    store.close()
