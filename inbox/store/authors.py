"""Authors: finding one, everything that belongs to one, and erasing one for good (the
erasure itself and the records that keep them out are in `erasures.py`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from inbox.domain import ItemRow
from inbox.domain.authors import AuthorRecords, AuthorSummary, ErasureReport
from inbox.store.errors import NotFound
from inbox.store.queries import ROW_SELECT, row_to_item

_AUTHOR_SELECT = """
    SELECT a.id, a.platform, a.external_id,
           coalesce(nullif(a.display_name, ''), nullif(a.handle, ''), 'Anonymous'), a.handle,
           (SELECT count(*) FROM items i WHERE i.author_id = a.id) AS n,
           EXISTS (SELECT 1 FROM items i WHERE i.author_id = a.id AND i.is_owner_reply = 1) AS owner
    FROM authors a
"""

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

    def erasure_counts(self, author_id: int) -> ErasureReport:
        """What `erase_author` would remove (a read); NotFound if no such author."""
        return self.erasure_preview(self.erasure_group(author_id))  # type: ignore[attr-defined]

    def erase_author(self, author_id: int) -> ErasureReport:
        """Erase an author and the identities linked to them as the same person, with
        everything theirs, and record what keeps them out (`ErasuresMixin.erase_customer`).
        NotFound if no such author; refusing to erase the owner's account is the caller's rule."""
        return self.erase_customer(self.erasure_group(author_id))  # type: ignore[attr-defined]
