"""Two syncs or imports on one database at once: the second says "A sync is already
running" (never "database is locked" with a traceback); the lock dies with its process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inbox.store import Store, SyncRunning
from tests.faults import ROOT, count_items, integrity, run_inbox

ROWS = 30_000


@pytest.fixture
def import_db(tmp_path: Path) -> Path:
    csv = tmp_path / "export.csv"
    csv.write_text("id,text,rating,author,date\n" + "".join(
        f"r{i},Lovely coffee and cake review number {i},{1 + i % 5},Author {i % 700},2026-11-01\n"
        for i in range(ROWS)))
    db = tmp_path / "inbox.db"
    result = run_inbox("sources", "add", "file", "--name", "Export", "--set", f"path={csv}", "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


def _start_sync(db: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "inbox", "sync", "--db", str(db)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_lock(db: Path, proc: subprocess.Popen) -> None:
    """Until the first sync holds the lock (its pid is in the lock file)."""
    lock = db.with_name(db.name + ".sync-lock")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if lock.exists() and lock.read_text().strip() == str(proc.pid):
            return
        time.sleep(0.02)
    pytest.fail("the first sync never took the lock")


@pytest.mark.slow
def test_a_second_sync_says_one_is_running_and_the_first_finishes(import_db: Path) -> None:
    first = _start_sync(import_db)
    _wait_for_lock(import_db, first)
    second = run_inbox("sync", "--db", str(import_db))
    _out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == 2
    assert "A sync is already running" in second.stderr
    assert "Traceback" not in second.stderr + second.stdout and "database is locked" not in second.stderr
    assert count_items(import_db) == ROWS and integrity(import_db) == "ok"


@pytest.mark.slow
def test_the_lock_of_a_killed_sync_is_released(import_db: Path) -> None:
    first = _start_sync(import_db)
    _wait_for_lock(import_db, first)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=30)  # also closes its pipes
    again = run_inbox("sync", "--db", str(import_db), timeout=300)
    assert again.returncode == 0, again.stderr
    assert count_items(import_db) == ROWS and integrity(import_db) == "ok"


def test_in_one_process_the_lock_is_exclusive_and_can_wait(tmp_path: Path) -> None:
    with Store(tmp_path / "inbox.db") as store:
        with store.sync_lock():
            with pytest.raises(SyncRunning, match="A sync is already running"), store.sync_lock():
                pass
            started = time.monotonic()
            with pytest.raises(SyncRunning), store.sync_lock(wait=0.5):
                pass
            assert time.monotonic() - started >= 0.5
        with store.sync_lock():  # released: free again
            pass
