"""Drafts and the outbox: a reply's text is always in exactly one of them.

The outbox's states and leases are decided by inbox.services.outbox; this module keeps
each step atomic (a claim, a cancel that turns the entry back into a draft, a queue that
takes the draft away) so that two processes flushing at once never post twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from inbox.domain import Draft, format_time, utcnow
from inbox.domain.outbox import OutboxEntry
from inbox.store.connection import write_transaction
from inbox.store.errors import NotFound

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


class OutboxMixin:
    conn: sqlite3.Connection

    # -- drafts ----------------------------------------------------------------------

    def save_draft(self, item_id: int, text: str) -> None:
        """Save (or, for empty text, discard) the draft reply to an item; committed at once
        so that it survives a crash."""
        now = format_time(utcnow())
        with write_transaction(self.conn):
            if not text.strip():
                self.conn.execute("DELETE FROM drafts WHERE item_id = ?", (item_id,))
                return
            if self.conn.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is None:
                raise NotFound(f"no item {item_id}")
            self.conn.execute(
                "INSERT INTO drafts (item_id, text, created_at, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (item_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                (item_id, text, now, now))

    def get_draft(self, item_id: int) -> Draft | None:
        row = self.conn.execute("SELECT item_id, text, updated_at FROM drafts WHERE item_id = ?",
                                (item_id,)).fetchone()
        return Draft(*row) if row else None

    def list_drafts(self) -> list[Draft]:
        return [Draft(*r) for r in self.conn.execute(
            "SELECT item_id, text, updated_at FROM drafts ORDER BY updated_at DESC")]

    def count_drafts(self) -> int:
        """For the sidebar's Drafts count."""
        return self.conn.execute("SELECT count(*) FROM drafts").fetchone()[0]

    def delete_draft(self, item_id: int) -> Draft | None:
        """Discard a draft; returns it so that the caller can offer undo."""
        draft = self.get_draft(item_id)
        with write_transaction(self.conn):
            self.conn.execute("DELETE FROM drafts WHERE item_id = ?", (item_id,))
        return draft

    # -- what the reply editor shows about an item -------------------------------------

    def thread_has_owner_reply(self, thread_id: int) -> bool:
        """Whether the owner has replied anywhere in this thread before."""
        return self.conn.execute("SELECT 1 FROM items WHERE thread_id = ? AND is_owner_reply = 1 LIMIT 1",
                                 (thread_id,)).fetchone() is not None

    def item_sentiment_score(self, item_id: int) -> float | None:
        """The item's sentiment score (-1 .. 1), when it has been scored."""
        row = self.conn.execute("SELECT sentiment FROM items WHERE id = ?", (item_id,)).fetchone()
        return row[0] if row else None

    # -- the outbox: reading -----------------------------------------------------------

    def get_outbox_entry(self, entry_id: int) -> OutboxEntry:
        row = self.conn.execute(_SELECT + " WHERE o.id = ?", (entry_id,)).fetchone()
        if row is None:
            raise NotFound(f"no outbox entry {entry_id}")
        return _entry(row)

    def list_outbox(self, states: Sequence[str]) -> list[OutboxEntry]:
        """Entries in any of `states`, oldest first."""
        marks = ",".join("?" * len(states))
        return [_entry(r) for r in self.conn.execute(
            _SELECT + f" WHERE o.state IN ({marks}) ORDER BY o.id", tuple(states))]

    def outbox_entry_for(self, item_id: int, states: Sequence[str]) -> OutboxEntry | None:
        """The item's newest entry in one of `states`."""
        marks = ",".join("?" * len(states))
        row = self.conn.execute(
            _SELECT + f" WHERE o.item_id = ? AND o.state IN ({marks}) ORDER BY o.id DESC LIMIT 1",
            (item_id, *states)).fetchone()
        return _entry(row) if row else None

    def has_reply_on_its_way(self, item_id: int) -> bool:
        """Whether a reply to the item is queued or being sent (a second would double-post)."""
        return self.conn.execute("SELECT 1 FROM outbox WHERE item_id = ? AND state IN ('queued', 'sending')",
                                 (item_id,)).fetchone() is not None

    def outbox_due(self, now: str) -> list[OutboxEntry]:
        """Queued or leased entries whose time has come (a lease that ran out belongs to a
        process that died), soonest first."""
        return [_entry(r) for r in self.conn.execute(
            _SELECT + " WHERE o.state IN ('queued', 'sending') AND (o.not_before IS NULL OR o.not_before <= ?) "
            "ORDER BY o.not_before, o.id", (now,))]

    def outbox_next_due(self) -> str | None:
        """When the next queued or leased entry is due (a stored time), if any."""
        row = self.conn.execute(
            "SELECT min(not_before) FROM outbox WHERE state IN ('queued', 'sending')").fetchone()
        return row[0] if row and row[0] else None

    def outbox_idempotency_key(self, entry_id: int) -> str:
        """The key the site sees on every attempt to post this entry."""
        row = self.conn.execute("SELECT idempotency_key FROM outbox WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise NotFound(f"no outbox entry {entry_id}")
        return row[0]

    # -- the outbox: changing ----------------------------------------------------------

    def queue_reply(self, item_id: int, source_id: int, text: str, *, idempotency_key: str,
                    not_before: str, mark_done: bool, created_at: str) -> int:
        """A new `queued` entry; the item's draft goes in the same transaction, so the text
        is always in exactly one place. Returns the entry's id."""
        with write_transaction(self.conn):
            entry_id = self.conn.execute(
                "INSERT INTO outbox (item_id, source_id, text, state, idempotency_key, not_before, "
                "mark_done, created_at) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?) RETURNING id",
                (item_id, source_id, text, idempotency_key, not_before, int(mark_done), created_at)).fetchone()[0]
            self.conn.execute("DELETE FROM drafts WHERE item_id = ?", (item_id,))
        return entry_id

    def cancel_outbox_entry(self, entry_id: int) -> bool:
        """Take back a queued or failed entry: it becomes the item's draft again, in one
        transaction. False when it is already on its way or sent."""
        with write_transaction(self.conn):
            row = self.conn.execute(
                "UPDATE outbox SET state = 'cancelled' WHERE id = ? AND state IN ('queued', 'failed') "
                "RETURNING item_id, text", (entry_id,)).fetchone()
            if row is None:
                return False
            self.save_draft(row[0], row[1])
        return True

    def requeue_outbox_entry(self, entry_id: int, not_before: str) -> None:
        """A failed or waiting entry becomes due at `not_before`."""
        with write_transaction(self.conn):
            self.conn.execute(
                "UPDATE outbox SET state = 'queued', not_before = ? WHERE id = ? AND state IN ('failed', 'queued')",
                (not_before, entry_id))

    def claim_outbox_entry(self, entry_id: int, now: str, lease_until: str, *, force: bool = False) -> int | None:
        """Atomically take a due entry (another process may be flushing too): state
        `sending` with a lease until `lease_until`. Returns the attempt number, or None
        when it is not due (unless `force`) or someone else has it."""
        with write_transaction(self.conn):
            row = self.conn.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, not_before = ? "
                "WHERE id = ? AND (state = 'queued' OR state = 'sending') "
                "AND (? OR not_before IS NULL OR not_before <= ?) RETURNING attempts",
                (lease_until, entry_id, int(force), now)).fetchone()
        return row[0] if row else None

    def mark_outbox_sent(self, entry_id: int, remote_id: str, sent_at: str) -> None:
        """Call inside the transaction that saves the posted reply into its thread."""
        with write_transaction(self.conn):
            self.conn.execute(
                "UPDATE outbox SET state = 'sent', remote_id = ?, sent_at = ?, last_error = NULL, "
                "not_before = NULL WHERE id = ?", (remote_id, sent_at, entry_id))

    def mark_outbox_failed(self, entry_id: int, message: str, retry_at: str | None) -> None:
        """An attempt failed: `queued` again from `retry_at`, or `failed` for good (None)."""
        with write_transaction(self.conn):
            self.conn.execute(
                "UPDATE outbox SET state = ?, last_error = ?, not_before = ? WHERE id = ?",
                ("queued" if retry_at else "failed", message, retry_at, entry_id))
