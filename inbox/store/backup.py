"""Copying whole databases: checking a file, an online copy, restoring a copy.

Why SQLite's backup API: it reads one consistent snapshot even while the app writes (WAL),
which a plain copy of `inbox.db` and its `-wal` would not. Naming, rotation and what to
tell the user are the backup service's (`inbox.services.backup`)."""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from inbox.store.connection import connect
from inbox.store.errors import DatabaseError, NotADatabase
from inbox.store.identity import Identity
from inbox.store.migrations import migrate

_SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True, slots=True)
class FileCheck:
    """What a database file holds, read without changing it."""

    integrity: str       # "ok", or the first problem the integrity check found
    has_items: bool      # it has the items table
    schema_version: int  # the migrations it has run
    is_ours: bool = True  # our application id, or (older files) every table of the first migration


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


def check_file(path: str | Path) -> FileCheck:
    """Read `path`'s header, run the full integrity check and read its schema version.
    Raises OSError when the file cannot be read, NotADatabase when it is not a database,
    DatabaseError when it is one too damaged to read."""
    path = Path(path)
    with path.open("rb") as fh:
        if fh.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
            raise NotADatabase(f"{path.name} is not an SQLite database")
    try:
        conn = _read_only(path)
        try:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            has_items = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'items'").fetchone()
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = frozenset(r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"))
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(str(exc)) from None
    ours = Identity(True, app_id, version, tables).is_ours
    return FileCheck(integrity, bool(has_items), version, ours)


def copy_file(source: str | Path, target: str | Path) -> None:
    """Copy the database at `source` into a new self-contained file `target` (no `-wal`
    beside it), while others may be writing to `source`. Raises DatabaseError."""
    try:
        src = _read_only(Path(source))
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise DatabaseError(str(exc)) from None


def restore_connection(conn: sqlite3.Connection, backup_file: str | Path) -> None:
    """Replace everything in the open database `conn` with `backup_file`, then bring it up
    to this version's schema. Raises DatabaseError, the database unchanged, when the copy
    fails. Other connections see the restored data on their next read."""
    src = _read_only(Path(backup_file))
    try:
        with _sized_for(conn, src) as copy:
            copy.backup(conn)
    except sqlite3.Error as exc:
        raise DatabaseError(str(exc)) from None
    finally:
        src.close()
    with contextlib.suppress(sqlite3.Error):
        conn.execute("PRAGMA journal_mode = WAL")
    migrate(conn)


@contextlib.contextmanager
def _sized_for(conn: sqlite3.Connection, src: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """`src`, or a copy of it in `conn`'s page size: SQLite's backup cannot change the page
    size of a database in WAL mode, and inboxes and backups made before 8 KB pages have 4 KB
    ones (connection.PAGE_SIZE). The copy is made beside the inbox, and removed."""
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    wal = conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    if not wal or src.execute("PRAGMA page_size").fetchone()[0] == size:
        yield src  # (a file not in WAL mode, a new one, takes the backup's page size)
        return
    where = conn.execute("PRAGMA database_list").fetchone()[2]  # the main file ("" in memory)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=Path(where).parent if where else None) as tmp:
        copy = sqlite3.connect(Path(tmp) / "resized.db", isolation_level=None)
        try:
            src.backup(copy)
            copy.execute(f"PRAGMA page_size = {size}")
            copy.execute("VACUUM")  # rewrites it in the new page size
            yield copy
        finally:
            copy.close()


def restore_file(backup_file: str | Path, db_path: str | Path) -> None:
    """Replace the database file `db_path` (created if missing) with `backup_file`, with no
    Store open on it: the current file is not migrated first, whatever state it is in."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        restore_connection(conn, backup_file)
    finally:
        conn.close()
    connect(db_path).close()  # the usual pragmas and migrations, as the app will open it


class BackupMixin:
    conn: sqlite3.Connection

    def restore_from(self, backup_file: str | Path) -> None:
        """Replace everything in this open store with `backup_file` (see
        `restore_connection`): a window can simply reload afterwards."""
        restore_connection(self.conn, backup_file)
