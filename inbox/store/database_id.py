"""The database's own identity: a random id made once, so the keyring entries of two
databases (the demo and the owner's, or two shops' files) never meet."""

from __future__ import annotations

import sqlite3
import uuid

from inbox.store.connection import write_transaction

IDENTITY_KEY = "database.id"


class DatabaseIdMixin:
    conn: sqlite3.Connection
    readonly: bool
    _identity: str | None = None

    def database_id(self) -> str:
        """This database's id, made on first use (the first writer wins, so two processes
        opening a new file agree). A read-only connection never writes one ("" if none)."""
        if self._identity:
            return self._identity
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (IDENTITY_KEY,)).fetchone()
        if row is None and not self.readonly:
            with write_transaction(self.conn):
                self.conn.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                                  (IDENTITY_KEY, uuid.uuid4().hex))
            row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (IDENTITY_KEY,)).fetchone()
        self._identity = str(row[0]) if row else None
        return self._identity or ""
