"""The outbox: replies wait here until they reach the site, and are never posted twice.

A reply is queued with an undo window (`not_before` a few seconds ahead). Flushing claims a
due entry atomically (state `sending`, with a lease in `not_before`), posts it through the
connector with the entry's idempotency key, and then — in one transaction — saves the reply
into the thread as the owner's item, marks the entry sent and (if asked) the thread done.

A crash can land between the site accepting the reply and that commit. So every attempt
after the first asks the site first (`find_owner_reply`) and, if our reply is already there,
records it instead of posting again. Offline and 5xx errors retry with backoff; errors a
retry won't fix (credentials, a deleted post, no reply API) mark the entry failed.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from inbox.domain import Source, format_time, parse_time, utcnow
from inbox.domain.models import SOURCE_LABELS
from inbox.domain.outbox import PENDING_STATES, OutboxEntry
from inbox.secrets import Secrets, read_source
from inbox.services import settings
from inbox.services.replies import can_post, too_long
from inbox.sources.base import (
    Connector,
    CredentialsRejected,
    Http,
    RateLimited,
    ReplyNotSupported,
    SourceError,
)
from inbox.sources.replies._common import ReplyRejected
from inbox.store import Store

log = logging.getLogger(__name__)

UNDO_SECONDS = settings.SETTINGS["replies.undo_seconds"].default
LEASE_SECONDS = 300       # longer than the slowest request (timeouts + 429 waits): after that, the
                          # `sending` entry belongs to a process that died
BACKOFF_FIRST = 30        # seconds; doubles per attempt
BACKOFF_MAX = 3600
MAX_ATTEMPTS = 8
PERMANENT = (CredentialsRejected, ReplyNotSupported, ReplyRejected)

# Builds a source's connector; may be a coroutine function (secrets come from the keyring,
# which can block, so the GUI reads them on a worker thread).
ConnectorFactory = Callable[[Source], Connector | Awaitable[Connector]]


class CredentialsMissing(CredentialsRejected):
    """This computer's keyring has no sign-in for the source. In a team's outbox another
    member's may have: the reply stays queued for them rather than failing."""


@dataclass(slots=True)
class SendResult:
    entry_id: int
    state: str          # sent, queued (will retry), failed, skipped (not due / taken)
    error: str | None = None
    already_there: bool = False


def openable_url(url: str) -> str | None:
    """The item's page, if it is safe to hand to the system browser (http/https only)."""
    url = (url or "").strip()
    return url if url.lower().startswith(("https://", "http://")) and " " not in url else None


def undo_seconds_setting(value: str | None) -> float:
    """The undo window from a stored `replies.undo_seconds` value (see services/settings.py)."""
    return float(settings.parse(settings.SETTINGS["replies.undo_seconds"], value))


def backoff_seconds(attempts: int) -> int:
    return min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempts - 1))


def _same_text(ours: str, theirs: str) -> bool:
    a, b = " ".join(ours.split()).casefold(), " ".join(theirs.split()).casefold()
    return bool(a) and (a in b or b in a)


def default_connector_factory(http: Http, secret_store: Secrets) -> ConnectorFactory:
    """Connectors with the source's secrets from `secret_store` (the OS keyring in the app)."""
    from inbox.sources.registry import connector_class

    async def make(source: Source) -> Connector:
        secrets = await asyncio.to_thread(read_source, secret_store, source)
        if hasattr(http, "add_secrets"):  # never shown in a message
            http.add_secrets(secrets)
        cls = connector_class(source.kind)
        missing = [name for name in cls.secrets if not secrets.get(name)]
        if missing:
            raise CredentialsMissing(f"{source.name} has no {', '.join(missing)} saved; add "
                                      f"{'it' if len(missing) == 1 else 'them'} in Sources to post replies")
        return cls(source, secrets, http)
    return make


class Outbox:
    """Queue, cancel, list and send replies. `make_connector` builds a source's connector
    (with its secrets and the HTTP client); only `flush`/`send` need it. `shared`: a team's
    outbox on the server, flushed by every member's app, each with its own keyring."""

    def __init__(self, store: Store, make_connector: ConnectorFactory | None = None, *,
                 clock: Callable[[], datetime] = utcnow, shared: bool = False) -> None:
        self.store = store
        self.shared = shared
        self.make_connector = make_connector
        self.clock = clock
        self._lock = asyncio.Lock()

    # -- the queue --------------------------------------------------------------------

    def queue(self, item_id: int, text: str, *, mark_done: bool = False,
              undo_seconds: float = UNDO_SECONDS) -> OutboxEntry:
        """Queue a reply; it leaves after `undo_seconds`. The draft moves into the outbox
        (same transaction), so the text is always in exactly one place."""
        if not text.strip():
            raise ValueError("the reply is empty")
        item = self.store.get_item(item_id)
        if self.store.has_reply_on_its_way(item_id):
            raise ValueError("a reply to this item is already waiting in the Outbox")
        if not can_post(item):
            raise ReplyNotSupported("this site has no reply API: copy the reply and open the page")
        over = too_long(self.store, item, text)
        if over:  # the site would refuse it after the undo window; say so while it can be cut
            site = SOURCE_LABELS.get(item.source_kind, item.source_kind)
            raise ValueError(f"The reply is too long for {site}: {over[0].message}. "
                             f"Cut {over[0].excess} {over[0].limit.unit_word}.")
        now = self.clock()
        entry_id = self.store.queue_reply(
            item_id, item.source_id, text, idempotency_key=str(uuid.uuid4()),
            not_before=format_time(now + timedelta(seconds=undo_seconds)), mark_done=mark_done,
            created_at=format_time(now))
        return self.get(entry_id)

    def get(self, entry_id: int) -> OutboxEntry:
        return self.store.get_outbox_entry(entry_id)

    def entries(self, *, include_sent: bool = False) -> list[OutboxEntry]:
        return self.store.list_outbox(PENDING_STATES + (("sent",) if include_sent else ()))

    def pending_for(self, item_id: int) -> OutboxEntry | None:
        return self.store.outbox_entry_for(item_id, PENDING_STATES)

    def cancel(self, entry_id: int) -> OutboxEntry | None:
        """Take a reply back before it leaves (undo): it becomes the item's draft again.
        Returns None when it is already on its way or sent."""
        if not self.store.cancel_outbox_entry(entry_id):
            return None
        return self.get(entry_id)

    def retry(self, entry_id: int) -> None:
        """Send a failed reply again now (after fixing credentials, say)."""
        self.store.requeue_outbox_entry(entry_id, format_time(self.clock()))

    def due(self, now: datetime | None = None) -> list[OutboxEntry]:
        return self.store.outbox_due(format_time(now or self.clock()))

    def next_due_at(self) -> datetime | None:
        stamp = self.store.outbox_next_due()
        return parse_time(stamp) if stamp else None

    # -- sending ------------------------------------------------------------------------

    async def flush(self, now: datetime | None = None) -> list[SendResult]:
        """Send every due entry, one at a time (sites rate-limit posting)."""
        async with self._lock:
            return [await self._send(entry.id, now) for entry in self.due(now)]

    async def send_now(self, entry_id: int) -> SendResult:
        async with self._lock:
            return await self._send(entry_id, None, force=True)

    def _claim(self, entry_id: int, now: datetime, force: bool) -> int | None:
        """Atomically take a due entry (another process may be flushing too)."""
        return self.store.claim_outbox_entry(
            entry_id, format_time(now), format_time(now + timedelta(seconds=LEASE_SECONDS)), force=force)

    async def _send(self, entry_id: int, now: datetime | None, force: bool = False) -> SendResult:
        now = now or self.clock()
        attempts = self._claim(entry_id, now, force)
        if attempts is None:
            return SendResult(entry_id, "skipped")
        entry = self.get(entry_id)
        key = self.store.outbox_idempotency_key(entry_id)
        try:
            if self.make_connector is None:
                raise SourceError("no connection to send replies with")
            item = self.store.get_item(entry.item_id)
            connector = self.make_connector(self.store.get_source(entry.source_id))
            if inspect.isawaitable(connector):
                connector = await connector
            if attempts > 1:  # an earlier attempt may have reached the site: look before posting
                existing = await connector.find_owner_reply(item)
                if existing is not None and _same_text(entry.text, existing.text):
                    self._record_sent(entry, existing)
                    return SendResult(entry_id, "sent", already_there=True)
            posted = await connector.post_reply(item, entry.text, key)
        except CredentialsMissing as exc:
            if not self.shared:
                self._record_failure(entry_id, str(exc), None)
                return SendResult(entry_id, "failed", str(exc))
            message = f"{exc}; it waits for a member whose computer has them"
            self._record_failure(entry_id, message, now)  # still due: the next member's flush takes it
            return SendResult(entry_id, "queued", message)
        except PERMANENT as exc:
            self._record_failure(entry_id, str(exc), None)
            return SendResult(entry_id, "failed", str(exc))
        except asyncio.CancelledError:
            self._record_failure(entry_id, "interrupted", now)
            raise
        except Exception as exc:  # offline, 5xx, rate limits, odd payloads: try again later
            message = str(exc) or type(exc).__name__
            if not isinstance(exc, SourceError):
                log.warning("sending outbox entry %s failed", entry_id, exc_info=True)
            if attempts >= MAX_ATTEMPTS:
                self._record_failure(entry_id, f"gave up after {attempts} attempts: {message}", None)
                return SendResult(entry_id, "failed", message)
            wait = backoff_seconds(attempts)
            if isinstance(exc, RateLimited) and exc.retry_after:
                wait = max(wait, int(exc.retry_after))
            self._record_failure(entry_id, message, now + timedelta(seconds=wait))
            return SendResult(entry_id, "queued", message)
        self._record_sent(entry, posted)
        return SendResult(entry_id, "sent")

    def _record_sent(self, entry: OutboxEntry, posted: Any) -> None:
        """The reply into the thread, the entry sent, the thread done: one transaction."""
        with self.store.transaction():
            self.store.save_page(entry.source_id, [posted])
            self.store.mark_outbox_sent(entry.id, posted.external_id, format_time(self.clock()))
            if entry.mark_done:
                self.store.set_status(self.store.conversation_item_ids([entry.item_id]), "done")  # the whole conversation

    def _record_failure(self, entry_id: int, message: str, retry_at: datetime | None) -> None:
        self.store.mark_outbox_failed(entry_id, message[:500], format_time(retry_at))


def outbox_http() -> Http:
    """The sync engine's HTTP client as the outbox wants it: no retries of its own, and a 429
    raised at once (the outbox waits for the site's Retry-After between flushes, holding no
    claim and no "Sync now" meanwhile)."""
    from inbox.sync.http import HttpClient

    return HttpClient(retries=0, rate_limit_tries=1)


async def flush_due(store: Store, secret_store: Secrets, *, http: Http | None = None,
                    now: datetime | None = None, shared: bool = False) -> list[SendResult]:
    """Send what is due in `store`, a local inbox or a team's outbox on the server (where
    each claim is `FOR UPDATE SKIP LOCKED`, so two members' apps never post one reply twice),
    with each source's credentials from `secret_store` by its key. Without `http`, a client
    of the sync engine with no retries of its own (the outbox retries after asking the site)."""
    own = http is None
    if http is None:
        http = outbox_http()
    try:
        return await Outbox(store, default_connector_factory(http, secret_store), shared=shared).flush(now)
    finally:
        close = getattr(http, "aclose", None)
        if own and close is not None:
            await close()
