"""Checking an inbox this process already holds open, with other processes beside it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from inbox.store import DamagedDatabase, ForeignDatabase, Store
from inbox.store.identity import APPLICATION_ID, read_identity

_OTHER_PROCESS = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
print(conn.execute("SELECT count(*) FROM sources").fetchone()[0])
conn.close()
"""


def other_process_count(path: Path) -> int:
    """Sources as another process sees them; it opens and closes a connection as a sync's
    process does (the last one to close a WAL database checkpoints it and deletes the WAL)."""
    done = subprocess.run([sys.executable, "-c", _OTHER_PROCESS, str(path)],
                          capture_output=True, text=True, check=True, timeout=60)
    return int(done.stdout)


def test_opening_a_held_inbox_again_keeps_what_this_process_writes_seen_by_others(tmp_path: Path) -> None:
    path = tmp_path / "inbox.db"
    window = Store(path)
    window.add_source("rss", "Café feed", settings={"url": "https://example.org/feed"})
    worker = Store(path)  # the window opens more stores on the same file (workers, a sync)
    try:
        assert other_process_count(path) == 1
        # the other process closed last but one: the WAL, and this process's hold, stay
        assert path.with_name("inbox.db-wal").exists()
        window.add_source("rss", "Bakery feed", settings={"url": "https://example.org/bakery"})
        assert other_process_count(path) == 2
    finally:
        worker.close()
        window.close()
    assert other_process_count(path) == 2


def test_an_inbox_closed_and_overwritten_in_place_is_checked_again(tmp_path: Path) -> None:
    """Held only while open: once closed, its inode may hold anything (here, the same
    file written over with text), and it is checked in full."""
    path = tmp_path / "inbox.db"
    Store(path).close()
    for side in ("-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)
    inode = path.stat().st_ino
    with path.open("r+b") as fh:
        fh.write(b"shopping list: flour, butter\n" * 100)
    assert path.stat().st_ino == inode
    with pytest.raises(ForeignDatabase):
        Store(path)


def test_a_file_put_in_place_of_an_inbox_once_held_is_checked_again(tmp_path: Path) -> None:
    path = tmp_path / "inbox.db"
    Store(path).close()
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list: flour, butter\n" * 100)
    os.replace(notes, path)
    with pytest.raises(ForeignDatabase):
        Store(path)
    assert path.read_text().startswith("shopping list")


_opens: list[str] | None = None  # while a test records: the paths Python code opens


def _record_open(event: str, args: tuple) -> None:
    if event == "open" and _opens is not None and isinstance(args[0], str | bytes | os.PathLike):
        _opens.append(os.fsdecode(args[0]))


@pytest.fixture
def python_opens() -> list[str]:
    """The files opened by Python code (builtin, io and os open: not SQLite's own) during
    the test. The audit hook stays for the session (they cannot be removed); it is idle
    outside such a test."""
    global _opens
    if not getattr(sys, "_inbox_open_hook", False):
        sys.addaudithook(_record_open)
        sys._inbox_open_hook = True  # type: ignore[attr-defined]
    _opens = []
    try:
        yield _opens
    finally:
        _opens = None


@pytest.mark.parametrize(("app_id", "refused"), [(APPLICATION_ID, DamagedDatabase), (1234, ForeignDatabase)])
def test_a_file_whose_schema_cannot_be_read_has_its_header_read_once(
        tmp_path: Path, python_opens: list[str], app_id: int, refused: type[Exception]) -> None:
    """Its header (magic, application id) tells ours, damaged, from another program's file:
    one read of its first 100 bytes, not one for the magic and another for the id."""
    path = tmp_path / "inbox.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {app_id}")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\xa5" * (page - 100) + data[page:])  # the schema's page garbled
    python_opens.clear()
    with pytest.raises(refused):
        read_identity(path)
    assert [p for p in python_opens if p == str(path)] == [str(path)]
