"""Daily copies of the database, so a bad day (a broken disk sector, a wrong bulk action,
a bug) costs at most a day of triage.

The copying and checking are the store's (`inbox.store.backup`, a consistent snapshot even
while the app writes); this service names the copies, keeps the newest few and words the
problems for the user. Each copy is written to a `.partial` file, checked, then renamed, so
a copy killed half-way never looks like a good backup. No Qt here: the UI and the CLI share it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from inbox.paths import data_dir
from inbox.services import erasure
from inbox.store import (
    SCHEMA_VERSION,
    DamagedDatabase,
    DatabaseError,
    NotADatabase,
    Reapplied,
    Store,
    classify,
)
from inbox.store import backup as store_backup
from inbox.store.identity import check_identity, is_held

log = logging.getLogger(__name__)

KEEP = 7
MAX_AGE = timedelta(days=1)
_STAMP = "%Y%m%d-%H%M%S"
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
    """Raise BackupError unless `path` is a readable database file that passes the store's
    integrity check, made by this version of the app or an older one."""
    path = Path(path)
    try:  # identity first, on an immutable read: another program's file gets no -wal, -shm
        check_identity(path, SCHEMA_VERSION)
    except OSError:
        pass  # worded below
    except NotADatabase:
        raise BackupError(f"{path.name}: this file is not a Feedback Inbox database") from None
    except DamagedDatabase:
        raise BackupError(f"{path.name} is damaged and cannot be used") from None
    except DatabaseError as exc:
        raise BackupError(f"{path.name}: {exc}") from None
    try:
        found = store_backup.check_file(path)
    except OSError as exc:
        raise BackupError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    except NotADatabase:
        raise BackupError(f"{path.name}: this file is not a Feedback Inbox database") from None
    except DatabaseError as exc:
        raise BackupError(f"{path.name} is damaged and cannot be used ({exc})") from None
    if found.integrity != "ok":
        raise BackupError(f"{path.name} is damaged and cannot be used (integrity check: {found.integrity})")
    if not found.is_ours or not found.has_items:
        raise BackupError(f"{path.name}: this file is not a Feedback Inbox database")
    if found.schema_version > SCHEMA_VERSION:
        raise BackupError(f"{path.name} was made by a newer Feedback Inbox (schema {found.schema_version}); "
                          "update the app to restore it")


def create_backup(db_path: Path, folder: Path | None = None, *, now: datetime | None = None,
                  label: str = "", keep: int = KEEP) -> Path:
    """Copy the database into `folder` (default: the data dir's `backups/`), keep the newest
    `keep` copies of it, and return the new copy's path."""
    with _lock:
        return _create_backup(Path(db_path), folder or backups_dir(), now, label, keep)


def damaged_text() -> str:
    return (f"The inbox file is damaged. Restore a backup: inbox backup restore FILE --yes "
            f"(backups are in {backups_dir()}).")


def _create_backup(db_path: Path, folder: Path, now: datetime | None, label: str, keep: int) -> Path:
    if not db_path.exists():
        raise BackupError(f"there is no database at {db_path} to back up")
    try:  # another program's file is not even opened for reading with locks (no -wal, -shm)
        check_identity(db_path, SCHEMA_VERSION)
    except DamagedDatabase:
        raise BackupError(damaged_text()) from None
    except DatabaseError as exc:
        raise BackupError(str(exc)) from None
    folder.mkdir(parents=True, exist_ok=True)
    target = _target_name(folder, db_path.stem, now or datetime.now(UTC), label)
    partial = target.with_suffix(".partial")
    try:
        store_backup.copy_file(db_path, partial)
        check_database(partial)
        os.replace(partial, target)
    except DatabaseError as exc:
        partial.unlink(missing_ok=True)
        if isinstance(classify(exc), DamagedDatabase) or "damaged" in str(exc):
            raise BackupError(damaged_text()) from None
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


def restore_into(store: Store, backup_file: Path) -> RestoreResult:
    """Replace the content of the open `store` with `backup_file` (checked first), then
    bring it up to this version's schema. Other connections see the restored data on
    their next read, so an open window can simply reload. Erasures made since the backup
    are applied again (`services.erasure`); the result says which, or that they could not
    be read."""
    check_database(backup_file)
    records = erasure.records_of(store)
    try:
        store.restore_from(backup_file)
    except DatabaseError as exc:
        raise BackupError(f"restore failed, the current database is unchanged: {exc}") from None
    return RestoreResult(reapplied=tuple(erasure.reapply_after_restore(store, records)),
                         erasures_unread=records.unread)


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a restore did with the inbox that was there before."""

    saved: Path | None = None        # a backup of it (label `before-restore`)
    moved_aside: Path | None = None  # it could not be backed up (damaged, not ours): renamed, kept
    reason: str = ""                 # why it was moved aside
    reapplied: tuple[Reapplied, ...] = ()  # erasures made since the backup, applied again
    erasures_unread: bool = False    # the inbox replaced was too damaged to read its erasures


def move_aside(db_path: Path, *, now: datetime | None = None) -> Path:
    """Rename the database (and its `-wal`, `-shm`) to `<stem>-damaged-<time><suffix>` beside
    it: kept for whoever wants to look, never opened or written by us again."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime(_STAMP)
    target, n = db_path.with_name(f"{db_path.stem}-damaged-{stamp}{db_path.suffix}"), 1
    while target.exists():
        n += 1
        target = db_path.with_name(f"{db_path.stem}-damaged-{stamp}-{n}{db_path.suffix}")
    for extra in ("-wal", "-shm", "-journal"):
        side = db_path.with_name(db_path.name + extra)
        if side.exists():
            os.replace(side, target.with_name(target.name + extra))
    os.replace(db_path, target)
    return target


def keep_damaged_copy(db_path: Path, *, now: datetime | None = None) -> Path:
    """A byte copy of a database that cannot be backed up (damaged), and of its `-wal`,
    named `<stem>-damaged-<time>` beside it, for when it stays open (the window's restore).
    Raises BackupError (or OSError) when it cannot be made; no partial copy is left."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime(_STAMP)
    target, n = db_path.with_name(f"{db_path.stem}-damaged-{stamp}{db_path.suffix}"), 1
    while target.exists():  # two restores in a second: the first one's copy is kept too
        n += 1
        target = db_path.with_name(f"{db_path.stem}-damaged-{stamp}-{n}{db_path.suffix}")
    wal, target_wal = db_path.with_name(db_path.name + "-wal"), target.with_name(target.name + "-wal")
    # Held open here (the window): POSIX drops all of this process's locks on a file when it
    # closes any descriptor of it (identity.HeldConnection), so a child process copies it;
    # its close does not touch our locks. Windows has no such locks.
    copy = _copy_in_child if os.name == "posix" and is_held(db_path) else shutil.copy2
    try:
        copy(db_path, target)
        if wal.exists():
            copy(wal, target_wal)
    except BaseException:
        for made in (target, target_wal):
            with contextlib.suppress(OSError):
                made.unlink(missing_ok=True)
        raise
    return target


def _copy_in_child(source: Path, target: Path) -> None:
    """`shutil.copy2` in another process: `cp -p`, or this Python when there is no `cp`
    (not in the packaged app, whose executable is the app itself)."""
    if cp := shutil.which("cp"):
        command = [cp, "-p", "--", str(source), str(target)]
    elif not getattr(sys, "frozen", False) and sys.executable:
        command = [sys.executable, "-I", "-c", "import shutil, sys; shutil.copy2(sys.argv[1], sys.argv[2])",
                   str(source), str(target)]
    else:
        raise BackupError(f"cannot keep a copy of {source.name} while it is open: no `cp` command was found")
    done = subprocess.run(command, capture_output=True, text=True, errors="replace", check=False)
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()  # cp's own sentence, or Python's last line
        if said:
            reason = said[-1]
        elif done.returncode < 0:  # killed, e.g. by the file-size limit
            reason = signal.strsignal(-done.returncode) or f"signal {-done.returncode}"
        else:
            reason = f"exit status {done.returncode}"
        raise BackupError(f"cannot keep a copy of {source.name}: {reason}")


def restore(backup_file: Path, db_path: Path, folder: Path | None = None) -> RestoreResult:
    """Restore `backup_file` over `db_path`. The backup is checked completely before anything
    is touched. The current database is backed up first (label `before-restore`); when it
    cannot be (damaged, not ours, newer) it is moved aside instead, never opened for writing,
    so a restore works exactly when the inbox is broken."""
    backup_file, db_path = Path(backup_file), Path(db_path)
    records = erasure.records_in_file(db_path)
    check_database(backup_file)
    result = RestoreResult()
    if db_path.exists():
        try:
            result = RestoreResult(saved=create_backup(db_path, folder, label="before-restore"))
        except BackupError as exc:
            result = RestoreResult(moved_aside=move_aside(db_path), reason=str(exc))
    check_database(backup_file)
    try:
        store_backup.restore_file(backup_file, db_path)
    except DatabaseError as exc:
        raise BackupError(f"restore failed, the current database is unchanged: {exc}") from None
    log.info("restored %s from %s (previous database: %s)", db_path, backup_file, result)
    with Store(db_path) as store:
        reapplied = erasure.reapply_after_restore(store, records)
    return dataclasses.replace(result, reapplied=tuple(reapplied), erasures_unread=records.unread)
