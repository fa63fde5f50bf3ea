"""Restore checks the candidate completely before touching the inbox, and works whatever
state the inbox is in (damaged, newer, not ours, missing)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from inbox.services import backup as backups
from inbox.store import SCHEMA_VERSION
from tests.faults import count_items, damage, fingerprint, integrity, make_foreign, make_inbox


@pytest.fixture
def good(tmp_path: Path) -> Path:
    source = make_inbox(tmp_path / "source.db", 30)
    return backups.create_backup(source, tmp_path / "backups")


def _newer(path: Path) -> None:
    make_inbox(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("state", ["damaged", "newer", "foreign", "text"])
def test_restore_moves_an_inbox_that_cannot_be_backed_up_aside(tmp_path: Path, good: Path, state: str) -> None:
    db = tmp_path / "inbox.db"
    if state == "damaged":
        make_inbox(db, 400)
        damage(db)
    elif state == "newer":
        _newer(db)
    elif state == "foreign":
        make_foreign(db)
    else:
        db.write_text("not a database\n" * 50)
    before = db.read_bytes()
    result = backups.restore(good, db, tmp_path / "backups")
    assert result.saved is None and result.moved_aside is not None and result.reason
    assert result.moved_aside.read_bytes() == before  # kept exactly as it was
    assert count_items(db) == 30 and integrity(db) == "ok"


@pytest.mark.parametrize("candidate", ["foreign", "newer", "damaged", "empty"])
def test_a_bad_candidate_is_refused_before_the_inbox_is_touched(tmp_path: Path, candidate: str) -> None:
    db = make_inbox(tmp_path / "inbox.db", 5)
    bad = tmp_path / "candidate.db"
    if candidate == "foreign":
        make_foreign(bad, wal=True)
    elif candidate == "newer":
        _newer(bad)
    elif candidate == "damaged":
        make_inbox(bad, 400)
        damage(bad)
    else:
        bad.write_bytes(b"")
    before_db, before_bad = fingerprint(db)[0], fingerprint(bad)[0]
    with pytest.raises(backups.BackupError):
        backups.restore(bad, db, tmp_path / "backups")
    assert fingerprint(db)[0] == before_db and fingerprint(bad)[0] == before_bad
    assert not (tmp_path / "backups").exists()  # not even a before-restore copy was made
