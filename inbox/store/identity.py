"""Is this file ours? Read before anything is written to it.

Why: SQLite happily opens any database, and the first write (the WAL switch, the
migrations) would change another program's file for good. So a file is checked on a
read-only connection first: our `application_id` (set by migration M011), or, for files made
before it, the tables of the first migration. Anything else is refused, left byte-for-byte
unchanged."""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from pathlib import Path

from inbox.store.errors import DamagedDatabase, ForeignDatabase, NewerSchema

# "FBIX": Feedback Inbox, in the header's application id field (offset 68).
APPLICATION_ID = 0x46424958
SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100  # SQLite's file header: the magic at 0, the application id at 68
# The tables of the first migration: a file with all of them and no application id is one of
# ours made before the id existed.
CORE_TABLES = frozenset({"sources", "authors", "threads", "items", "tags", "item_tags", "drafts",
                         "sync_runs", "settings"})


# A named tuple, not a dataclass: `migrations` imports this module for APPLICATION_ID, and
# `inbox search` must not pay for importing dataclasses (docs/benchmarks.md, issue 19).
class Identity(namedtuple("Identity", "exists application_id user_version tables")):
    """What the file's header and schema say, read without changing it: `exists` (a file
    with content; an empty or missing file is a new database), `application_id`,
    `user_version`, `tables` (a frozenset of names)."""

    __slots__ = ()
    exists: bool
    application_id: int
    user_version: int
    tables: frozenset[str]

    @property
    def is_new(self) -> bool:
        """Nothing in it yet: safe to make into an inbox."""
        return not self.exists or (self.application_id == 0 and self.user_version == 0
                                   and not self.tables)

    @property
    def is_ours(self) -> bool:
        return self.application_id == APPLICATION_ID or (
            self.application_id == 0 and self.user_version > 0 and self.tables >= CORE_TABLES)


# The files this process has open through SQLite, by (device, inode): each one's open
# connections. POSIX drops every lock a process holds on a file when it closes any
# descriptor of that file, so a plain open() and close() of an inbox the process holds would
# let another process's last close take the file as unused: checkpoint, and delete the WAL
# under us. Their header is read through SQLite only (which shares its descriptors between
# its connections). Only while they are open: a closed file's inode may be reused.
_HELD: dict[tuple[int, int], set[int]] = {}


def _key(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino


def _held(path: Path) -> bool:
    return bool(_HELD.get(_key(path)))


def is_held(path: str | Path) -> bool:
    """Whether this process has the file open through SQLite now: then it must not be
    opened and closed with a plain open() here (see `_HELD`); a child process may."""
    try:
        return _held(Path(path))
    except OSError:  # not there: nothing of it is held
        return False


class HeldConnection(sqlite3.Connection):
    """A connection that marks its file as held (see `_HELD`) from `hold` until it is
    closed or freed. (Set operations only: a lock here could deadlock in `__del__`.)"""

    _held_key: tuple[int, int] | None = None

    def hold(self, path: str | Path) -> None:
        try:
            self._held_key = _key(Path(path))
        except OSError:  # gone already: nothing of it is held
            return
        _HELD.setdefault(self._held_key, set()).add(id(self))

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()

    def __del__(self) -> None:
        self._release()

    def _release(self) -> None:
        key, self._held_key = self._held_key, None
        if key is not None:
            _HELD.get(key, set()).discard(id(self))


def read_only_uri(path: Path) -> str:
    return f"{Path(path).resolve().as_uri()}?mode=ro"


def is_corrupt(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorname", "") in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or (
        "malformed" in str(exc))


def read_identity(path: str | Path) -> Identity:
    """The identity of the file at `path`. Raises ForeignDatabase when it is not an SQLite
    database, DamagedDatabase when its schema cannot be read, OSError when it cannot be read."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return Identity(False, 0, 0, frozenset())
    header = None  # a held file's is not read with open() (see `_HELD`)
    if not _held(path):
        with path.open("rb") as fh:
            header = fh.read(HEADER_SIZE)
        if not header.startswith(SQLITE_MAGIC):
            raise ForeignDatabase(f"This file is not a Feedback Inbox database: {path}")
    wal = path.with_name(path.name + "-wal")
    try:
        found = _read(path, immutable=True, header=header)
    except DamagedDatabase:
        if not wal.exists():
            raise
        # read while our own app checkpoints into it: read again, with the usual locks
        return _read(path, immutable=False, header=header)
    if found.is_new and wal.exists() and wal.stat().st_size > 0:
        # everything may still be in another program's WAL: read it too (its -shm may appear
        # beside it, the file itself is still only read)
        found = _read(path, immutable=False, header=header)
    return found


def _read(path: Path, *, immutable: bool, header: bytes | None) -> Identity:
    # immutable: no locks, no -wal or -shm created beside another program's file
    uri = read_only_uri(path) + ("&immutable=1" if immutable else "")
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise DamagedDatabase(f"The inbox file is damaged: {path}") from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = frozenset(r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"))
    except sqlite3.Error as exc:
        foreign = header is not None and app_id_from_header(header) not in (0, APPLICATION_ID)
        if foreign or not is_corrupt(exc):
            raise ForeignDatabase(f"This file is not a Feedback Inbox database: {path}") from exc
        raise DamagedDatabase(f"The inbox file is damaged: {path}") from exc
    finally:
        conn.close()
    return Identity(True, app_id, version, tables)


def app_id_from_header(header: bytes) -> int:
    """The application id as the file's header has it (when SQLite cannot read the schema)."""
    return int.from_bytes(header[68:72], "big") if len(header) >= 72 else 0


def check_identity(path: str | Path, schema_version: int) -> Identity:
    """Raise unless `path` is new, or ours at `schema_version` or older."""
    found = read_identity(path)
    if found.is_new:
        return found
    if not found.is_ours:
        raise ForeignDatabase(f"This file is not a Feedback Inbox database: {path}")
    if found.user_version > schema_version:
        raise NewerSchema(
            f"{path} was written by a newer Feedback Inbox (schema {found.user_version}, this "
            f"version knows {schema_version}); update the app to open it. Nothing was changed.")
    return found
