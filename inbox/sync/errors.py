"""Which `SyncErrorKind` an exception that ended a source's run stands for.

Why by type: the messages are worded for people and carry details (hosts, statuses); the
kinds are what the window acts on (the offline banner), so they must not depend on wording."""

from __future__ import annotations

from inbox.domain.sync_errors import SyncErrorKind
from inbox.secrets import SecretsError
from inbox.sources.base import (
    BadPayload,
    CredentialsRejected,
    NetworkError,
    RateLimited,
    ServerError,
    SourceError,
    SourceNotFound,
)
from inbox.store import NotFound

# Most specific first: the first class the exception is an instance of decides.
_KINDS: tuple[tuple[type[BaseException], SyncErrorKind], ...] = (
    (NetworkError, SyncErrorKind.OFFLINE),
    (CredentialsRejected, SyncErrorKind.AUTH),
    (RateLimited, SyncErrorKind.RATE_LIMITED),
    (SourceNotFound, SyncErrorKind.NOT_FOUND),
    (ServerError, SyncErrorKind.SERVER),
    (BadPayload, SyncErrorKind.BAD_DATA),
    (SourceError, SyncErrorKind.REFUSED),
    (SecretsError, SyncErrorKind.CREDENTIALS),
    (NotFound, SyncErrorKind.REMOVED),  # the only row a sync's writes need is the source's own
)


def error_kind(exc: BaseException) -> SyncErrorKind:
    """The kind of failure `exc` is; anything unforeseen is INTERNAL (a bug, a full disk)."""
    for cls, kind in _KINDS:
        if isinstance(exc, cls):
            return kind
    return SyncErrorKind.INTERNAL
