"""Triage and tags: the owner's own marks on items. Sync never touches these.
(Drafts live with the outbox, in inbox.store.outbox.)"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from inbox.domain import Status, Tag, format_time, utcnow
from inbox.domain.colours import is_hex_colour
from inbox.store.connection import write_transaction
from inbox.store.errors import StoreError

TriageSnapshot = list[tuple[int, str, str | None]]  # (item id, status, snoozed_until)
DEFAULT_TAG_COLOURS = ["#e5484d", "#f76b15", "#ffc53d", "#46a758", "#12a594", "#0090ff",
                       "#6e56cf", "#d6409f", "#8d8d8d"]


def _ids_json(ids: Sequence[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


class TriageMixin:
    conn: sqlite3.Connection

    def snapshot_triage(self, ids: Sequence[int]) -> TriageSnapshot:
        """The triage state of items, for undo."""
        return [tuple(r) for r in self.conn.execute(
            "SELECT id, status, snoozed_until FROM items WHERE id IN (SELECT value FROM json_each(?))",
            (_ids_json(ids),))]

    def restore_triage(self, snapshot: TriageSnapshot) -> None:
        with write_transaction(self.conn):
            self.conn.executemany("UPDATE items SET status = ?, snoozed_until = ? WHERE id = ?",
                                  [(s, u, i) for i, s, u in snapshot])

    def set_status(self, ids: Sequence[int], status: str) -> TriageSnapshot:
        """Mark items unread/read/done; marking done or unread ends a snooze. Returns the
        previous state for undo."""
        status = Status(status).value
        before = self.snapshot_triage(ids)
        with write_transaction(self.conn):
            self.conn.execute(
                "UPDATE items SET status = ?, snoozed_until = CASE WHEN ? = 'read' "
                "THEN snoozed_until END WHERE id IN (SELECT value FROM json_each(?))",
                (status, status, _ids_json(ids)))
        return before

    def snooze(self, ids: Sequence[int], until: datetime) -> TriageSnapshot:
        before = self.snapshot_triage(ids)
        with write_transaction(self.conn):
            self.conn.execute(
                "UPDATE items SET snoozed_until = ?, status = CASE WHEN status = 'done' "
                "THEN 'read' ELSE status END WHERE id IN (SELECT value FROM json_each(?))",
                (format_time(until), _ids_json(ids)))
        return before

    def thread_ids_of(self, ids: Sequence[int]) -> set[int]:
        """The conversations the items belong to: what a triage change redraws."""
        if not ids:
            return set()
        return {r[0] for r in self.conn.execute(
            "SELECT DISTINCT thread_id FROM items WHERE id IN (SELECT value FROM json_each(?)) "
            "AND thread_id IS NOT NULL", (_ids_json(ids),))}

    def wake_due(self, now: datetime | None = None) -> list[int]:
        """Snoozes that are due end: the items come back to the inbox as unread."""
        stamp = format_time(now or utcnow())
        with write_transaction(self.conn):
            ids = [r[0] for r in self.conn.execute(
                "UPDATE items SET snoozed_until = NULL, status = 'unread' "
                "WHERE snoozed_until IS NOT NULL AND snoozed_until <= ? RETURNING id", (stamp,))]
        return ids

    # -- tags ------------------------------------------------------------------------

    def list_tags(self) -> list[Tag]:
        return [Tag(r[0], r[1], r[2], r[3]) for r in self.conn.execute(
            "SELECT t.id, t.name, t.colour, coalesce(c.n, 0) FROM tags t "  # conversations, maintained
            "LEFT JOIN tag_conversations c ON c.tag_id = t.id ORDER BY t.name COLLATE NOCASE")]

    def ensure_tag(self, name: str, colour: str | None = None) -> Tag:
        """The tag with this name, created (with a colour of its own) if new."""
        name = " ".join(name.split())
        if not name:
            raise StoreError("a tag needs a name")
        if len(name) > 60:
            raise StoreError("a tag name can be at most 60 characters")
        _check_colour(colour)
        with write_transaction(self.conn):
            row = self.conn.execute("SELECT id, name, colour FROM tags WHERE name = ?", (name,)).fetchone()
            if row is None:
                n = self.conn.execute("SELECT count(*) FROM tags").fetchone()[0]
                colour = colour or DEFAULT_TAG_COLOURS[n % len(DEFAULT_TAG_COLOURS)]
                row = self.conn.execute("INSERT INTO tags (name, colour) VALUES (?, ?) RETURNING id, name, colour",
                                        (name, colour)).fetchone()
            elif colour and colour != row[2]:
                self.conn.execute("UPDATE tags SET colour = ? WHERE id = ?", (colour, row[0]))
                row = (row[0], row[1], colour)
        return Tag(row[0], row[1], row[2])

    def rename_tag(self, tag_id: int, name: str, colour: str | None = None) -> None:
        _check_colour(colour)
        with write_transaction(self.conn):
            self.conn.execute("UPDATE tags SET name = ?, colour = coalesce(?, colour) WHERE id = ?",
                              (" ".join(name.split()), colour, tag_id))

    def delete_tag(self, tag_id: int) -> None:
        with write_transaction(self.conn):
            self.conn.execute("DELETE FROM tags WHERE id = ?", (tag_id,))

    def tag_items(self, ids: Sequence[int], tag_name: str) -> list[int]:
        """Add a tag; returns the ids that did not have it (for undo)."""
        tag = self.ensure_tag(tag_name)
        with write_transaction(self.conn):
            added = [r[0] for r in self.conn.execute(
                "INSERT INTO item_tags (item_id, tag_id) SELECT value, ? FROM json_each(?) "
                "WHERE value IN (SELECT id FROM items) ON CONFLICT DO NOTHING RETURNING item_id",
                (tag.id, _ids_json(ids)))]
        return added

    def untag_items(self, ids: Sequence[int], tag_name: str) -> list[int]:
        """Remove a tag; returns the ids that had it (for undo)."""
        with write_transaction(self.conn):
            removed = [r[0] for r in self.conn.execute(
                "DELETE FROM item_tags WHERE tag_id = (SELECT id FROM tags WHERE name = ?) "
                "AND item_id IN (SELECT value FROM json_each(?)) RETURNING item_id",
                (tag_name, _ids_json(ids)))]
        return removed


def _check_colour(colour: str | None) -> None:
    """A tag colour reaches style sheets and rich text: `#rrggbb` only."""
    if colour is not None and not is_hex_colour(colour):
        raise StoreError("a tag colour must look like #3366cc")
