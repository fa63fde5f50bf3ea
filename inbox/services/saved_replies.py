"""Saved replies (templates) in the `saved_replies` table; a starter set is added once."""

from __future__ import annotations

import json
from dataclasses import dataclass

from inbox.domain import format_time, utcnow
from inbox.paths import resources_dir
from inbox.services import settings
from inbox.store import Store, StoreError, write_transaction

SEEDED_KEY = "saved_replies_seeded"  # declared in services/settings.py
NAME_MAX = 80


@dataclass(slots=True)
class SavedReply:
    id: int
    name: str
    body: str


def list_saved_replies(store: Store) -> list[SavedReply]:
    ensure_starters(store)
    return [SavedReply(*r) for r in store.conn.execute(
        "SELECT id, name, body FROM saved_replies ORDER BY name COLLATE NOCASE")]


def save_reply_template(store: Store, name: str, body: str, reply_id: int | None = None) -> SavedReply:
    """Add a saved reply, or change one (by id). Names are unique, ignoring case."""
    name = " ".join(name.split())
    if not name:
        raise StoreError("a saved reply needs a name")
    if len(name) > NAME_MAX:
        raise StoreError(f"a saved reply's name can be at most {NAME_MAX} characters")
    if not body.strip():
        raise StoreError("a saved reply needs some text")
    now = format_time(utcnow())
    with write_transaction(store.conn):
        clash = store.conn.execute("SELECT id FROM saved_replies WHERE name = ?", (name,)).fetchone()
        if clash and clash[0] != reply_id:
            raise StoreError(f"there is already a saved reply called {name!r}")
        if reply_id is None:
            reply_id = store.conn.execute(
                "INSERT INTO saved_replies (name, body, created_at, updated_at) VALUES (?, ?, ?, ?) "
                "RETURNING id", (name, body, now, now)).fetchone()[0]
        else:
            store.conn.execute("UPDATE saved_replies SET name = ?, body = ?, updated_at = ? WHERE id = ?",
                               (name, body, now, reply_id))
    return SavedReply(reply_id, name, body)


def delete_reply_template(store: Store, reply_id: int) -> None:
    with write_transaction(store.conn):
        store.conn.execute("DELETE FROM saved_replies WHERE id = ?", (reply_id,))


def ensure_starters(store: Store) -> None:
    """Add the starter set the first time, and never again (a deleted starter stays deleted)."""
    if store.readonly or settings.get(SEEDED_KEY, store):
        return
    starters = json.loads((resources_dir() / "saved_replies.json").read_text(encoding="utf-8"))
    now = format_time(utcnow())
    with write_transaction(store.conn):
        store.conn.executemany(
            "INSERT INTO saved_replies (name, body, created_at, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name) DO NOTHING", [(s["name"], s["body"], now, now) for s in starters])
        settings.set(SEEDED_KEY, now, store)
