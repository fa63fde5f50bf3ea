"""Why the database could not be opened, told from the store's own error types (the window
never sees the engine's exceptions)."""

from __future__ import annotations

from pathlib import Path

from inbox.store import DatabaseError, Store
from inbox.ui.crash import startup_error_text


def test_a_file_that_is_not_a_database_is_named_as_such(tmp_path: Path) -> None:
    junk = tmp_path / "inbox.db"
    junk.write_bytes(b"\x00\x01 not sqlite" * 100)
    try:
        Store(junk)
    except Exception as exc:  # what the app catches
        text = startup_error_text(exc, junk)
    assert "This file is not a Feedback Inbox database" in text
    assert "inbox backup restore FILE --yes" in text


def test_another_database_error_is_told_in_its_own_words(tmp_path: Path) -> None:
    text = startup_error_text(DatabaseError("database is locked"), tmp_path / "inbox.db")
    assert "database is locked." in text and "not a Feedback Inbox database" not in text
