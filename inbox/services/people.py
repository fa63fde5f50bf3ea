"""Customer profiles: one person's items across platforms, their rating history, the
replies they received, their tags; and linking two authors as the same person.

Authors of one person share `authors.person_id` (the smallest author id of the group),
so a profile opened from any of them shows everything.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from inbox.domain import ItemRow
from inbox.services.text_signals import normalise_name
from inbox.store.connection import write_transaction
from inbox.store.errors import NotFound, StoreError
from inbox.store.queries import ROW_SELECT, row_to_item

if TYPE_CHECKING:
    from inbox.store import Store

MAX_ITEMS = 1000


@dataclass(slots=True)
class Profile:
    author_id: int
    name: str
    authors: list[dict]                 # every linked author (platform, names, url)
    items: list[ItemRow]                # what they wrote, newest first
    replies: list[ItemRow]              # owner replies in their conversations
    tags: list[tuple[str, str, int]]    # (name, colour, items)
    first_contact: str | None = None
    last_contact: str | None = None
    ratings: list[tuple[str, int, int]] = field(default_factory=list)  # (created_at, rating, item id), oldest first

    @property
    def linked(self) -> bool:
        return len(self.authors) > 1


def _ids(ids: list[int]) -> str:
    return json.dumps([int(i) for i in ids])


def group_of(conn: sqlite3.Connection, author_id: int) -> list[int]:
    """The author ids that are the same person as `author_id` (itself included)."""
    row = conn.execute("SELECT person_id FROM authors WHERE id = ?", (author_id,)).fetchone()
    if row is None:
        raise NotFound(f"no author {author_id}")
    if row[0] is None:
        return [author_id]
    return [r[0] for r in conn.execute("SELECT id FROM authors WHERE person_id = ? ORDER BY id", (row[0],))]


def profile(store: Store, author_id: int) -> Profile:
    conn = store.conn
    group = group_of(conn, author_id)
    authors = [dict(r) for r in conn.execute(
        "SELECT id, platform, external_id, handle, display_name, profile_url, person_id FROM authors "
        "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", (_ids(group),))]
    rows = conn.execute(
        f"{ROW_SELECT} WHERE i.author_id IN (SELECT value FROM json_each(?)) AND i.is_owner_reply = 0 "
        f"ORDER BY i.created_at DESC, i.id DESC LIMIT ?", (_ids(group), MAX_ITEMS)).fetchall()
    items = [row_to_item(r) for r in rows]
    store.attach_tags(items)
    threads = sorted({i.thread_id for i in items if i.thread_id is not None})
    replies = [row_to_item(r) for r in conn.execute(
        f"{ROW_SELECT} WHERE i.thread_id IN (SELECT value FROM json_each(?)) AND i.is_owner_reply = 1 "
        f"ORDER BY i.created_at DESC", (_ids(threads),))]
    tag_counts: Counter[tuple[str, str]] = Counter(t for i in items for t in i.tags)
    tags = sorted(((n, c, k) for (n, c), k in tag_counts.items()), key=lambda t: (-t[2], t[0].casefold()))
    first = next((a for a in authors if a["id"] == author_id), authors[0])
    name = first["display_name"] or first["handle"] or "Anonymous"
    return Profile(
        author_id=author_id, name=name, authors=authors, items=items, replies=replies, tags=tags,
        first_contact=items[-1].created_at if items else None,
        last_contact=items[0].created_at if items else None,
        ratings=[(i.created_at, i.rating, i.id) for i in reversed(items) if i.rating])


def link(store: Store, author_id: int, other_id: int) -> int:
    """Record that two authors are the same person (merging their groups); returns the
    person id."""
    if author_id == other_id:
        raise StoreError("an author is already the same person as themself")
    with write_transaction(store.conn):
        members = sorted(set(group_of(store.conn, author_id)) | set(group_of(store.conn, other_id)))
        person = members[0]
        store.conn.execute("UPDATE authors SET person_id = ? WHERE id IN (SELECT value FROM json_each(?))",
                           (person, _ids(members)))
    return person


def unlink(store: Store, author_id: int) -> None:
    """Take an author out of their person; a person of one author is no person at all."""
    with write_transaction(store.conn):
        rest = [a for a in group_of(store.conn, author_id) if a != author_id]
        store.conn.execute("UPDATE authors SET person_id = NULL WHERE id = ?", (author_id,))
        if len(rest) == 1:
            store.conn.execute("UPDATE authors SET person_id = NULL WHERE id = ?", (rest[0],))
        elif rest:
            store.conn.execute("UPDATE authors SET person_id = ? WHERE id IN (SELECT value FROM json_each(?))",
                               (rest[0], _ids(rest)))


def suggestions(store: Store, author_id: int, limit: int = 5) -> list[dict]:
    """Authors elsewhere whose normalised display name or handle equals this author's
    (not yet linked to them), with how many items they wrote."""
    conn = store.conn
    me = store.get_author(author_id)
    keys = {normalise_name(me["display_name"]), normalise_name(me["handle"])} - {""}
    keys = {k for k in keys if len(k) >= 3}
    if not keys:
        return []
    group = set(group_of(conn, author_id))
    found = []
    for row in conn.execute("SELECT id, platform, handle, display_name, profile_url FROM authors "
                            "WHERE external_id != 'owner'"):
        if row["id"] in group:
            continue
        if {normalise_name(row["display_name"]), normalise_name(row["handle"])} & keys:
            found.append(dict(row))
    for f in found:
        f["items"] = conn.execute("SELECT count(*) FROM items WHERE author_id = ? AND is_owner_reply = 0",
                                  (f["id"],)).fetchone()[0]
    found = [f for f in found if f["items"]]
    found.sort(key=lambda f: (f["platform"] == me["platform"], -f["items"], f["id"]))
    return found[:limit]
