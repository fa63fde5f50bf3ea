"""Saved replies (templates) in the `saved_replies` table; names are unique ignoring case."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from inbox.domain import format_time, utcnow
from inbox.domain.saved import SavedReply
from inbox.store.connection import write_transaction
from inbox.store.errors import StoreError


class SavedRepliesMixin:
    conn: sqlite3.Connection

    def list_saved_replies(self) -> list[SavedReply]:
        """By name, ignoring case, as the picker lists them."""
        return [SavedReply(*r) for r in self.conn.execute(
            "SELECT id, name, body FROM saved_replies ORDER BY name COLLATE NOCASE")]

    def put_saved_reply(self, name: str, body: str, reply_id: int | None = None) -> SavedReply:
        """Add a saved reply (id None) or change one; raises StoreError when another saved
        reply has the name. The caller has cleaned and checked name and body."""
        now = format_time(utcnow())
        with write_transaction(self.conn):
            clash = self.conn.execute("SELECT id FROM saved_replies WHERE name = ?", (name,)).fetchone()
            if clash and clash[0] != reply_id:
                raise StoreError(f"there is already a saved reply called {name!r}")
            if reply_id is None:
                reply_id = self.conn.execute(
                    "INSERT INTO saved_replies (name, body, created_at, updated_at) VALUES (?, ?, ?, ?) "
                    "RETURNING id", (name, body, now, now)).fetchone()[0]
            else:
                self.conn.execute("UPDATE saved_replies SET name = ?, body = ?, updated_at = ? WHERE id = ?",
                                  (name, body, now, reply_id))
        return SavedReply(reply_id, name, body)

    def delete_saved_reply(self, reply_id: int) -> None:
        with write_transaction(self.conn):
            self.conn.execute("DELETE FROM saved_replies WHERE id = ?", (reply_id,))

    def add_missing_saved_replies(self, replies: Iterable[tuple[str, str]]) -> None:
        """Add (name, body) pairs whose name is not taken yet; existing ones stay as edited."""
        now = format_time(utcnow())
        with write_transaction(self.conn):
            self.conn.executemany(
                "INSERT INTO saved_replies (name, body, created_at, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name) DO NOTHING", [(name, body, now, now) for name, body in replies])
