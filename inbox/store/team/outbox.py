"""The team store's drafts and outbox: the same operations as the SQLite store's
`OutboxMixin` (a reply's text is always in exactly one of them).

Why `FOR UPDATE SKIP LOCKED` in the claim: several members' apps flush the same outbox; an
entry another app is claiming right now is skipped at once (not waited for), and the
claim's own conditions (queued, or a lease that ran out) are read on the locked row, so two
apps never both take it. The idempotency key goes with every attempt to post."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inbox.domain import Draft, format_time, utcnow
from inbox.domain.outbox import OutboxEntry
from inbox.store.errors import NotFound

_SELECT = """
    SELECT o.id, o.item_id, o.source_id, s.name, s.kind,
           coalesce(nullif(a.display_name, ''), nullif(a.handle, ''), 'Anonymous'),
           o.text, o.state, o.attempts, o.last_error, o.not_before, o.mark_done, o.remote_id,
           o.created_at, o.sent_at
    FROM outbox o JOIN sources s ON s.id = o.source_id JOIN items i ON i.id = o.item_id
    LEFT JOIN authors a ON a.id = i.author_id
"""


class TeamOutboxMixin:
    def cursor(self) -> Any: ...  # TeamStore
    def transaction(self) -> Any: ...  # TeamStore

    # -- drafts ----------------------------------------------------------------------

    def save_draft(self, item_id: int, text: str) -> None:
        """Save (or, for empty text, discard) the draft reply to an item."""
        now = format_time(utcnow())
        with self.transaction(), self.cursor() as cur:
            if not text.strip():
                cur.execute("DELETE FROM drafts WHERE item_id = %s", (item_id,))
                return
            if cur.execute("SELECT 1 FROM items WHERE id = %s", (item_id,)).fetchone() is None:
                raise NotFound(f"no item {item_id}")
            cur.execute("INSERT INTO drafts (item_id, text, created_at, updated_at) VALUES (%s, %s, %s, %s) "
                        "ON CONFLICT (item_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                        (item_id, text, now, now))

    def get_draft(self, item_id: int) -> Draft | None:
        with self.cursor() as cur:
            row = cur.execute("SELECT item_id, text, updated_at FROM drafts WHERE item_id = %s", (item_id,)).fetchone()
        return Draft(*row) if row else None

    def list_drafts(self) -> list[Draft]:
        with self.cursor() as cur:
            return [Draft(*r) for r in cur.execute("SELECT item_id, text, updated_at FROM drafts "
                                                   "ORDER BY updated_at DESC")]

    def count_drafts(self) -> int:
        with self.cursor() as cur:
            return cur.execute("SELECT count(*) FROM drafts").fetchone()[0]

    def delete_draft(self, item_id: int) -> Draft | None:
        """Discard a draft; returns it so that the caller can offer undo."""
        with self.cursor() as cur:
            row = cur.execute("DELETE FROM drafts WHERE item_id = %s RETURNING item_id, text, updated_at",
                              (item_id,)).fetchone()
        return Draft(*row) if row else None

    # -- what the reply editor shows about an item -------------------------------------

    def thread_has_owner_reply(self, thread_id: int) -> bool:
        with self.cursor() as cur:
            return cur.execute("SELECT 1 FROM items WHERE thread_id = %s AND is_owner_reply LIMIT 1",
                               (thread_id,)).fetchone() is not None

    def item_sentiment_score(self, item_id: int) -> float | None:
        with self.cursor() as cur:
            row = cur.execute("SELECT sentiment FROM items WHERE id = %s", (item_id,)).fetchone()
        return row[0] if row else None

    # -- the outbox: reading -----------------------------------------------------------

    def _entries(self, sql: str, args: Sequence[Any]) -> list[OutboxEntry]:
        with self.cursor() as cur:
            return [OutboxEntry(*r) for r in cur.execute(_SELECT + sql, args)]

    def get_outbox_entry(self, entry_id: int) -> OutboxEntry:
        found = self._entries(" WHERE o.id = %s", (entry_id,))
        if not found:
            raise NotFound(f"no outbox entry {entry_id}")
        return found[0]

    def list_outbox(self, states: Sequence[str]) -> list[OutboxEntry]:
        return self._entries(" WHERE o.state = ANY(%s) ORDER BY o.id", (list(states),))

    def outbox_entry_for(self, item_id: int, states: Sequence[str]) -> OutboxEntry | None:
        found = self._entries(" WHERE o.item_id = %s AND o.state = ANY(%s) ORDER BY o.id DESC LIMIT 1",
                              (item_id, list(states)))
        return found[0] if found else None

    def has_reply_on_its_way(self, item_id: int) -> bool:
        with self.cursor() as cur:
            return cur.execute("SELECT 1 FROM outbox WHERE item_id = %s AND state IN ('queued', 'sending')",
                               (item_id,)).fetchone() is not None

    def outbox_due(self, now: str) -> list[OutboxEntry]:
        return self._entries(" WHERE o.state IN ('queued', 'sending') AND (o.not_before IS NULL OR "
                             "o.not_before <= %s) ORDER BY o.not_before, o.id", (now,))

    def outbox_next_due(self) -> str | None:
        with self.cursor() as cur:
            row = cur.execute("SELECT min(not_before) FROM outbox WHERE state IN ('queued', 'sending')").fetchone()
        return row[0] if row and row[0] else None

    def outbox_idempotency_key(self, entry_id: int) -> str:
        with self.cursor() as cur:
            row = cur.execute("SELECT idempotency_key FROM outbox WHERE id = %s", (entry_id,)).fetchone()
        if row is None:
            raise NotFound(f"no outbox entry {entry_id}")
        return row[0]

    # -- the outbox: changing ----------------------------------------------------------

    def queue_reply(self, item_id: int, source_id: int, text: str, *, idempotency_key: str,
                    not_before: str, mark_done: bool, created_at: str) -> int:
        """A new `queued` entry; the item's draft goes in the same transaction."""
        with self.transaction(), self.cursor() as cur:
            entry_id = cur.execute(
                "INSERT INTO outbox (item_id, source_id, text, state, idempotency_key, not_before, mark_done, "
                "created_at) VALUES (%s, %s, %s, 'queued', %s, %s, %s, %s) RETURNING id",
                (item_id, source_id, text, idempotency_key, not_before, bool(mark_done), created_at)).fetchone()[0]
            cur.execute("DELETE FROM drafts WHERE item_id = %s", (item_id,))
        return entry_id

    def cancel_outbox_entry(self, entry_id: int) -> bool:
        """Take back a queued or failed entry: it becomes the item's draft again. False when
        it is already on its way or sent (or another app is claiming it this moment)."""
        with self.transaction(), self.cursor() as cur:
            row = cur.execute(
                "UPDATE outbox SET state = 'cancelled' WHERE id = (SELECT id FROM outbox WHERE id = %s "
                "AND state IN ('queued', 'failed') FOR UPDATE SKIP LOCKED) RETURNING item_id, text",
                (entry_id,)).fetchone()
            if row is None:
                return False
            self.save_draft(row[0], row[1])
        return True

    def requeue_outbox_entry(self, entry_id: int, not_before: str) -> None:
        with self.cursor() as cur:
            cur.execute("UPDATE outbox SET state = 'queued', not_before = %s WHERE id = %s "
                        "AND state IN ('failed', 'queued')", (not_before, entry_id))

    def claim_outbox_entry(self, entry_id: int, now: str, lease_until: str, *, force: bool = False) -> int | None:
        """Take a due entry: state `sending` with a lease until `lease_until`. Returns the
        attempt number, or None when it is not due (unless `force`) or another app has it."""
        with self.cursor() as cur:
            row = cur.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, not_before = %s "
                "WHERE id = (SELECT id FROM outbox WHERE id = %s AND state IN ('queued', 'sending') "
                "AND (%s OR not_before IS NULL OR not_before <= %s) FOR UPDATE SKIP LOCKED) RETURNING attempts",
                (lease_until, entry_id, force, now)).fetchone()
        return row[0] if row else None

    def mark_outbox_sent(self, entry_id: int, remote_id: str, sent_at: str) -> None:
        with self.cursor() as cur:
            cur.execute("UPDATE outbox SET state = 'sent', remote_id = %s, sent_at = %s, last_error = NULL, "
                        "not_before = NULL WHERE id = %s", (remote_id, sent_at, entry_id))

    def mark_outbox_failed(self, entry_id: int, message: str, retry_at: str | None) -> None:
        with self.cursor() as cur:
            cur.execute("UPDATE outbox SET state = %s, last_error = %s, not_before = %s WHERE id = %s",
                        ("queued" if retry_at else "failed", message, retry_at, entry_id))
