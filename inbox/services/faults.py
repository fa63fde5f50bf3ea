"""What to tell the user when the database or the disk fails: one sentence and the next step.

Shared by the command line and the window, so both say the same thing. The store classifies
the driver's errors (`inbox.store.classify`); this module only words them."""

from __future__ import annotations

from pathlib import Path

from inbox.services.backup import damaged_text
from inbox.store import (
    Busy,
    CannotOpen,
    DamagedDatabase,
    DiskFull,
    ForeignDatabase,
    NewerSchema,
    NotADatabase,
    ReadOnlyDatabase,
    classify,
)


def describe(exc: BaseException, db_path: Path | None = None, *, doing: str = "") -> str | None:
    """One sentence for a database or disk fault (None for anything else). `doing` names
    what was cut short ("sync", "import", "export"), for the next step."""
    fault = classify(exc)
    where = f": {db_path}" if db_path else ""
    again = f" and {doing} again" if doing else " and try again"
    if fault is None:
        return None
    if isinstance(fault, CannotOpen) and db_path is not None and _read_only_place(Path(db_path)):
        fault = ReadOnlyDatabase(str(fault))  # SQLite says "cannot open" for a read-only disk
    if isinstance(fault, DamagedDatabase):
        return damaged_text()
    if isinstance(fault, (ForeignDatabase, NotADatabase)):
        return (f"This file is not a Feedback Inbox database{where}. Nothing was changed; "
                "choose another file with --db.")
    if isinstance(fault, NewerSchema):
        return str(fault)
    if isinstance(fault, DiskFull):
        return f"The disk is full; free some space{again}. What was saved before is intact."
    if isinstance(fault, ReadOnlyDatabase):
        return (f"The inbox file or its folder is read-only{where}; allow writing to it{again}. "
                "Nothing was changed.")
    if isinstance(fault, CannotOpen):
        return (f"The inbox file or its folder cannot be opened (moved, removed or unreadable){where}; "
                "check that the folder is there" + again + ".")
    if isinstance(fault, Busy):
        return "The inbox is busy in another program (a sync or an import); try again when it has finished."
    return str(fault)


def _read_only_place(path: Path) -> bool:
    """The file exists but it or its folder cannot be written (a read-only disk refuses
    even root)."""
    import os

    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
