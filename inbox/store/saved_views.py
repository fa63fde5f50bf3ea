"""Saved searches: a name and an `InboxFilter` stored as JSON in `saved_views`."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from inbox.domain import InboxFilter, format_time, utcnow
from inbox.domain.saved import SavedView
from inbox.store.connection import write_transaction


class SavedViewsMixin:
    conn: sqlite3.Connection

    def list_saved_views(self) -> list[SavedView]:
        """By name, ignoring case; a hand-edited row that no longer parses is skipped, not fatal."""
        views = []
        for view_id, name, data in self.conn.execute(
                "SELECT id, name, filter FROM saved_views ORDER BY name COLLATE NOCASE"):
            try:
                flt = InboxFilter.from_dict(json.loads(data))
            except (ValueError, TypeError):
                continue
            views.append(SavedView(view_id, name, flt))
        return views

    def put_saved_view(self, name: str, data: dict[str, Any]) -> int:
        """Save a filter (as `InboxFilter.to_dict` gives it) under a name, overwriting a
        saved search of that name; returns its id."""
        with write_transaction(self.conn):
            row = self.conn.execute(
                "INSERT INTO saved_views (name, filter, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET filter = excluded.filter RETURNING id",
                (name, json.dumps(data), format_time(utcnow()))).fetchone()
        return row[0]

    def delete_saved_view(self, view_id: int) -> None:
        with write_transaction(self.conn):
            self.conn.execute("DELETE FROM saved_views WHERE id = ?", (view_id,))
