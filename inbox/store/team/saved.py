"""The team's saved replies and saved searches, shared by every member: the same operations
as the SQLite store's `SavedRepliesMixin` and `SavedViewsMixin` (names unique ignoring case)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from inbox.domain import InboxFilter, format_time, utcnow
from inbox.domain.saved import SavedReply, SavedView
from inbox.store.errors import StoreError


class TeamSavedMixin:
    def cursor(self) -> Any: ...  # TeamStore
    def transaction(self) -> Any: ...  # TeamStore

    def list_saved_replies(self) -> list[SavedReply]:
        with self.cursor() as cur:
            return [SavedReply(*r) for r in cur.execute("SELECT id, name, body FROM saved_replies ORDER BY lower(name)")]

    def put_saved_reply(self, name: str, body: str, reply_id: int | None = None) -> SavedReply:
        """Add a saved reply (id None) or change one; StoreError when another has the name."""
        now = format_time(utcnow())
        with self.transaction(), self.cursor() as cur:
            clash = cur.execute("SELECT id FROM saved_replies WHERE lower(name) = lower(%s)", (name,)).fetchone()
            if clash and clash[0] != reply_id:
                raise StoreError(f"there is already a saved reply called {name!r}")
            if reply_id is None:
                reply_id = cur.execute("INSERT INTO saved_replies (name, body, created_at, updated_at) "
                                       "VALUES (%s, %s, %s, %s) RETURNING id", (name, body, now, now)).fetchone()[0]
            else:
                cur.execute("UPDATE saved_replies SET name = %s, body = %s, updated_at = %s WHERE id = %s",
                            (name, body, now, reply_id))
        return SavedReply(reply_id, name, body)

    def delete_saved_reply(self, reply_id: int) -> None:
        with self.cursor() as cur:
            cur.execute("DELETE FROM saved_replies WHERE id = %s", (reply_id,))

    def add_missing_saved_replies(self, replies: Iterable[tuple[str, str]]) -> None:
        """Add (name, body) pairs whose name is not taken yet; existing ones stay as edited."""
        now = format_time(utcnow())
        with self.cursor() as cur:
            cur.executemany("INSERT INTO saved_replies (name, body, created_at, updated_at) VALUES (%s, %s, %s, %s) "
                            "ON CONFLICT DO NOTHING", [(name, body, now, now) for name, body in replies])

    def list_saved_views(self) -> list[SavedView]:
        """By name, ignoring case; a row that no longer parses is skipped, not fatal."""
        views = []
        with self.cursor() as cur:
            rows = cur.execute("SELECT id, name, filter FROM saved_views ORDER BY lower(name)").fetchall()
        for view_id, name, data in rows:
            try:
                flt = InboxFilter.from_dict(json.loads(data))
            except (ValueError, TypeError):
                continue
            views.append(SavedView(view_id, name, flt))
        return views

    def put_saved_view(self, name: str, data: dict[str, Any]) -> int:
        """Save a filter under a name, overwriting a saved search of that name; its id."""
        with self.cursor() as cur:
            return cur.execute(
                "INSERT INTO saved_views (name, filter, created_at) VALUES (%s, %s, %s) "
                "ON CONFLICT ((lower(name))) DO UPDATE SET filter = excluded.filter RETURNING id",
                (name, json.dumps(data), format_time(utcnow()))).fetchone()[0]

    def delete_saved_view(self, view_id: int) -> None:
        with self.cursor() as cur:
            cur.execute("DELETE FROM saved_views WHERE id = %s", (view_id,))
