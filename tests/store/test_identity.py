"""Checking an inbox this process already holds open, with other processes beside it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from inbox.store import ForeignDatabase, Store

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
