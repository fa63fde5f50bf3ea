"""Which `SyncErrorKind` an exception that ended a source's run stands for.

Why by type: the messages are worded for people and carry details (hosts, statuses); the
kinds are what the window acts on (the offline banner), so they must not depend on wording."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta

from inbox.domain.models import SOURCE_LABELS
from inbox.domain.plain_errors import PlainError, desktop_of, explain
from inbox.domain.sync_errors import SyncErrorKind
from inbox.secrets import NoKeyring, SecretsError
from inbox.sources.base import (
    BadPayload,
    CredentialsRejected,
    NetworkError,
    RateLimited,
    ServerError,
    SourceError,
    SourceNotFound,
)
from inbox.store import DiskFull, NotFound, ReadOnlyDatabase

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
    (DiskFull, SyncErrorKind.DISK),
    (ReadOnlyDatabase, SyncErrorKind.DISK),
    (NotFound, SyncErrorKind.REMOVED),  # the only row a sync's writes need is the source's own
)


def error_kind(exc: BaseException) -> SyncErrorKind:
    """The kind of failure `exc` is; anything unforeseen is INTERNAL (a bug)."""
    for cls, kind in _KINDS:
        if isinstance(exc, cls):
            return kind
    return SyncErrorKind.INTERNAL


def platform_name(source_kind: str) -> str:
    """The platform as an owner calls it ("Google", not "Google Business Profile")."""
    return SOURCE_LABELS.get(source_kind) or source_kind.title() or "the source"


def _desktop() -> str:
    return desktop_of(os.environ)


def explain_exception(exc: BaseException, source_kind: str, *, now: datetime | None = None) -> PlainError:
    """A test's or sync's exception in the owner's words; the technical text is `detail`."""
    retry_at = None
    now = now or datetime.now(UTC)
    if isinstance(exc, RateLimited) and exc.retry_after:
        retry_at = now + timedelta(seconds=float(exc.retry_after))
    detail = str(exc) or type(exc).__name__
    keyring = "missing" if isinstance(exc, NoKeyring) else "locked" if isinstance(exc, SecretsError) else "unknown"
    return explain(error_kind(exc), source_kind=source_kind, platform=platform_name(source_kind),
                   detail=detail, retry_at=retry_at, now=now, desktop=_desktop(), os_platform=sys.platform,
                   keyring=keyring)


def explain_failure(source_kind: str, kind: str | None, detail: str, *,
                    interval_minutes: int = 0, now: datetime | None = None) -> PlainError:
    """A stored failure (the latest run's error and kind) in the owner's words; with
    automatic syncs on, a rate-limited or failing server is tried at the next one."""
    now = now or datetime.now(UTC)
    retry_at = now + timedelta(minutes=interval_minutes) if interval_minutes else None
    return explain(kind, source_kind=source_kind, platform=platform_name(source_kind), detail=detail,
                   retry_at=retry_at, now=now, desktop=_desktop(), os_platform=sys.platform)
