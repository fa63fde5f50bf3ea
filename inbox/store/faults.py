"""The database driver's errors, turned into the store's own (each with a plain sentence).

Why here: only the store knows the driver; the command line and the window ask `classify`
about any exception that escaped and word the answer for the user."""

from __future__ import annotations

import errno
import sqlite3

from inbox.store.errors import (
    Busy,
    CannotOpen,
    DamagedDatabase,
    DiskFull,
    ReadOnlyDatabase,
    StoreError,
)
from inbox.store.identity import is_corrupt


def classify(exc: BaseException) -> StoreError | None:
    """The store error `exc` stands for (itself when it is one already), or None when it is
    not a database or disk problem."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, OSError):
        return _os_error(exc)
    if not isinstance(exc, sqlite3.Error):
        return None
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if is_corrupt(exc) or "not a database" in text:
        return DamagedDatabase("The inbox file is damaged.")
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return DiskFull("The disk is full.")
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return ReadOnlyDatabase("The inbox file or its folder cannot be written (read-only).")
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return CannotOpen("The inbox file or its folder cannot be opened (missing or moved).")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return Busy("The inbox is busy in another program; try again in a moment.")
    if name.startswith("SQLITE_IOERR") and _file_size_limited():  # EFBIG: full, for us
        return DiskFull("The disk is full (the file-size limit is reached).")
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return CannotOpen("The inbox file could not be read or written (a disk error).")
    return None


def _os_error(exc: OSError) -> StoreError | None:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return DiskFull("The disk is full.")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ReadOnlyDatabase("The file or its folder cannot be written (read-only).")
    if exc.errno == errno.ENOENT:
        return CannotOpen("The folder is missing (moved or removed).")
    return None


def _file_size_limited() -> bool:
    """A file-size limit (ulimit -f) is set: SQLite reports reaching it as an I/O error."""
    try:
        import resource
    except ImportError:  # not on Windows
        return False
    soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return soft != resource.RLIM_INFINITY
