"""Sync runs: one row per source per sync, with its counts and how it ended.

Why a table: the CLI (`inbox sync --json`), the tests and support questions ("when did it
last work?") need the history, while the source row only keeps the latest state."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from inbox.store.connection import write_transaction


@dataclass(frozen=True, slots=True)
class RunCounts:
    """What a finished run did, as the engine counted it."""

    finished_at: str
    fetched: int
    new: int
    updated: int
    skipped: int
    error: str | None = None
    error_kind: str | None = None  # a `SyncErrorKind` value when `error` is set


class SyncRunsMixin:
    conn: sqlite3.Connection

    def start_sync_run(self, source_id: int, started_at: str) -> int | None:
        """Record that a source's run began; its id, or None when the source no longer
        exists (removed while the run waited for its turn)."""
        with write_transaction(self.conn):
            row = self.conn.execute(
                "INSERT INTO sync_runs (source_id, started_at) SELECT id, ? FROM sources WHERE id = ? "
                "RETURNING id", (started_at, source_id)).fetchone()
        return row[0] if row else None

    def finish_sync_run(self, run_id: int | None, counts: RunCounts) -> None:
        """Record how a run ended. A run whose row is gone (its source was removed, or it
        never got one) is not an error: there is nothing left to note it on."""
        if run_id is None:
            return
        with write_transaction(self.conn):
            self.conn.execute(
                "UPDATE sync_runs SET finished_at = ?, fetched = ?, new = ?, updated = ?, skipped = ?, "
                "error = ?, error_kind = ? WHERE id = ?",
                (counts.finished_at, counts.fetched, counts.new, counts.updated, counts.skipped,
                 counts.error, counts.error_kind, run_id))

    def sync_runs(self, source_id: int, limit: int = 10) -> list[dict[str, Any]]:
        """The latest runs of a source, newest first, as plain dicts (column: value)."""
        rows = self.conn.execute(
            "SELECT * FROM sync_runs WHERE source_id = ? ORDER BY id DESC LIMIT ?", (source_id, limit))
        return [dict(r) for r in rows]

    def last_failures(self) -> dict[int, tuple[str, str | None]]:
        """Sources whose latest finished run failed: {source id: (error, error kind)}, so
        the sidebar and the empty list can say why in the owner's words."""
        rows = self.conn.execute(
            "SELECT r.source_id, r.error, r.error_kind FROM sync_runs r "
            "JOIN (SELECT source_id, MAX(id) AS id FROM sync_runs WHERE finished_at IS NOT NULL "
            "GROUP BY source_id) last ON last.id = r.id WHERE r.error IS NOT NULL")
        return {int(r[0]): (str(r[1]), r[2]) for r in rows}
