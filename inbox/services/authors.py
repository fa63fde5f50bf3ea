"""One customer's data: find an author, export everything about them, or erase them.

Erasure removes their items (with tags, drafts and outbox entries, and the full-text rows
via the store's triggers), the owner's replies to those items, and the author row; it
leaves a tombstone (platform, author external id) so that the next sync skips them.
Deleted rows are overwritten (`secure_delete`), the full-text index is merged so that
their words leave it, and the WAL is checkpointed, so their text is not left in the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inbox import APP_NAME, __version__
from inbox.domain import format_time, utcnow
from inbox.services.export import ExportError, atomic_target, check_target, records, write_csv
from inbox.store import NotFound, Store, StoreError
from inbox.store.connection import write_transaction
from inbox.store.queries import ROW_SELECT, row_to_item


@dataclass(slots=True)
class AuthorSummary:
    id: int
    platform: str
    external_id: str
    name: str
    handle: str
    items: int
    is_owner: bool = False   # wrote the owner's replies: the business's own account

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "platform": self.platform, "external_id": self.external_id,
                "name": self.name, "handle": self.handle, "items": self.items, "is_owner": self.is_owner}


@dataclass(slots=True)
class ErasePlan:
    """What erasing an author removes; shown before asking for confirmation."""

    author: AuthorSummary
    items: int
    owner_replies: int
    drafts: int
    outbox: int

    def describe(self) -> str:
        parts = [f"{self.items} item{'s' * (self.items != 1)}"]
        if self.owner_replies:
            parts.append(f"{self.owner_replies} of your replies to them")
        parts.append(f"{self.drafts} draft{'s' * (self.drafts != 1)}")
        parts.append(f"{self.outbox} queued or sent repl{'ies' if self.outbox != 1 else 'y'}")
        return (f"{self.author.name} ({self.author.platform}, id {self.author.id}): "
                + ", ".join(parts))


_AUTHOR_SELECT = """
    SELECT a.id, a.platform, a.external_id,
           coalesce(nullif(a.display_name, ''), nullif(a.handle, ''), 'Anonymous'), a.handle,
           (SELECT count(*) FROM items i WHERE i.author_id = a.id) AS n,
           EXISTS (SELECT 1 FROM items i WHERE i.author_id = a.id AND i.is_owner_reply = 1) AS owner
    FROM authors a
"""


def _summary(row: Any) -> AuthorSummary:
    return AuthorSummary(*row[:6], is_owner=bool(row[6]))


def list_authors(store: Store, query: str = "", limit: int = 200) -> list[AuthorSummary]:
    """Authors whose name, handle or platform id contains `query`: customers first,
    busiest first; the business's own accounts last."""
    like = f"%{query.strip()}%"
    rows = store.conn.execute(
        f"{_AUTHOR_SELECT} WHERE a.display_name LIKE ?1 OR a.handle LIKE ?1 OR a.external_id LIKE ?1 "
        f"ORDER BY owner, n DESC, a.display_name COLLATE NOCASE, a.id LIMIT ?2", (like, limit)).fetchall()
    return [_summary(r) for r in rows]


def get_author(store: Store, author_id: int) -> AuthorSummary:
    row = store.conn.execute(f"{_AUTHOR_SELECT} WHERE a.id = ?", (author_id,)).fetchone()
    if row is None:
        raise NotFound(f"No author with id {author_id}. Find one with `inbox author list --query NAME`.")
    return _summary(row)


# -- what belongs to an author -------------------------------------------------------------

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


def _their_rows(store: Store, author_id: int) -> list[Any]:
    rows = [row_to_item(r) for r in store.conn.execute(
        f"{ROW_SELECT} WHERE i.author_id = ? ORDER BY i.created_at, i.id", (author_id,))]
    store.attach_tags(rows)
    return rows


def author_data(store: Store, author_id: int) -> dict[str, Any]:
    """Everything the inbox holds about one author, as plain JSON-ready data."""
    author = store.get_author(author_id)
    items = _their_rows(store, author_id)
    ids = [it.id for it in items]
    ids_json = json.dumps(ids)
    extra = {r["id"]: r for r in store.conn.execute(
        "SELECT id, external_id, parent_external_id, language, raw, sentiment, sentiment_label, "
        "deleted_at FROM items WHERE id IN (SELECT value FROM json_each(?))", (ids_json,))}
    drafts = {r["item_id"]: r for r in store.conn.execute(
        "SELECT item_id, text, created_at, updated_at FROM drafts "
        "WHERE item_id IN (SELECT value FROM json_each(?))", (ids_json,))}
    outbox: dict[int, list[dict[str, Any]]] = {}
    for r in store.conn.execute(
            "SELECT item_id, text, state, created_at, sent_at FROM outbox "
            "WHERE item_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id", (ids_json,)):
        outbox.setdefault(r["item_id"], []).append(
            {"text": r["text"], "state": r["state"], "created_at": r["created_at"], "sent_at": r["sent_at"]})
    replies: dict[int | None, list[dict[str, Any]]] = {}
    parents = {(it.source_id, extra[it.id]["external_id"]): it.id for it in items}
    for r in store.conn.execute(
            f"SELECT r.source_id, r.parent_external_id, t.root_item_id, r.text, r.created_at, r.url "
            f"FROM items r LEFT JOIN threads t ON t.id = r.thread_id "
            f"WHERE r.id IN ({_OWNER_REPLIES}) ORDER BY r.created_at, r.id", {"a": author_id}):
        answered = parents.get((r["source_id"], r["parent_external_id"])) or r["root_item_id"]
        replies.setdefault(answered, []).append(
            {"text": r["text"], "created_at": r["created_at"], "url": r["url"]})

    def item_dict(it: Any) -> dict[str, Any]:
        x = extra[it.id]
        draft = drafts.get(it.id)
        return {
            "id": it.id, "source": it.source_name, "platform": it.source_kind, "whose": it.whose,
            "kind": it.kind, "external_id": x["external_id"], "url": it.url, "rating": it.rating,
            "title": it.title, "text": it.text, "language": x["language"],
            "created_at": it.created_at, "updated_at": it.updated_at,
            "deleted_at": x["deleted_at"], "status": it.status, "snoozed_until": it.snoozed_until,
            "tags": [name for name, _ in it.tags], "thread_id": it.thread_id,
            "in_reply_to": x["parent_external_id"],
            "sentiment": x["sentiment"], "sentiment_label": x["sentiment_label"],
            "owner_replies": replies.get(it.id, []),
            "draft_reply": {k: draft[k] for k in ("text", "created_at", "updated_at")} if draft else None,
            "outbox": outbox.get(it.id, []),
            "raw": json.loads(x["raw"]) if x["raw"] else None,
        }

    return {
        "exported_at": format_time(utcnow()),
        "exported_by": f"{APP_NAME} {__version__}",
        "author": {k: author[k] for k in ("id", "platform", "external_id", "display_name",
                                          "handle", "profile_url")},
        "items": [item_dict(it) for it in items],
    }


def export_author(store: Store, author_id: int, target: str | Path) -> tuple[Path, Path]:
    """Write `<target>` (.json) and the same name with .csv; returns both paths."""
    json_path = check_target(target)
    if json_path.suffix.lower() != ".json":
        json_path = json_path.with_name(json_path.name + ".json")
    csv_path = json_path.with_suffix(".csv")
    data = author_data(store, author_id)
    now = format_time(utcnow())
    try:
        with atomic_target(json_path) as tmp:
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        with atomic_target(csv_path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
            write_csv(out, records(store, _their_rows(store, author_id), now))
    except OSError as exc:
        raise ExportError(f"Could not write the author's data: {exc.strerror or exc}.") from None
    return json_path, csv_path


# -- erasure -------------------------------------------------------------------------------

def erase_plan(store: Store, author_id: int) -> ErasePlan:
    """What erasing would remove; StoreError for the business's own account, whose erasure
    would delete the owner's replies and make every later sync skip them."""
    author = get_author(store, author_id)
    if author.is_owner:
        raise StoreError(f"{author.name} ({author.platform}, id {author.id}) is your own account: "
                         f"its items are your replies. It cannot be erased.")
    ids = f"{_THEIR_ITEMS} UNION {_OWNER_REPLIES}"
    p = {"a": author_id}
    return ErasePlan(
        author=author,
        items=author.items,
        owner_replies=store.conn.execute(f"SELECT count(*) FROM ({_OWNER_REPLIES})", p).fetchone()[0],
        drafts=store.conn.execute(f"SELECT count(*) FROM drafts WHERE item_id IN ({ids})", p).fetchone()[0],
        outbox=store.conn.execute(f"SELECT count(*) FROM outbox WHERE item_id IN ({ids})", p).fetchone()[0],
    )


def erase_author(store: Store, author_id: int) -> ErasePlan:
    """Erase an author for good (see the module docstring); returns what was removed."""
    plan = erase_plan(store, author_id)
    p = {"a": author_id}
    conn = store.conn
    conn.execute("PRAGMA secure_delete = ON")
    try:
        with write_transaction(conn):
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS erase_ids (id INTEGER PRIMARY KEY)")
            conn.execute("DELETE FROM temp.erase_ids")
            conn.execute(f"INSERT OR IGNORE INTO temp.erase_ids {_THEIR_ITEMS} UNION {_OWNER_REPLIES}", p)
            threads = "SELECT DISTINCT thread_id FROM items WHERE id IN (SELECT id FROM temp.erase_ids)"
            thread_ids = [r[0] for r in conn.execute(threads) if r[0] is not None]
            conn.execute("DELETE FROM drafts WHERE item_id IN (SELECT id FROM temp.erase_ids)")
            conn.execute("DELETE FROM outbox WHERE item_id IN (SELECT id FROM temp.erase_ids)")
            conn.execute("DELETE FROM items WHERE id IN (SELECT id FROM temp.erase_ids)")
            tids = json.dumps(thread_ids)
            conn.execute("DELETE FROM threads WHERE id IN (SELECT value FROM json_each(?)) "
                         "AND NOT EXISTS (SELECT 1 FROM items WHERE thread_id = threads.id)", (tids,))
            conn.execute("UPDATE threads SET root_item_id = NULL WHERE id IN (SELECT value FROM json_each(?)) "
                         "AND root_item_id NOT IN (SELECT id FROM items)", (tids,))
            conn.execute(
                "INSERT INTO tombstones (platform, author_external_id, erased_at) "
                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (plan.author.platform, plan.author.external_id, format_time(utcnow())))
            conn.execute("DELETE FROM authors WHERE id = ?", (author_id,))
            conn.execute("DELETE FROM temp.erase_ids")
            # Deleted FTS entries stay in old index segments until merged away.
            conn.execute("INSERT INTO items_fts (items_fts) VALUES ('optimize')")
    finally:
        conn.execute("PRAGMA secure_delete = OFF")
    # Old copies of the pages may sit in the WAL; move them out if no reader holds it.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return plan
