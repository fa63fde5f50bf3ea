"""The window on a file that is not ours, too new or damaged: it says so (dialog and
terminal), exits 1, shows no traceback, and leaves the file byte-for-byte unchanged."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from inbox.store import SCHEMA_VERSION
from tests.faults import damage, fingerprint, make_foreign, make_inbox, run_inbox


def _newer(path: Path) -> Path:
    make_inbox(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 2}")
    conn.commit()
    conn.close()
    return path


def _damaged(path: Path) -> Path:
    make_inbox(path, 400)
    damage(path)
    return path


@pytest.mark.parametrize(("make", "sentence"), [
    (lambda p: make_foreign(p, wal=True), "This file is not a Feedback Inbox database"),
    (_newer, "newer Feedback Inbox"),
    (_damaged, "The inbox file is damaged. Restore a backup: inbox backup restore FILE --yes"),
], ids=["foreign", "newer", "damaged"])
def test_the_window_refuses_and_changes_nothing(tmp_path: Path, make, sentence) -> None:
    path = make(tmp_path / "inbox.db")
    before = path.read_bytes()
    result = run_inbox("--smoke-test", "--db", str(path), env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 1
    assert sentence in result.stderr and "Traceback" not in result.stderr + result.stdout
    assert path.read_bytes() == before


def test_inbox_db_pointing_at_a_foreign_file_opens_no_window(tmp_path: Path) -> None:
    other = make_foreign(tmp_path / "notes.db")
    before = fingerprint(other)
    result = run_inbox("--smoke-test", env={"QT_QPA_PLATFORM": "offscreen", "INBOX_DB": str(other)})
    assert result.returncode == 1 and "not a Feedback Inbox database" in result.stderr
    assert fingerprint(other) == before


def test_restore_from_the_window_works_when_the_open_inbox_is_damaged(window, qtbot, answers) -> None:
    from inbox.services import backup as backups
    from inbox.ui import backups as backup_ui
    from tests.faults import integrity
    from tests.ui.conftest import settle

    backup_ui.install(window)
    before = window.store.count_items()
    good = window.run_command("file.backup_now")
    damage(window.db_path, "erasures", "erasure_digests")
    assert integrity(window.db_path) != "ok"
    damaged_bytes = window.db_path.read_bytes()
    answers.confirm = True
    assert backup_ui.restore_backup(window, good) is True
    # its erasures could not be read: the owner is told to check, not left to find a customer back
    assert any(title == "Erased customers may be back" and "erase them again" in text for title, text in answers.asked)
    settle(qtbot, window)
    assert window.store.count_items() == before and integrity(window.db_path) == "ok"
    kept = list(window.db_path.parent.glob(f"{window.db_path.stem}-damaged-*{window.db_path.suffix}"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged_bytes  # the damaged file, kept as it was
    assert not [b for b in backups.list_backups(window.db_path) if "before-restore" in b.path.name]
