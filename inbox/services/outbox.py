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
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from inbox.domain import ItemRow, Source, format_time, parse_time, utcnow
from inbox.services import settings
from inbox.sources.base import (
    Connector,
    CredentialsRejected,
    Http,
    RateLimited,
    ReplyNotSupported,
    SourceError,
)
from inbox.sources.replies._common import ReplyRejected
from inbox.store import NotFound, Store, write_transaction

log = logging.getLogger(__name__)

UNDO_SECONDS = settings.SETTINGS["replies.undo_seconds"].default
LEASE_SECONDS = 300       # longer than the slowest request (timeouts + 429 waits): after that, the
                          # `sending` entry belongs to a process that died
BACKOFF_FIRST = 30        # seconds; doubles per attempt
BACKOFF_MAX = 3600
MAX_ATTEMPTS = 8
# Kinds whose reply API the app uses; the rest get "copy the reply and open the page".
REPLY_KINDS = frozenset({"google", "trustpilot", "facebook", "mastodon", "bluesky", "reddit", "googleplay"})
PERMANENT = (CredentialsRejected, ReplyNotSupported, ReplyRejected)

# Builds a source's connector; may be a coroutine function (secrets come from the keyring,
# which can block, so the GUI reads them on a worker thread).
ConnectorFactory = Callable[[Source], Connector | Awaitable[Connector]]


@dataclass(slots=True)
class OutboxEntry:
    id: int
    item_id: int
    source_id: int
    source_name: str
    source_kind: str
    author_name: str
    text: str
    state: str
    attempts: int
    last_error: str | None
    not_before: str | None
    mark_done: bool
    remote_id: str | None
    created_at: str
    sent_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class SendResult:
    entry_id: int
    state: str          # sent, queued (will retry), failed, skipped (not due / taken)
    error: str | None = None
    already_there: bool = False


def can_post(item: ItemRow) -> bool:
    """Whether the app can post a reply to this item itself (else: copy and open)."""
    if item.source_kind == "facebook" and item.external_id.startswith("rating:"):
        return False
    return item.source_kind in REPLY_KINDS


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


def default_connector_factory(http: Http) -> ConnectorFactory:
    """Connectors with the source's secrets from the OS keyring."""
    from inbox.secrets import get_secrets
    from inbox.sources.registry import connector_class

    async def make(source: Source) -> Connector:
        secrets = await asyncio.to_thread(get_secrets, source.name)
        if hasattr(http, "add_secrets"):  # never shown in a message
            http.add_secrets(secrets)
        cls = connector_class(source.kind)
        missing = [name for name in cls.secrets if not secrets.get(name)]
        if missing:
            raise CredentialsRejected(f"{source.name} has no {', '.join(missing)} saved; add "
                                      f"{'it' if len(missing) == 1 else 'them'} in Sources to post replies")
        return cls(source, secrets, http)
    return make


_SELECT = """
    SELECT o.id, o.item_id, o.source_id, s.name, s.kind,
           coalesce(nullif(a.display_name, ''), nullif(a.handle, ''), 'Anonymous'),
           o.text, o.state, o.attempts, o.last_error, o.not_before, o.mark_done, o.remote_id,
           o.created_at, o.sent_at
    FROM outbox o JOIN sources s ON s.id = o.source_id JOIN items i ON i.id = o.item_id
    LEFT JOIN authors a ON a.id = i.author_id
"""


def _entry(row: Any) -> OutboxEntry:
    values = list(row)
    values[11] = bool(values[11])
    return OutboxEntry(*values)


class Outbox:
    """Queue, cancel, list and send replies. `make_connector` builds a source's connector
    (with its secrets and the HTTP client); only `flush`/`send` need it."""

    def __init__(self, store: Store, make_connector: ConnectorFactory | None = None, *,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
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
        if self.store.conn.execute("SELECT 1 FROM outbox WHERE item_id = ? AND state IN ('queued', 'sending')",
                                   (item_id,)).fetchone():
            raise ValueError("a reply to this item is already waiting in the Outbox")
        if not can_post(item):
            raise ReplyNotSupported("this site has no reply API: copy the reply and open the page")
        now = self.clock()
        with write_transaction(self.store.conn):
            entry_id = self.store.conn.execute(
                "INSERT INTO outbox (item_id, source_id, text, state, idempotency_key, not_before, "
                "mark_done, created_at) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?) RETURNING id",
                (item_id, item.source_id, text, str(uuid.uuid4()),
                 format_time(now + timedelta(seconds=undo_seconds)), int(mark_done),
                 format_time(now))).fetchone()[0]
            self.store.conn.execute("DELETE FROM drafts WHERE item_id = ?", (item_id,))
        return self.get(entry_id)

    def get(self, entry_id: int) -> OutboxEntry:
        row = self.store.conn.execute(_SELECT + " WHERE o.id = ?", (entry_id,)).fetchone()
        if row is None:
            raise NotFound(f"no outbox entry {entry_id}")
        return _entry(row)

    def entries(self, *, include_sent: bool = False) -> list[OutboxEntry]:
        states = ("queued", "sending", "failed") + (("sent",) if include_sent else ())
        marks = ",".join("?" * len(states))
        return [_entry(r) for r in self.store.conn.execute(
            _SELECT + f" WHERE o.state IN ({marks}) ORDER BY o.id", states)]

    def pending_for(self, item_id: int) -> OutboxEntry | None:
        row = self.store.conn.execute(
            _SELECT + " WHERE o.item_id = ? AND o.state IN ('queued', 'sending', 'failed') "
            "ORDER BY o.id DESC LIMIT 1", (item_id,)).fetchone()
        return _entry(row) if row else None

    def cancel(self, entry_id: int) -> OutboxEntry | None:
        """Take a reply back before it leaves (undo): it becomes the item's draft again.
        Returns None when it is already on its way or sent."""
        with write_transaction(self.store.conn):
            row = self.store.conn.execute(
                "UPDATE outbox SET state = 'cancelled' WHERE id = ? AND state IN ('queued', 'failed') "
                "RETURNING item_id, text", (entry_id,)).fetchone()
            if row is None:
                return None
            self.store.save_draft(row[0], row[1])
        return self.get(entry_id)

    def retry(self, entry_id: int) -> None:
        """Send a failed reply again now (after fixing credentials, say)."""
        with write_transaction(self.store.conn):
            self.store.conn.execute(
                "UPDATE outbox SET state = 'queued', not_before = ? WHERE id = ? AND state IN ('failed', 'queued')",
                (format_time(self.clock()), entry_id))

    def due(self, now: datetime | None = None) -> list[OutboxEntry]:
        stamp = format_time(now or self.clock())
        return [_entry(r) for r in self.store.conn.execute(
            _SELECT + " WHERE o.state IN ('queued', 'sending') AND (o.not_before IS NULL OR o.not_before <= ?) "
            "ORDER BY o.not_before, o.id", (stamp,))]

    def next_due_at(self) -> datetime | None:
        row = self.store.conn.execute(
            "SELECT min(not_before) FROM outbox WHERE state IN ('queued', 'sending')").fetchone()
        return parse_time(row[0]) if row and row[0] else None

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
        stamp = format_time(now)
        with write_transaction(self.store.conn):
            row = self.store.conn.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, not_before = ? "
                "WHERE id = ? AND (state = 'queued' OR state = 'sending') "
                "AND (? OR not_before IS NULL OR not_before <= ?) RETURNING attempts",
                (format_time(now + timedelta(seconds=LEASE_SECONDS)), entry_id, int(force), stamp)).fetchone()
        return row[0] if row else None

    async def _send(self, entry_id: int, now: datetime | None, force: bool = False) -> SendResult:
        now = now or self.clock()
        attempts = self._claim(entry_id, now, force)
        if attempts is None:
            return SendResult(entry_id, "skipped")
        entry = self.get(entry_id)
        key = self.store.conn.execute("SELECT idempotency_key FROM outbox WHERE id = ?", (entry_id,)).fetchone()[0]
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
        with write_transaction(self.store.conn):
            self.store.save_page(entry.source_id, [posted])
            self.store.conn.execute(
                "UPDATE outbox SET state = 'sent', remote_id = ?, sent_at = ?, last_error = NULL, "
                "not_before = NULL WHERE id = ?", (posted.external_id, format_time(self.clock()), entry.id))
            if entry.mark_done:
                self.store.set_status([entry.item_id], "done")

    def _record_failure(self, entry_id: int, message: str, retry_at: datetime | None) -> None:
        with write_transaction(self.store.conn):
            self.store.conn.execute(
                "UPDATE outbox SET state = ?, last_error = ?, not_before = ? WHERE id = ?",
                ("queued" if retry_at else "failed", message[:500], format_time(retry_at), entry_id))
