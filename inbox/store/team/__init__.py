"""The team inbox: the store's interface on a PostgreSQL server that two to five people
share (issue 20). SQLite stays the default; this is a second backend behind the same
operation names and types, made of mixins like `inbox.store.Store` (docs/team.md).

Connections come from a pool (psycopg_pool); a transaction or a consistent read holds one
connection for this thread until it ends, and every store call inside it uses that one.
The password is given by the caller (the services read it from the keyring); it is never
written into the database, the settings or the log."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from inbox.store.errors import CannotOpen
from inbox.store.team import schema
from inbox.store.team.analysis import TeamAnalysisMixin
from inbox.store.team.changes import Change, Listener, Notice, TeamChangesMixin
from inbox.store.team.connection import connect, connect_kwargs, is_team_url, secret_name, where
from inbox.store.team.counts import TeamCountsMixin
from inbox.store.team.ingest import TeamIngestMixin
from inbox.store.team.ingest_pipeline import TeamPipelineMixin
from inbox.store.team.members import Member, TeamMembersMixin
from inbox.store.team.offline import TeamOfflineMixin
from inbox.store.team.outbox import TeamOutboxMixin
from inbox.store.team.queries import TeamQueryMixin
from inbox.store.team.replica import TeamReplicaMixin
from inbox.store.team.rules import TeamRulesMixin
from inbox.store.team.rules_shared import TeamRulesSharedMixin
from inbox.store.team.saved import TeamSavedMixin
from inbox.store.team.sources import TeamSourcesMixin
from inbox.store.team.tag_admin import TeamTagAdminMixin
from inbox.store.team.triage import TeamTriageMixin

__all__ = ["SCHEMA_VERSION", "Change", "Listener", "Member", "Notice", "TeamStore", "init_team", "is_team_url",
           "secret_name", "where"]

SCHEMA_VERSION = schema.SCHEMA_VERSION
POOL_SIZE = 4
SYNC_LOCK = 0x46424958_0002  # advisory lock: one sync at a time per team inbox


def init_team(url: str, password: str | None) -> int:
    """Make an empty database a team inbox (or bring ours up to date); refuses a database
    that is neither, leaving it unchanged. Returns the schema version."""
    with connect(url, password) as conn:
        return schema.migrate(conn, where(url), create=True)


class _NoBulk:
    def wrote(self, new_items: int) -> None:
        """Nothing to count: a server keeps its indexes up to date as rows arrive."""

    def expect(self, new_items: int) -> None:
        """Nothing to prepare for (as `wrote`)."""


class TeamStore(TeamSourcesMixin, TeamIngestMixin, TeamQueryMixin, TeamMembersMixin, TeamOutboxMixin,
                TeamTriageMixin, TeamChangesMixin, TeamSavedMixin, TeamCountsMixin, TeamReplicaMixin,
                TeamOfflineMixin, TeamRulesMixin, TeamAnalysisMixin, TeamTagAdminMixin,
                TeamRulesSharedMixin, TeamPipelineMixin):
    """A team inbox on PostgreSQL. Opening checks that the database is one (`inbox team
    init` makes one) at this version or older, migrating it up; anything else is refused
    before a single write."""

    readonly = False
    is_team = True

    def __init__(self, url: str, *, password: str | None = None, pool_size: int = POOL_SIZE) -> None:
        from psycopg_pool import ConnectionPool

        self.url = url
        self.path = where(url)  # what `inbox stats` and messages show: never the password
        with connect(url, password) as conn:
            self._version = schema.migrate(conn, self.path, create=False)
        self.pool = ConnectionPool(kwargs={**connect_kwargs(url, password), "autocommit": True},
                                   min_size=1, max_size=pool_size, open=False, name="team-inbox")
        try:
            self.pool.open(wait=True, timeout=15)
        except Exception as exc:
            self.pool.close()
            raise CannotOpen(f"Can't open the team inbox at {self.path}: the server did not answer "
                             "in time.") from exc
        self._local = threading.local()
        self._identity: str | None = None

    @classmethod
    def open_reader(cls, url: str, *, password: str | None = None) -> TeamStore:
        return cls(url, password=password, pool_size=2)

    def reopen(self) -> TeamStore:
        """Another store on the same team inbox, with a pool of its own (the sync writer's)."""
        return TeamStore(self.url, password=self._password())

    # What the sync engine asks of a local store, and means nothing on a server: WAL
    # checkpoints, and the author index that a long local load rebuilds at its end.
    checkpoints_apply = False

    def checkpoint(self) -> None:
        """Nothing to do: the server manages its own write-ahead log."""

    @contextlib.contextmanager
    def bulk_load(self) -> Iterator[Any]:
        """A long load (a sync): nothing to set aside on a server; counts what it wrote."""
        yield _NoBulk()

    @property
    def schema_version(self) -> int:
        return self._version

    # -- connections ---------------------------------------------------------------------

    @contextlib.contextmanager
    def cursor(self) -> Iterator[Any]:
        """A cursor on this thread's transaction's connection, or on one from the pool."""
        held = getattr(self._local, "conn", None)
        if held is not None:
            with held.cursor() as cur:
                yield cur
            return
        with self.pool.connection() as conn, conn.cursor() as cur:
            yield cur

    @contextlib.contextmanager
    def _hold(self, *, snapshot: bool) -> Iterator[TeamStore]:
        held = getattr(self._local, "conn", None)
        if held is not None:  # inside one already: a savepoint (a read joins the outer one)
            if snapshot:
                yield self
            else:
                with held.transaction():
                    yield self
            return
        with self.pool.connection() as conn:
            self._local.conn = conn
            try:
                with conn.transaction():
                    if snapshot:
                        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    yield self
            finally:
                self._local.conn = None

    def transaction(self) -> contextlib.AbstractContextManager[TeamStore]:
        """One atomic write spanning several store calls (a savepoint when nested)."""
        return self._hold(snapshot=False)

    def read_snapshot(self) -> contextlib.AbstractContextManager[TeamStore]:
        """One consistent read spanning several store calls (an export's count and pages)."""
        return self._hold(snapshot=True)

    @contextlib.contextmanager
    def sync_lock(self, *, wait: float = 0.0) -> Iterator[None]:
        """One sync at a time per team inbox, across every member's app: a session advisory
        lock on a connection of its own, released by the server if the app dies."""
        import time

        with connect(self.url, self._password()) as conn:
            deadline = time.monotonic() + wait
            while not conn.execute("SELECT pg_try_advisory_lock(%s)", (SYNC_LOCK,)).fetchone()[0]:
                if time.monotonic() >= deadline:
                    from inbox.store.locks import SyncRunning

                    raise SyncRunning("A sync is already running on this team inbox; try again when it "
                                      "has finished.")
                time.sleep(0.2)
            try:
                yield
            finally:
                with contextlib.suppress(Exception):
                    conn.execute("SELECT pg_advisory_unlock(%s)", (SYNC_LOCK,))

    def listener(self) -> Listener:
        """A connection of its own listening for the team's changes and presence."""
        return Listener(connect(self.url, self._password()))

    def _password(self) -> str | None:
        return self.pool.kwargs.get("password")

    def close(self) -> None:
        self.pool.close()

    def __enter__(self) -> TeamStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

