"""Errors the store raises on purpose; each carries a message fit for the user.

Callers above the store catch these, never the database driver's own exceptions, so a
second backend only has to raise the same types."""


class StoreError(Exception):
    """Base for store errors the UI and CLI show as they are."""


class BadQuery(StoreError):
    """A search the full-text engine cannot parse."""


class NotFound(StoreError):
    """A source, item, tag or author that does not exist."""


class DatabaseError(StoreError):
    """The database could not be read or written: damaged, locked past the timeout, a full
    disk. The message is the engine's own."""


class NotADatabase(DatabaseError):
    """The file is not a database of this engine at all (or its header is destroyed)."""


class ForeignDatabase(NotADatabase):
    """The file is not a Feedback Inbox database (another program's, or no database at all).
    It was left exactly as it was."""


class NewerSchema(DatabaseError):
    """The file was written by a newer Feedback Inbox; it was left exactly as it was."""


class DamagedDatabase(DatabaseError):
    """The file is a Feedback Inbox database with damaged pages; nothing more is written."""


class DiskFull(DatabaseError):
    """The disk (or the file-size limit) is full; the last write was rolled back."""


class ReadOnlyDatabase(DatabaseError):
    """The file or its folder cannot be written."""


class CannotOpen(DatabaseError):
    """The file or its folder is missing or cannot be opened (a folder that vanished)."""


class Busy(DatabaseError):
    """Another process held the database past the timeout."""
