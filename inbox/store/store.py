"""`Store`: one SQLite file (WAL, FTS5, migrations), built from every mixin of the store.
One writer connection per process; readers open their own read-only connections
(`Store.open_reader`). `inbox.store` hands it out on first use (see its docstring)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from inbox.store.authors import AuthorsMixin
from inbox.store.backup import BackupMixin
from inbox.store.connection import connect, read_transaction, write_transaction
from inbox.store.conversations import ConversationsMixin
from inbox.store.database_id import DatabaseIdMixin
from inbox.store.erasures import ErasuresMixin
from inbox.store.errors import (
    DatabaseError,
)
from inbox.store.faults import classify
from inbox.store.ingest import IngestMixin
from inbox.store.item_lookups import ItemLookupsMixin
from inbox.store.locks import LocksMixin
from inbox.store.maintenance import MaintenanceMixin
from inbox.store.outbox import OutboxMixin
from inbox.store.people import PeopleMixin
from inbox.store.queries import QueryMixin
from inbox.store.rules import RulesMixin
from inbox.store.saved_replies import SavedRepliesMixin
from inbox.store.saved_views import SavedViewsMixin
from inbox.store.sources import SourcesMixin
from inbox.store.sync_runs import SyncRunsMixin
from inbox.store.tag_admin import TagAdminMixin
from inbox.store.team_replica import TeamReplicaMixin
from inbox.store.team_replica_rules import TeamReplicaRulesMixin
from inbox.store.team_replica_shared import TeamReplicaSharedMixin
from inbox.store.triage import TriageMixin


class Store(SourcesMixin, IngestMixin, QueryMixin, TriageMixin, AuthorsMixin, PeopleMixin,
            OutboxMixin, RulesMixin, SavedRepliesMixin, SavedViewsMixin, SyncRunsMixin,
            MaintenanceMixin, BackupMixin, ItemLookupsMixin, ConversationsMixin, LocksMixin,
            ErasuresMixin, DatabaseIdMixin, TeamReplicaMixin, TeamReplicaSharedMixin, TagAdminMixin,
            TeamReplicaRulesMixin):
    """The database of one workspace."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        try:
            self.conn: sqlite3.Connection = connect(self.path, readonly=readonly)
        except sqlite3.DatabaseError as exc:  # callers above the store know only its own errors
            raise classify(exc) or DatabaseError(str(exc)) from exc
        self._author_cache = {}
        self._author_state = (0, 0)
        self._db: Any = None

    @property
    def db(self) -> Any:
        """sqlite-utils over this connection, made on first use: importing it costs more
        than a whole `inbox search` (see docs/benchmarks.md)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    @classmethod
    def open_reader(cls, path: str | Path) -> Store:
        """A read-only connection for a worker thread; never blocks the writer (WAL)."""
        return cls(path, readonly=True)

    def transaction(self):
        """One atomic write spanning several store calls."""
        return write_transaction(self.conn)

    def read_snapshot(self):
        """One consistent read spanning several store calls (an export's count and pages
        see the same data while a sync writes)."""
        return read_transaction(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str | None) -> None:
        with write_transaction(self.conn):
            self.conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def stats(self) -> dict[str, Any]:
        """Totals for `inbox stats`."""
        def count(table: str) -> int:  # plain SQL: sqlite-utils (and numpy with it) for a count doubles the command's start
            return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        per_source = self.conn.execute(
            "SELECT s.name, s.kind, s.whose, count(i.id) FROM sources s "
            "LEFT JOIN items i ON i.source_id = s.id GROUP BY s.id ORDER BY s.name").fetchall()
        return {
            "schema_version": self.schema_version,
            "items": count("items"),
            "threads": count("threads"),
            "authors": count("authors"),
            "tags": count("tags"),
            "drafts": count("drafts"),
            "sources": [{"name": n, "kind": k, "whose": w, "items": c} for n, k, w, c in per_source],
        }
