"""People: authors on several platforms recorded as the same person, and what a profile
reads about them.

Authors of one person share `authors.person_id` (the smallest author id of the group), so
a profile opened from any of them finds the whole group with one lookup.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from inbox.domain import ItemRow
from inbox.store.connection import write_transaction
from inbox.store.errors import NotFound
from inbox.store.queries import ROW_SELECT, row_to_item

# The business's own account on a platform: never a customer, never suggested as one.
OWNER_EXTERNAL_ID = "owner"


def _ids_json(ids: Sequence[int]) -> str:
    return json.dumps([int(i) for i in ids])


class PeopleMixin:
    conn: sqlite3.Connection

    if TYPE_CHECKING:  # from QueryMixin
        def attach_tags(self, items: list[ItemRow]) -> None: ...

    def person_group(self, author_id: int) -> list[int]:
        """The author ids that are the same person as `author_id` (itself included), in
        id order; NotFound if there is no such author."""
        row = self.conn.execute("SELECT person_id FROM authors WHERE id = ?", (author_id,)).fetchone()
        if row is None:
            raise NotFound(f"no author {author_id}")
        if row[0] is None:
            return [author_id]
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM authors WHERE person_id = ? ORDER BY id", (row[0],))]

    def authors_by_id(self, author_ids: Sequence[int]) -> list[dict[str, Any]]:
        """The authors rows (id, platform, external_id, handle, display_name, profile_url,
        person_id) for these ids, in id order; unknown ids are left out."""
        return [dict(r) for r in self.conn.execute(
            "SELECT id, platform, external_id, handle, display_name, profile_url, person_id FROM authors "
            "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", (_ids_json(author_ids),))]

    def items_by_authors(self, author_ids: Sequence[int], limit: int) -> list[ItemRow]:
        """What these authors wrote (not the owner's replies), newest first, with tags."""
        rows = self.conn.execute(
            f"{ROW_SELECT} WHERE i.author_id IN (SELECT value FROM json_each(?)) AND i.is_owner_reply = 0 "
            f"ORDER BY i.created_at DESC, i.id DESC LIMIT ?", (_ids_json(author_ids), limit)).fetchall()
        items = [row_to_item(r) for r in rows]
        self.attach_tags(items)
        return items

    def owner_replies_in_threads(self, thread_ids: Sequence[int]) -> list[ItemRow]:
        """The owner's replies in these conversations, newest first (without tags)."""
        return [row_to_item(r) for r in self.conn.execute(
            f"{ROW_SELECT} WHERE i.thread_id IN (SELECT value FROM json_each(?)) AND i.is_owner_reply = 1 "
            f"ORDER BY i.created_at DESC", (_ids_json(thread_ids),))]

    def customer_authors(self) -> list[dict[str, Any]]:
        """Every author except the business's own accounts (id, platform, handle,
        display_name, profile_url): the candidates for "same person?" suggestions."""
        return [dict(r) for r in self.conn.execute(
            "SELECT id, platform, handle, display_name, profile_url FROM authors WHERE external_id != ?",
            (OWNER_EXTERNAL_ID,))]

    def customer_item_counts(self, author_ids: Sequence[int]) -> dict[int, int]:
        """How many items (not owner replies) each author wrote; 0 for authors without any."""
        counts = {int(a): 0 for a in author_ids}
        for author_id, n in self.conn.execute(
                "SELECT author_id, count(*) FROM items WHERE author_id IN (SELECT value FROM json_each(?)) "
                "AND is_owner_reply = 0 GROUP BY author_id", (_ids_json(author_ids),)):
            counts[author_id] = n
        return counts

    def link_authors(self, author_id: int, other_id: int) -> int:
        """Record that two authors are the same person, merging their groups; returns the
        person id (the smallest author id of the merged group)."""
        with write_transaction(self.conn):
            members = sorted(set(self.person_group(author_id)) | set(self.person_group(other_id)))
            person = members[0]
            self.conn.execute("UPDATE authors SET person_id = ? WHERE id IN (SELECT value FROM json_each(?))",
                              (person, _ids_json(members)))
        return person

    def unlink_author(self, author_id: int) -> None:
        """Take an author out of their person; a person of one author is no person at all,
        and a group that loses its smallest id is renumbered to its new smallest."""
        with write_transaction(self.conn):
            rest = [a for a in self.person_group(author_id) if a != author_id]
            self.conn.execute("UPDATE authors SET person_id = NULL WHERE id = ?", (author_id,))
            if len(rest) == 1:
                self.conn.execute("UPDATE authors SET person_id = NULL WHERE id = ?", (rest[0],))
            elif rest:
                self.conn.execute("UPDATE authors SET person_id = ? WHERE id IN (SELECT value FROM json_each(?))",
                                  (rest[0], _ids_json(rest)))
