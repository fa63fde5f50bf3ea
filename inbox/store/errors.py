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
