"""The team store's sources, settings and sync runs: the same operations as the SQLite
store's `SourcesMixin` and `SyncRunsMixin`, on PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

from psycopg.types.json import Jsonb

from inbox.domain import Source, SourceKind, Whose, format_time, utcnow
from inbox.store.errors import NotFound, StoreError
from inbox.store.sync_runs import RunCounts

IDENTITY_KEY = "database.id"  # the same setting as the SQLite store's (keyring entries follow it)
_SOURCE_COLUMNS = "id, kind, name, whose, settings, cursor, enabled, last_synced_at, last_error, stats"


def _row_to_source(row: tuple, database_id: str) -> Source:
    sid, kind, name, whose, settings, cursor, enabled, synced, error, stats = row
    return Source(id=sid, kind=kind, name=name, whose=whose, settings=settings or {}, cursor=cursor or {},
                  enabled=bool(enabled), last_synced_at=synced, last_error=error, stats=stats or {},
                  secret_key=f"{database_id}/{sid}" if database_id else "")


class TeamSourcesMixin:
    _identity: str | None = None

    def cursor(self) -> Any: ...  # TeamStore

    # -- settings and identity ------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        with self.cursor() as cur:
            row = cur.execute("SELECT value FROM settings WHERE key = %s", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str | None) -> None:
        with self.cursor() as cur:
            cur.execute("INSERT INTO settings (key, value) VALUES (%s, %s) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def database_id(self) -> str:
        """The inbox's id (made on first use; the first writer wins): every member's keyring
        files a source's credentials under it, as for a local inbox."""
        if self._identity:
            return self._identity
        with self.cursor() as cur:
            cur.execute("INSERT INTO settings (key, value) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING",
                        (IDENTITY_KEY, uuid.uuid4().hex))
            self._identity = str(cur.execute("SELECT value FROM settings WHERE key = %s",
                                             (IDENTITY_KEY,)).fetchone()[0])
        return self._identity

    # -- sources -----------------------------------------------------------------------------

    def add_source(self, kind: str, name: str, *, whose: str = Whose.OWN,
                   settings: dict[str, Any] | None = None) -> Source:
        kind = SourceKind(kind).value
        whose = Whose(whose).value
        name = name.strip()
        if not name:
            raise StoreError("a source needs a name")
        with self.cursor() as cur:
            row = cur.execute(
                "INSERT INTO sources (kind, name, whose, settings, created_at) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT DO NOTHING RETURNING id",
                (kind, name, whose, Jsonb(settings or {}), format_time(utcnow()))).fetchone()
        if row is None:
            raise StoreError(f"a source named {name!r} already exists")
        return self.get_source(int(row[0]))

    def get_source(self, key: int | str) -> Source:
        """By id, or by name (case-insensitive)."""
        with self.cursor() as cur:
            if isinstance(key, int):
                row = cur.execute(f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE id = %s", (key,)).fetchone()
            else:
                row = cur.execute(f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE lower(name) = lower(%s)",
                                  (key,)).fetchone()
        if row is None:
            raise NotFound(f"no source named {key!r}")
        return _row_to_source(row, self.database_id())

    def list_sources(self) -> list[Source]:
        with self.cursor() as cur:
            rows = cur.execute(f"SELECT {_SOURCE_COLUMNS} FROM sources ORDER BY whose DESC, lower(name)").fetchall()
        database_id = self.database_id()
        return [_row_to_source(r, database_id) for r in rows]

    def update_source(self, source_id: int, **fields: Any) -> Source:
        """Change name, whose, settings, enabled, last_synced_at, last_error or stats."""
        allowed = {"name", "whose", "settings", "enabled", "last_synced_at", "last_error", "stats"}
        unknown = set(fields) - allowed
        if unknown:
            raise StoreError(f"cannot change {', '.join(sorted(unknown))} of a source")
        values = {k: Jsonb(v) if k in ("settings", "stats") else (bool(v) if k == "enabled" else v)
                  for k, v in fields.items()}
        if values:
            sets = ", ".join(f"{k} = %({k})s" for k in values)
            with self.cursor() as cur:
                cur.execute(f"UPDATE sources SET {sets} WHERE id = %(id)s", {**values, "id": source_id})
        return self.get_source(source_id)

    def set_cursor(self, source_id: int, cursor: dict[str, Any]) -> None:
        with self.cursor() as cur:
            cur.execute("UPDATE sources SET cursor = %s WHERE id = %s", (Jsonb(cursor), source_id))

    def remove_source(self, source_id: int) -> None:
        """Remove a source and everything synced from it."""
        with self.cursor() as cur:
            cur.execute("DELETE FROM sources WHERE id = %s", (source_id,))

    def count_source_items(self, source_id: int) -> int:
        with self.cursor() as cur:
            return cur.execute("SELECT count(*) FROM items WHERE source_id = %s", (source_id,)).fetchone()[0]

    # -- sync runs ---------------------------------------------------------------------------

    def start_sync_run(self, source_id: int, started_at: str) -> int | None:
        with self.cursor() as cur:
            row = cur.execute("INSERT INTO sync_runs (source_id, started_at) SELECT id, %s FROM sources "
                              "WHERE id = %s RETURNING id", (started_at, source_id)).fetchone()
        return row[0] if row else None

    def finish_sync_run(self, run_id: int | None, counts: RunCounts) -> None:
        if run_id is None:
            return
        with self.cursor() as cur:
            cur.execute(
                "UPDATE sync_runs SET finished_at = %s, fetched = %s, new = %s, updated = %s, skipped = %s, "
                "error = %s, error_kind = %s WHERE id = %s",
                (counts.finished_at, counts.fetched, counts.new, counts.updated, counts.skipped,
                 counts.error, counts.error_kind, run_id))

    def sync_runs(self, source_id: int, limit: int = 10) -> list[dict[str, Any]]:
        with self.cursor() as cur:
            cur.execute("SELECT * FROM sync_runs WHERE source_id = %s ORDER BY id DESC LIMIT %s",
                        (source_id, limit))
            names = [d.name for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def last_failures(self) -> dict[int, tuple[str, str | None]]:
        with self.cursor() as cur:
            rows = cur.execute(
                "SELECT DISTINCT ON (source_id) source_id, error, error_kind FROM sync_runs "
                "WHERE finished_at IS NOT NULL ORDER BY source_id, id DESC").fetchall()
        return {int(r[0]): (str(r[1]), r[2]) for r in rows if r[1] is not None}
