"""Backups: daily copies that are real SQLite files, rotation, restore and its refusals."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from inbox.domain import Author, Item
from inbox.services import backup as backups
from inbox.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _item(n: int) -> Item:
    return Item(external_id=f"r{n}", kind="review", text=f"Lovely flat white number {n}",
                created_at=datetime(2026, 11, 1, 10, tzinfo=UTC), author=Author(external_id="a1", display_name="Ana"),
                rating=5)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "inbox.db"
    with Store(path) as store:
        sid = store.add_source("google", "Café").id
        store.upsert_items(sid, [_item(n) for n in range(3)])
    return path


def _count(path: Path) -> int:
    with Store(path) as store:
        return store.count_items()


def test_backup_is_a_valid_sqlite_file_with_the_data(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    target = backups.create_backup(db, folder)
    assert target.parent == folder and target.name.startswith("inbox-")
    with contextlib.closing(sqlite3.connect(target)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == 3
    assert not list(folder.glob("*.partial")) and not list(folder.glob("*-wal"))


def test_default_folder_is_the_data_dirs_backups(db: Path) -> None:
    target = backups.create_backup(db)
    assert target.parent == backups.backups_dir()
    assert backups.backups_dir().parent.name == "feedback-inbox"


def test_backup_while_the_app_holds_a_write_transaction(db: Path, tmp_path: Path) -> None:
    with Store(db) as store, store.transaction():
        store.set_status([1], "done")
        target = backups.create_backup(db, tmp_path / "b")  # sees the last committed state
    with Store(target) as copy:
        assert copy.get_item(1).status != "done"


def test_rotation_keeps_the_newest_seven(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    start = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
    made = [backups.create_backup(db, folder, now=start + timedelta(days=d)) for d in range(10)]
    kept = backups.list_backups(db, folder)
    assert [b.path for b in kept] == list(reversed(made[-7:]))
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in made[-7:])


def test_backup_if_due_only_once_a_day(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    t0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    assert backups.backup_if_due(db, folder, now=t0) is not None
    assert backups.backup_if_due(db, folder, now=t0 + timedelta(hours=23)) is None
    assert backups.backup_if_due(db, folder, now=t0 + timedelta(hours=25)) is not None
    assert len(backups.list_backups(db, folder)) == 2


def test_restore_round_trip_and_current_db_is_saved_first(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    good = backups.create_backup(db, folder)
    with Store(db) as store:  # a bad day: everything gets deleted
        store.conn.execute("DELETE FROM items")
    assert _count(db) == 0
    safety = backups.restore(good, db, folder).saved
    assert _count(db) == 3
    assert safety is not None and "before-restore" in safety.name
    with Store(safety) as s:
        assert s.count_items() == 0  # the state just before the restore is kept too
    with Store(db) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_restore_into_an_open_connection_is_seen_by_it(db: Path, tmp_path: Path) -> None:
    good = backups.create_backup(db, tmp_path / "b")
    with Store(db) as store:
        store.conn.execute("DELETE FROM items")
        backups.restore_into(store, good)
        assert store.count_items() == 3
        store.set_status([1], "done")  # still writable
        assert store.get_item(1).status == "done"


def test_restore_refuses_a_non_sqlite_file(db: Path, tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_text("this is not a database\n" * 20)
    with pytest.raises(backups.BackupError, match="not a Feedback Inbox database"):
        backups.restore(junk, db, tmp_path / "b")
    assert _count(db) == 3
    assert not (tmp_path / "b").exists()  # refused before anything was touched


def test_restore_refuses_a_foreign_sqlite_file(db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(backups.BackupError, match="not a Feedback Inbox database"):
        backups.restore(other, db, tmp_path / "b")
    assert _count(db) == 3


def _cli(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "inbox", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_cli_backup_list_and_restore(db: Path, tmp_path: Path) -> None:
    made = _cli("backup", "--db", str(db))
    assert made.returncode == 0, made.stderr
    listed = _cli("backup", "--db", str(db), "--list", env_extra={"TZ": "Pacific/Kiritimati"})  # UTC+14
    assert listed.returncode == 0 and "inbox-" in listed.stdout
    assert "UTC" not in listed.stdout  # the local time, as the computer's clock says it
    from datetime import datetime
    from zoneinfo import ZoneInfo
    assert datetime.now(ZoneInfo("Pacific/Kiritimati")).strftime("%Y-%m-%d") in listed.stdout
    path = Path(listed.stdout.split()[-1])
    assert path.exists()

    with Store(db) as store:
        store.conn.execute("DELETE FROM items")
    refused = _cli("backup", "restore", str(path), "--db", str(db))
    assert refused.returncode != 0 and "--yes" in refused.stderr
    assert _count(db) == 0
    done = _cli("--db", str(db), "backup", "restore", str(path), "--yes")
    assert done.returncode == 0, done.stderr
    assert "previous database was saved" in done.stdout
    assert _count(db) == 3


def test_cli_restore_of_a_text_file_says_why(db: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("hello")
    res = _cli("--db", str(db), "backup", "restore", str(junk), "--yes")
    assert res.returncode == 2
    assert "not a Feedback Inbox database" in res.stderr and "nothing was changed" in res.stderr
    assert "Traceback" not in res.stderr


def test_two_backups_at_once_both_succeed(db: Path, tmp_path: Path) -> None:
    """"Back up now" clicked while the daily backup runs: neither spoils the other."""
    from concurrent.futures import ThreadPoolExecutor

    folder = tmp_path / "backups"
    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(lambda _: backups.create_backup(db, folder), range(4)))
    assert len(set(made)) == 4 and all(p.exists() for p in made)
    for p in made:
        backups.check_database(p)


def test_a_partial_left_by_a_killed_backup_is_cleaned_up(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    stale = folder / "inbox-20260101-000000.partial"
    stale.write_bytes(b"half")
    os.utime(stale, (0, 0))
    fresh = folder / "inbox-20260101-000001.partial"  # another process is writing it now
    fresh.write_bytes(b"half")
    backups.create_backup(db, folder)
    assert not stale.exists() and fresh.exists()


def test_restore_refuses_a_backup_from_a_newer_version(db: Path, tmp_path: Path) -> None:
    newer = backups.create_backup(db, tmp_path / "b")
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(backups.BackupError, match="newer Feedback Inbox"):
        backups.restore(newer, db, tmp_path / "b")
    assert _count(db) == 3
