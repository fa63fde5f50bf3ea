"""Backups: daily copies that are real SQLite files, rotation, restore and its refusals."""

from __future__ import annotations

import contextlib
import hashlib
import os
import resource
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from inbox.domain import Author, Item
from inbox.services import backup as backups
from inbox.store import Store
from inbox.store.connection import PAGE_SIZE

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


_OTHER_PROCESS = """
import hashlib, sqlite3, sys
from pathlib import Path
digests = [hashlib.sha256(Path(name).read_bytes()).hexdigest() for name in sys.argv[2:]]
conn = sqlite3.connect(sys.argv[1])
print(conn.execute("SELECT count(*) FROM sources").fetchone()[0], *digests)
conn.close()
"""


def _other_process(path: Path, *hashed: Path) -> tuple[int, list[str]]:
    """The sha256 of `hashed` as another process reads them (reading them here would drop
    this process's locks), then the sources it sees; it opens and closes a connection as a
    sync's process does (the last one to close checkpoints and deletes the WAL)."""
    done = subprocess.run([sys.executable, "-c", _OTHER_PROCESS, str(path), *map(str, hashed)],
                          capture_output=True, text=True, check=True, timeout=60)
    count, *digests = done.stdout.split()
    return int(count), digests


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("cp_on_path", [True, False], ids=["cp", "no-cp"])
def test_keeping_a_copy_of_an_open_inbox_keeps_what_it_writes_seen_by_others(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cp_on_path: bool) -> None:
    """The window's restore copies its open (damaged) inbox aside: a plain open() and close()
    of it here would drop the window's locks, and another process closing last would then
    checkpoint and delete the WAL under the window."""
    if not cp_on_path:  # no `cp`: the copy is made by a python child instead
        monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    path = tmp_path / "inbox.db"
    window = Store(path)
    try:
        window.add_source("rss", "Café feed", settings={"url": "https://example.org/feed"})
        wal = path.with_name("inbox.db-wal")
        assert wal.stat().st_size > 0
        kept = backups.keep_damaged_copy(path, now=datetime(2026, 12, 4, 21, 0, tzinfo=UTC))
        assert kept.name == "inbox-damaged-20261204-210000.db"
        count, digests = _other_process(path, path, wal)
        assert count == 1
        assert wal.exists()  # the other process did not take the file as unused
        # byte copies of the file and its WAL as they were (nothing written since)
        assert [_sha256(kept), _sha256(kept.with_name(kept.name + "-wal"))] == digests
        window.add_source("rss", "Bakery feed", settings={"url": "https://example.org/bakery"})
        assert _other_process(path)[0] == 2
    finally:
        window.close()
    assert _other_process(path)[0] == 2
    conn = sqlite3.connect(kept)  # the copy with its WAL: what the window had written
    try:
        assert [r[0] for r in conn.execute("SELECT name FROM sources")] == ["Café feed"]
    finally:
        conn.close()


def test_keeping_a_copy_of_a_closed_inbox_copies_its_bytes_and_keeps_an_earlier_copy(db: Path) -> None:
    now = datetime(2026, 12, 4, 21, 0, tzinfo=UTC)
    kept = backups.keep_damaged_copy(db, now=now)
    assert kept.read_bytes() == db.read_bytes()
    assert kept.stat().st_mtime == db.stat().st_mtime  # as `shutil.copy2` and `cp -p` keep it
    assert not kept.with_name(kept.name + "-wal").exists()  # a cleanly closed inbox has none
    kept.write_bytes(b"the first restore's copy")
    again = backups.keep_damaged_copy(db, now=now)  # a second restore in the same second
    assert again.name == "inbox-damaged-20261204-210000-2.db"
    assert kept.read_bytes() == b"the first restore's copy"


def test_a_copy_of_an_open_inbox_that_cannot_be_written_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    """A file-size limit (a full disk, as tests/cli/test_disk_faults.py) stops the copy: the
    restore is told why (it then stops before touching the inbox), no half copy stays, and
    the window's inbox keeps its WAL and locks."""
    path = tmp_path / "inbox.db"
    window = Store(path)
    try:
        window.add_source("rss", "Café feed", settings={"url": "https://example.org/feed"})
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (path.stat().st_size // 2, hard))
        try:
            with pytest.raises(backups.BackupError, match=r"cannot keep a copy of inbox\.db: "):
                backups.keep_damaged_copy(path)
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        assert not list(tmp_path.glob("*damaged*"))
        assert _other_process(path)[0] == 1
        assert path.with_name("inbox.db-wal").exists()
    finally:
        window.close()


def _with_page_size(path: Path, size: int) -> None:
    """Rewrite the inbox at `path` with pages of `size` bytes, as other versions made them."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute(f"PRAGMA page_size = {size}")
        conn.execute("VACUUM")
        assert conn.execute("PRAGMA page_size").fetchone()[0] == size


def _page_size(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute("PRAGMA page_size").fetchone()[0]


@pytest.mark.parametrize("backup_pages, inbox_pages", [(4096, PAGE_SIZE), (PAGE_SIZE, 4096)])
def test_a_backup_with_other_page_size_restores_into_the_open_inbox(
        db: Path, tmp_path: Path, backup_pages: int, inbox_pages: int) -> None:
    # Backups made before new inboxes got larger pages have 4 KB ones, and an inbox made then
    # keeps them: SQLite alone refuses such a restore into a database in WAL mode.
    good = backups.create_backup(db, tmp_path / "b")
    _with_page_size(good, backup_pages)
    _with_page_size(db, inbox_pages)
    with Store(db) as store:
        store.conn.execute("DELETE FROM items")
        backups.restore_into(store, good)
        assert store.count_items() == 3
        store.set_status([1], "done")  # still writable
        assert store.conn.execute("PRAGMA page_size").fetchone()[0] == inbox_pages
    assert not list(db.parent.glob(".restore-*"))  # the resized copy is removed


def test_a_backup_with_other_page_size_restores_from_the_command_line(db: Path, tmp_path: Path) -> None:
    good = backups.create_backup(db, tmp_path / "b")
    _with_page_size(good, 4096)
    with Store(db) as store:
        store.conn.execute("DELETE FROM items")
    backups.restore(good, db, tmp_path / "b")
    assert _count(db) == 3 and _page_size(db) == PAGE_SIZE



def test_a_backup_restored_where_there_is_no_inbox_keeps_its_own_page_size(tmp_path: Path) -> None:
    made = tmp_path / "made.db"
    with Store(made) as store:
        store.add_source("google", "Café")
    good = backups.create_backup(made, tmp_path / "b")
    fresh = tmp_path / "new" / "inbox.db"
    backups.restore(good, fresh, tmp_path / "b")
    assert _page_size(good) == _page_size(fresh) == PAGE_SIZE  # copied as it is, not rewritten
    with Store(fresh) as store:
        assert [s.name for s in store.list_sources()] == ["Café"]
