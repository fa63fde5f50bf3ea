"""Authors: finding one, everything that belongs to one, and erasing one for good.

Erasure removes their items (with tags, drafts and outbox entries, and the full-text rows
via the triggers), the owner's replies to those items, and the author row; it leaves a
tombstone (platform, author external id) that ingest checks, so the next sync skips them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from inbox.domain import ItemRow, format_time, utcnow
from inbox.domain.authors import AuthorRecords, AuthorSummary, ErasureCounts
from inbox.store.connection import write_transaction
from inbox.store.errors import NotFound
from inbox.store.queries import ROW_SELECT, row_to_item

_AUTHOR_SELECT = """
    SELECT a.id, a.platform, a.external_id,
           coalesce(nullif(a.display_name, ''), nullif(a.handle, ''), 'Anonymous'), a.handle,
           (SELECT count(*) FROM items i WHERE i.author_id = a.id) AS n,
           EXISTS (SELECT 1 FROM items i WHERE i.author_id = a.id AND i.is_owner_reply = 1) AS owner
    FROM authors a
"""

_THEIR_ITEMS = "SELECT id FROM items WHERE author_id = :a"
# The owner's replies to them: answering one of their items directly, or in a thread that
# one of their items started.
_OWNER_REPLIES = """
    SELECT r.id FROM items p
    JOIN items r ON r.thread_id = p.thread_id AND r.parent_external_id = p.external_id
    WHERE p.author_id = :a AND r.is_owner_reply = 1 AND r.author_id IS NOT :a
    UNION
    SELECT r.id FROM items p
    JOIN threads t ON t.id = p.thread_id AND t.root_item_id = p.id
    JOIN items r ON r.thread_id = t.id
    WHERE p.author_id = :a AND r.is_owner_reply = 1 AND r.author_id IS NOT :a
"""
_ERASED_IDS = f"{_THEIR_ITEMS} UNION {_OWNER_REPLIES}"


def _summary(row: Sequence[Any]) -> AuthorSummary:
    return AuthorSummary(*row[:6], is_owner=bool(row[6]))


def _ids_json(ids: Sequence[int]) -> str:
    return json.dumps([int(i) for i in ids])


class AuthorsMixin:
    conn: sqlite3.Connection

    if TYPE_CHECKING:  # from QueryMixin
        def attach_tags(self, items: list[ItemRow]) -> None: ...
        def get_author(self, author_id: int) -> dict[str, Any]: ...

    def find_authors(self, query: str = "", limit: int = 200) -> list[AuthorSummary]:
        """Authors whose name, handle or platform id contains `query`: customers first,
        busiest first; the business's own accounts last, so that they are not erased by
        mistake when picking the top match."""
        rows = self.conn.execute(
            f"{_AUTHOR_SELECT} WHERE a.display_name LIKE :like OR a.handle LIKE :like "
            f"OR a.external_id LIKE :like "
            f"ORDER BY owner, n DESC, a.display_name COLLATE NOCASE, a.id LIMIT :limit",
            {"like": f"%{query.strip()}%", "limit": limit}).fetchall()
        return [_summary(r) for r in rows]

    def author_summary(self, author_id: int) -> AuthorSummary:
        """One author with their item count and whether it is the business's own account."""
        row = self.conn.execute(f"{_AUTHOR_SELECT} WHERE a.id = ?", (author_id,)).fetchone()
        if row is None:
            raise NotFound(f"no author {author_id}")
        return _summary(row)

    def author_export_rows(self, author_id: int) -> list[ItemRow]:
        """Every item the author wrote, oldest first, with tags: the rows of their export."""
        rows = [row_to_item(r) for r in self.conn.execute(
            f"{ROW_SELECT} WHERE i.author_id = ? ORDER BY i.created_at, i.id", (author_id,))]
        self.attach_tags(rows)
        return rows

    def author_records(self, author_id: int) -> AuthorRecords:
        """Everything the inbox holds about one author, read in one go for their export;
        NotFound if there is no such author."""
        author = self.get_author(author_id)
        items = self.author_export_rows(author_id)
        ids_json = _ids_json([it.id for it in items])
        extras = {r["id"]: dict(r) for r in self.conn.execute(
            "SELECT id, external_id, parent_external_id, language, raw, sentiment, sentiment_label, "
            "deleted_at FROM items WHERE id IN (SELECT value FROM json_each(?))", (ids_json,))}
        drafts = {r["item_id"]: dict(r) for r in self.conn.execute(
            "SELECT item_id, text, created_at, updated_at FROM drafts "
            "WHERE item_id IN (SELECT value FROM json_each(?))", (ids_json,))}
        outbox: dict[int, list[dict[str, Any]]] = {}
        for r in self.conn.execute(
                "SELECT item_id, text, state, created_at, sent_at FROM outbox "
                "WHERE item_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id", (ids_json,)):
            outbox.setdefault(r["item_id"], []).append(
                {"text": r["text"], "state": r["state"], "created_at": r["created_at"], "sent_at": r["sent_at"]})
        replies = [dict(r) for r in self.conn.execute(
            f"SELECT r.source_id, r.parent_external_id, t.root_item_id, r.text, r.created_at, r.url "
            f"FROM items r LEFT JOIN threads t ON t.id = r.thread_id "
            f"WHERE r.id IN ({_OWNER_REPLIES}) ORDER BY r.created_at, r.id", {"a": author_id})]
        return AuthorRecords(author=author, items=items, extras=extras, drafts=drafts, outbox=outbox,
                             owner_replies=replies)

    def erasure_counts(self, author_id: int) -> ErasureCounts:
        """What `erase_author` would remove besides the author's own items (a read)."""
        p = {"a": author_id}
        return ErasureCounts(
            owner_replies=self.conn.execute(f"SELECT count(*) FROM ({_OWNER_REPLIES})", p).fetchone()[0],
            drafts=self.conn.execute(
                f"SELECT count(*) FROM drafts WHERE item_id IN ({_ERASED_IDS})", p).fetchone()[0],
            outbox=self.conn.execute(
                f"SELECT count(*) FROM outbox WHERE item_id IN ({_ERASED_IDS})", p).fetchone()[0],
        )

    def erase_author(self, author_id: int) -> None:
        """Erase an author, their items, the owner's replies to them and everything derived,
        and tombstone them so that sync skips them. Deleted rows are overwritten
        (`secure_delete`), the full-text index is merged so that their words leave it, and
        the WAL is checkpointed: their text must not stay in the file. NotFound if no such
        author; refusing to erase the owner's account is the caller's rule."""
        author = self.get_author(author_id)
        p = {"a": author_id}
        conn = self.conn
        conn.execute("PRAGMA secure_delete = ON")
        try:
            with write_transaction(conn):
                conn.execute("CREATE TEMP TABLE IF NOT EXISTS erase_ids (id INTEGER PRIMARY KEY)")
                conn.execute("DELETE FROM temp.erase_ids")
                conn.execute(f"INSERT OR IGNORE INTO temp.erase_ids {_ERASED_IDS}", p)
                thread_ids = [r[0] for r in conn.execute(
                    "SELECT DISTINCT thread_id FROM items WHERE id IN (SELECT id FROM temp.erase_ids)")
                    if r[0] is not None]
                conn.execute("DELETE FROM drafts WHERE item_id IN (SELECT id FROM temp.erase_ids)")
                conn.execute("DELETE FROM outbox WHERE item_id IN (SELECT id FROM temp.erase_ids)")
                conn.execute("DELETE FROM items WHERE id IN (SELECT id FROM temp.erase_ids)")
                tids = _ids_json(thread_ids)
                conn.execute("DELETE FROM threads WHERE id IN (SELECT value FROM json_each(?)) "
                             "AND NOT EXISTS (SELECT 1 FROM items WHERE thread_id = threads.id)", (tids,))
                conn.execute("UPDATE threads SET root_item_id = NULL WHERE id IN (SELECT value FROM json_each(?)) "
                             "AND root_item_id NOT IN (SELECT id FROM items)", (tids,))
                self.refresh_heads(thread_ids)  # type: ignore[attr-defined]  # what is left, headed again
                conn.execute(
                    "INSERT INTO tombstones (platform, author_external_id, erased_at) "
                    "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (author["platform"], author["external_id"], format_time(utcnow())))
                conn.execute("DELETE FROM authors WHERE id = ?", (author_id,))
                conn.execute("DELETE FROM temp.erase_ids")
                # Deleted FTS entries stay in old index segments until merged away.
                conn.execute("INSERT INTO items_fts (items_fts) VALUES ('optimize')")
        finally:
            conn.execute("PRAGMA secure_delete = OFF")
        # Old copies of the pages may sit in the WAL; move them out if no reader holds it.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
