"""Foreign, newer and damaged files on the command line (--db, INBOX_DB, restore): one
sentence, exit code 2, no traceback, the file byte-for-byte unchanged."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from inbox.store import SCHEMA_VERSION
from tests.faults import count_items, damage, fingerprint, make_foreign, make_inbox, run_inbox

COMMANDS = [("stats",), ("sources", "list"), ("search", "coffee"), ("sync",), ("backup",),
            ("export", "-o", "OUT"), ("settings", "list")]


def _run(args: tuple[str, ...], tmp_path: Path, **kw):
    return run_inbox(*(str(tmp_path / "out.csv") if a == "OUT" else a for a in args), **kw)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_every_command_refuses_a_foreign_file_given_with_db(tmp_path: Path, args) -> None:
    other = make_foreign(tmp_path / "notes.db", wal=True)
    before = fingerprint(other)
    result = _run((*args, "--db", str(other)), tmp_path)
    assert result.returncode == 2, result.stderr
    assert "not a Feedback Inbox database" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert fingerprint(other) == before


def test_inbox_db_pointing_at_a_foreign_file_is_refused(tmp_path: Path) -> None:
    other = make_foreign(tmp_path / "notes.db")
    before = fingerprint(other)
    result = run_inbox("stats", env={"INBOX_DB": str(other)})
    assert result.returncode == 2 and "not a Feedback Inbox database" in result.stderr
    assert "Traceback" not in result.stderr and fingerprint(other) == before


def test_a_newer_schema_is_refused_unchanged(tmp_path: Path) -> None:
    path = make_inbox(tmp_path / "future.db")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    conn.commit()
    conn.close()
    before = fingerprint(path)
    result = run_inbox("stats", "--db", str(path))
    assert result.returncode == 2 and "newer Feedback Inbox" in result.stderr
    assert "Traceback" not in result.stderr and fingerprint(path) == before


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_damaged_inbox_says_restore_a_backup_in_every_command(tmp_path: Path, args) -> None:
    path = make_inbox(tmp_path / "inbox.db", 400)
    damage(path)
    before = path.read_bytes()
    result = _run((*args, "--db", str(path)), tmp_path)
    assert result.returncode == 2, result.stderr
    assert "The inbox file is damaged. Restore a backup: inbox backup restore FILE --yes" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert path.read_bytes() == before  # nothing was written into it
    assert not (tmp_path / "out.csv").exists()


def test_restore_of_a_foreign_file_is_refused_and_the_inbox_kept(tmp_path: Path) -> None:
    db = make_inbox(tmp_path / "inbox.db")
    other = make_foreign(tmp_path / "notes.db")
    before, kept = fingerprint(other), count_items(db)
    result = run_inbox("backup", "restore", str(other), "--yes", "--db", str(db))
    assert result.returncode == 2 and "not a Feedback Inbox database" in result.stderr
    assert "Traceback" not in result.stderr
    assert fingerprint(other)[0] == before[0] and count_items(db) == kept


def test_restore_works_when_the_inbox_is_damaged(tmp_path: Path) -> None:
    db = make_inbox(tmp_path / "inbox.db", 400)
    good = tmp_path / "good.db"
    result = run_inbox("backup", "--db", str(db))
    assert result.returncode == 0, result.stderr
    good = next((tmp_path / "home").rglob("inbox-*.db"))
    damage(db)
    damaged_bytes = db.read_bytes()
    result = run_inbox("backup", "restore", str(good), "--yes", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "moved aside" in result.stdout and "Traceback" not in result.stderr
    assert "erase them again" in result.stdout  # its erasures could not be read: the owner is told
    assert count_items(db) == 400
    aside = next(tmp_path.glob("inbox-damaged-*.db"))
    assert aside.name in result.stdout and aside.read_bytes() == damaged_bytes  # kept as it was
    assert run_inbox("stats", "--db", str(db)).returncode == 0


def test_restore_works_when_the_inbox_is_missing_or_foreign(tmp_path: Path) -> None:
    db = make_inbox(tmp_path / "inbox.db", 20)
    assert run_inbox("backup", "--db", str(db)).returncode == 0
    good = next((tmp_path / "home").rglob("inbox-*.db"))
    db.unlink()
    for side in tmp_path.glob("inbox.db-*"):
        side.unlink()
    result = run_inbox("backup", "restore", str(good), "--yes", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert count_items(db) == 20
    for side in tmp_path.glob("inbox.db*"):
        side.unlink()
    make_foreign(db)
    before = fingerprint(db)[0]
    result = run_inbox("backup", "restore", str(good), "--yes", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert count_items(db) == 20
    aside = next(tmp_path.glob("inbox-damaged-*.db"))
    assert fingerprint(aside)[0] == before  # the other program's file, kept unchanged
