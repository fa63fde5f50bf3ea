"""One sync (or import) at a time per database, across processes.

Why a lock file and not SQLite's own locking: two syncs would take turns page by page and
one of them, waiting past the busy timeout, would fail with "database is locked". The lock
is an `flock` on a file beside the database, held by the running process: the kernel
releases it when that process ends, however it ends (no stale lock after a crash)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from inbox.store.errors import Busy


class SyncRunning(Busy):
    """Another sync or import holds this database's sync lock."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".sync-lock")


@contextlib.contextmanager
def sync_lock(db_path: Path, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the sync lock of `db_path` for the block. Waits up to `wait` seconds for a
    running sync to end, then raises SyncRunning ("A sync is already running")."""
    path = lock_path(Path(db_path))
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    by = f" (process {holder})" if holder.isdigit() else ""
                    raise SyncRunning(f"A sync is already running on this inbox{by}; "
                                      "try again when it has finished.") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class LocksMixin:
    path: Path

    def sync_lock(self, *, wait: float = 0.0) -> contextlib.AbstractContextManager[None]:
        """The database's sync lock (see `sync_lock`)."""
        return sync_lock(self.path, wait=wait)
