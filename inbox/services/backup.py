"""Daily copies of the database, so a bad day (a broken disk sector, a wrong bulk action,
a bug) costs at most a day of triage.

Copies are made with SQLite's online backup API: it reads one consistent snapshot even
while the app is writing (WAL), which a plain file copy of `inbox.db` + `-wal` would not.
Each copy is written to a `.partial` file, checked, then renamed, so a copy killed
half-way never looks like a good backup. No Qt here: the UI and the CLI share it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from inbox.paths import data_dir
from inbox.store.migrations import SCHEMA_VERSION

log = logging.getLogger(__name__)

KEEP = 7
MAX_AGE = timedelta(days=1)
_STAMP = "%Y%m%d-%H%M%S"
_SQLITE_MAGIC = b"SQLite format 3\x00"
STALE_PARTIAL_S = 3600  # a .partial this old was left by a killed backup
_lock = threading.Lock()  # "Back up now" while the daily backup runs: one after the other


class BackupError(Exception):
    """A backup or restore problem, worded for the user."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    created: datetime  # UTC
    size: int


def backups_dir() -> Path:
    return data_dir() / "backups"


def _parse_created(path: Path, stem: str) -> datetime | None:
    rest = path.stem[len(stem) + 1:]
    try:
        return datetime.strptime(rest[:15], _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def list_backups(db_path: Path, folder: Path | None = None) -> list[BackupInfo]:
    """Backups of this database (named `<db stem>-YYYYmmdd-HHMMSS*.db`), newest first."""
    folder = folder or backups_dir()
    stem = Path(db_path).stem
    found = []
    if folder.is_dir():
        for path in folder.glob(f"{stem}-*.db"):
            created = _parse_created(path, stem)
            if created is not None:
                found.append(BackupInfo(path, created, path.stat().st_size))
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def _target_name(folder: Path, stem: str, now: datetime, label: str) -> Path:
    base = f"{stem}-{now.astimezone(UTC).strftime(_STAMP)}" + (f"-{label}" if label else "")
    path, n = folder / f"{base}.db", 1
    while path.exists():
        n += 1
        path = folder / f"{base}-{n}.db"
    return path


def check_database(path: Path) -> None:
    """Raise BackupError unless `path` is a readable SQLite file that passes integrity_check."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            header = fh.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    if header != _SQLITE_MAGIC:
        raise BackupError(f"{path.name} is not a Feedback Inbox backup (not an SQLite database)")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            has_items = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'items'").fetchone()
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path.name} is damaged and cannot be used ({exc})") from None
    if result != "ok":
        raise BackupError(f"{path.name} is damaged and cannot be used (integrity check: {result})")
    if not has_items:
        raise BackupError(f"{path.name} is an SQLite database but not a Feedback Inbox one (no items table)")
    if version > SCHEMA_VERSION:
        raise BackupError(f"{path.name} was made by a newer Feedback Inbox (schema {version}); "
                          "update the app to restore it")


def create_backup(db_path: Path, folder: Path | None = None, *, now: datetime | None = None,
                  label: str = "", keep: int = KEEP) -> Path:
    """Copy the database into `folder` (default: the data dir's `backups/`), keep the newest
    `keep` copies of it, and return the new copy's path."""
    with _lock:
        return _create_backup(Path(db_path), folder or backups_dir(), now, label, keep)


def _create_backup(db_path: Path, folder: Path, now: datetime | None, label: str, keep: int) -> Path:
    if not db_path.exists():
        raise BackupError(f"there is no database at {db_path} to back up")
    folder.mkdir(parents=True, exist_ok=True)
    target = _target_name(folder, db_path.stem, now or datetime.now(UTC), label)
    partial = target.with_suffix(".partial")
    try:
        src = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                # A backup is one self-contained file: no -wal beside it.
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        check_database(partial)
        os.replace(partial, target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup of {db_path.name} failed: {exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    prune(db_path, folder, keep=keep)
    log.info("backed up %s to %s", db_path, target)
    return target


def prune(db_path: Path, folder: Path | None = None, *, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest `keep` backups of this database (and `.partial` files left
    by a backup that was killed; not one that another process is writing right now)."""
    folder = folder or backups_dir()
    removed = []
    for info in list_backups(db_path, folder)[keep:]:
        info.path.unlink(missing_ok=True)
        removed.append(info.path)
    for stray in folder.glob(f"{Path(db_path).stem}-*.partial"):
        with contextlib.suppress(OSError):
            if time.time() - stray.stat().st_mtime > STALE_PARTIAL_S:
                stray.unlink()
    return removed


def backup_if_due(db_path: Path, folder: Path | None = None, *, now: datetime | None = None,
                  max_age: timedelta = MAX_AGE) -> Path | None:
    """Make a backup when the newest is older than `max_age` (or there is none).
    Called at app start on a worker thread; never raises (a failed backup is logged)."""
    now = now or datetime.now(UTC)
    try:
        newest = next(iter(list_backups(db_path, folder)), None)
        if newest is not None and now - newest.created < max_age:
            return None
        if not Path(db_path).exists():
            return None
        return create_backup(db_path, folder, now=now)
    except (BackupError, OSError) as exc:
        log.warning("daily backup skipped: %s", exc)
        return None


def restore_into(conn: sqlite3.Connection, backup_file: Path) -> None:
    """Replace the content of the open database `conn` with `backup_file` (checked first),
    then bring it up to this version's schema. Other connections see the restored data on
    their next read, so an open window can simply reload."""
    from inbox.store.migrations import migrate

    check_database(backup_file)
    src = sqlite3.connect(f"{Path(backup_file).resolve().as_uri()}?mode=ro", uri=True)
    try:
        src.backup(conn)
    except sqlite3.Error as exc:
        raise BackupError(f"restore failed, the current database is unchanged: {exc}") from None
    finally:
        src.close()
    with contextlib.suppress(sqlite3.Error):
        conn.execute("PRAGMA journal_mode = WAL")
    migrate(conn)


def restore(backup_file: Path, db_path: Path, folder: Path | None = None) -> Path | None:
    """Restore `backup_file` over `db_path`. The current database is backed up first (label
    `before-restore`); that copy's path is returned (None when there was no database)."""
    backup_file, db_path = Path(backup_file), Path(db_path)
    check_database(backup_file)
    safety = create_backup(db_path, folder, label="before-restore") if db_path.exists() else None
    from inbox.store.connection import connect

    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        restore_into(conn, backup_file)
    finally:
        conn.close()
    connect(db_path).close()  # the usual pragmas and migrations, as the app will open it
    log.info("restored %s from %s (previous database saved as %s)", db_path, backup_file, safety)
    return safety
