"""Small reads about items and threads that services ask for by id: the owner's replies of
a set of threads (export), new items worth a notice (sync), ids by external id (demo)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import NamedTuple


def _id_list(ids: Iterable[int]) -> str:
    """The ids as a JSON array: one bound parameter, read back with json_each."""
    return json.dumps(list(ids))


class ItemBrief(NamedTuple):
    """Enough of an item to plan triage on it (the demo workspace)."""

    id: int
    created_at: str
    rating: int | None
    is_owner_reply: bool
    thread_id: int | None


class ItemLookupsMixin:
    conn: sqlite3.Connection

    def owner_replies(self, thread_ids: Iterable[int]) -> dict[int, str]:
        """The latest reply of the owner in each of these threads (thread id: its text)."""
        ids = sorted(set(thread_ids))
        if not ids:
            return {}
        replies: dict[int, str] = {}
        for thread_id, text in self.conn.execute(
                "SELECT thread_id, text FROM items WHERE is_owner_reply = 1 AND deleted_at IS NULL "
                "AND thread_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id", (_id_list(ids),)):
            replies[thread_id] = text  # ordered by time: the latest wins
        return replies

    def item_aspects(self, item_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
        """Each analysed item's aspects in the order said, [(term, polarity)] (the export's
        column; see `aspects.item_aspects`)."""
        from inbox.store import aspects

        return aspects.item_aspects(self, item_ids)  # type: ignore[arg-type]

    def replied_thread_ids(self) -> set[int | None]:
        """The threads in which the owner has replied at least once."""
        return {r[0] for r in self.conn.execute("SELECT DISTINCT thread_id FROM items WHERE is_owner_reply = 1")}

    def item_ids_by_external(self, source_id: int) -> dict[str, int]:
        """A source's items: external id to item id."""
        return dict(self.conn.execute("SELECT external_id, id FROM items WHERE source_id = ?",
                                      (source_id,)).fetchall())

    def item_briefs(self, item_ids: Sequence[int]) -> list[ItemBrief]:
        """These items' date, rating, thread and whether the owner wrote them (any order)."""
        return [ItemBrief(r[0], r[1], r[2], bool(r[3]), r[4]) for r in self.conn.execute(
            "SELECT id, created_at, rating, is_owner_reply, thread_id FROM items "
            "WHERE id IN (SELECT value FROM json_each(?))", (_id_list(item_ids),))]

    def open_new_items(self, item_ids: Sequence[int]) -> list[tuple[int, str]]:
        """Of these items, the ones still worth a notice (not the owner's, not done, not
        deleted), each with its source's name."""
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT i.id, s.name FROM items i JOIN sources s ON s.id = i.source_id "
            "WHERE i.id IN (SELECT value FROM json_each(?)) AND i.is_owner_reply = 0 "
            "AND i.status != 'done' AND i.deleted_at IS NULL", (_id_list(item_ids),))]
