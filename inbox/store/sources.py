"""Sources: what to sync, with non-secret settings and the incremental cursor."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from inbox.domain import Source, SourceKind, Whose, format_time, utcnow
from inbox.store.connection import write_transaction
from inbox.store.errors import NotFound, StoreError


def _row_to_source(row: sqlite3.Row, database_id: str) -> Source:
    return Source(
        id=row["id"], kind=row["kind"], name=row["name"], whose=row["whose"],
        settings=json.loads(row["settings"] or "{}"), cursor=json.loads(row["cursor"] or "{}"),
        enabled=bool(row["enabled"]), last_synced_at=row["last_synced_at"],
        last_error=row["last_error"], stats=json.loads(row["stats"] or "{}"),
        secret_key=f"{database_id}/{row['id']}" if database_id else "",
    )


class SourcesMixin:
    conn: sqlite3.Connection

    database_id: Callable[[], str]  # DatabaseIdMixin

    def add_source(self, kind: str, name: str, *, whose: str = Whose.OWN,
                   settings: dict[str, Any] | None = None) -> Source:
        kind = SourceKind(kind).value
        whose = Whose(whose).value
        name = name.strip()
        if not name:
            raise StoreError("a source needs a name")
        with write_transaction(self.conn):
            if self.conn.execute("SELECT 1 FROM sources WHERE name = ?", (name,)).fetchone():
                raise StoreError(f"a source named {name!r} already exists")
            cur = self.conn.execute(
                "INSERT INTO sources (kind, name, whose, settings, created_at) VALUES (?, ?, ?, ?, ?)",
                (kind, name, whose, json.dumps(settings or {}), format_time(utcnow())))
        return self.get_source(cur.lastrowid)

    def get_source(self, key: int | str) -> Source:
        """By id, or by name (case-insensitive)."""
        if isinstance(key, int):
            row = self.conn.execute("SELECT * FROM sources WHERE id = ?", (key,)).fetchone()
        else:
            row = self.conn.execute("SELECT * FROM sources WHERE name = ?", (key,)).fetchone()
        if row is None:
            raise NotFound(f"no source named {key!r}")
        return _row_to_source(row, self.database_id())

    def list_sources(self) -> list[Source]:
        rows = self.conn.execute("SELECT * FROM sources ORDER BY whose DESC, name").fetchall()
        database_id = self.database_id()
        return [_row_to_source(r, database_id) for r in rows]

    def update_source(self, source_id: int, **fields: Any) -> Source:
        """Change name, whose, settings, enabled, last_synced_at, last_error or stats."""
        allowed = {"name", "whose", "settings", "enabled", "last_synced_at", "last_error", "stats"}
        unknown = set(fields) - allowed
        if unknown:
            raise StoreError(f"cannot change {', '.join(sorted(unknown))} of a source")
        values = {k: json.dumps(v) if k in ("settings", "stats") else v for k, v in fields.items()}
        if values:
            sets = ", ".join(f"{k} = :{k}" for k in values)
            with write_transaction(self.conn):
                self.conn.execute(f"UPDATE sources SET {sets} WHERE id = :id", {**values, "id": source_id})
        return self.get_source(source_id)

    def set_cursor(self, source_id: int, cursor: dict[str, Any]) -> None:
        """Save the incremental cursor; call inside the page's transaction."""
        with write_transaction(self.conn):
            self.conn.execute("UPDATE sources SET cursor = ? WHERE id = ?", (json.dumps(cursor), source_id))

    def remove_source(self, source_id: int) -> None:
        """Remove a source and everything synced from it."""
        with write_transaction(self.conn):
            self.conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))

    def count_source_items(self, source_id: int) -> int:
        """Items synced from a source, in any state: what removing it would delete."""
        return self.conn.execute("SELECT count(*) FROM items WHERE source_id = ?", (source_id,)).fetchone()[0]
