"""Files that are not ours: refused before any write, left byte-for-byte unchanged."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from inbox.store import SCHEMA_VERSION, DamagedDatabase, ForeignDatabase, NewerSchema, Store
from inbox.store.identity import APPLICATION_ID
from inbox.store.migrations import M011_APPLICATION_ID, MIGRATIONS, migrate
from tests.faults import damage, fingerprint, make_foreign, make_inbox


@pytest.mark.parametrize("wal", [False, True])
def test_another_programs_sqlite_file_is_refused_and_unchanged(tmp_path: Path, wal: bool) -> None:
    other = make_foreign(tmp_path / "notes.db", wal=wal)
    before = fingerprint(other)
    with pytest.raises(ForeignDatabase, match="not a Feedback Inbox database"):
        Store(other)
    assert fingerprint(other) == before  # no WAL switch, no tables, no user_version, no -wal


def test_a_file_with_an_items_table_only_is_not_taken_for_an_inbox(tmp_path: Path) -> None:
    other = tmp_path / "shop.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, sku TEXT)")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    before = fingerprint(other)
    with pytest.raises(ForeignDatabase):
        Store(other)
    assert fingerprint(other) == before


def test_a_file_with_another_application_id_is_refused(tmp_path: Path) -> None:
    other = make_inbox(tmp_path / "lookalike.db")
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA application_id = 1234")
    conn.commit()
    conn.close()
    before = fingerprint(other)
    with pytest.raises(ForeignDatabase):
        Store(other)
    assert fingerprint(other) == before


def test_text_and_binary_files_are_refused_unchanged(tmp_path: Path) -> None:
    for name, data in (("notes.db", b"this is not sqlite\n" * 100), ("blob.db", bytes(range(256)) * 40)):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ForeignDatabase):
            Store(path)
        assert path.read_bytes() == data


def test_a_newer_schema_is_refused_unchanged(tmp_path: Path) -> None:
    path = make_inbox(tmp_path / "future.db")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.commit()
    conn.close()
    before = fingerprint(path)
    with pytest.raises(NewerSchema, match="newer Feedback Inbox"):
        Store(path)
    assert fingerprint(path) == before


def test_new_files_get_our_application_id(tmp_path: Path) -> None:
    with Store(tmp_path / "new.db") as store:
        assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_an_older_inbox_without_the_id_is_recognised_by_its_tables_and_marked(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=MIGRATIONS.index(M011_APPLICATION_ID))  # every migration before M011
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0
    conn.close()
    with Store(path) as store:
        assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert store.schema_version == SCHEMA_VERSION


def test_an_empty_sqlite_file_becomes_an_inbox(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()  # zero bytes
    with Store(path) as store:
        assert store.count_items() == 0


def test_a_damaged_schema_is_reported_as_damaged_and_not_written(tmp_path: Path) -> None:
    path = make_inbox(tmp_path / "inbox.db", 50)
    damage(path)
    data = path.read_bytes()
    # page 1 (the schema) garbled too: SQLite cannot even list the tables
    with contextlib.closing(sqlite3.connect(path)) as conn:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    garbled = data[:100] + b"\xa5" * (page - 100) + data[page:]
    path.write_bytes(garbled)
    with pytest.raises((DamagedDatabase, ForeignDatabase)):
        Store(path)
    assert path.read_bytes() == garbled
