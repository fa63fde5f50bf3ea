"""Errors the store raises on purpose; each carries a message fit for the user."""


class StoreError(Exception):
    """Base for store errors the UI and CLI show as they are."""


class BadQuery(StoreError):
    """A search the full-text engine cannot parse."""


class NotFound(StoreError):
    """A source, item, tag or author that does not exist."""
