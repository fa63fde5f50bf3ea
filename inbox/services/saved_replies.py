"""Saved replies (templates): names checked here, kept by the store; a starter set is added once."""

from __future__ import annotations

import json

from inbox.domain import format_time, utcnow
from inbox.domain.saved import SavedReply
from inbox.paths import resources_dir
from inbox.services import settings
from inbox.store import Store, StoreError

__all__ = ["NAME_MAX", "SEEDED_KEY", "SavedReply", "delete_reply_template", "ensure_starters",
           "list_saved_replies", "save_reply_template"]

SEEDED_KEY = "saved_replies_seeded"  # declared in services/settings.py
NAME_MAX = 80


def list_saved_replies(store: Store) -> list[SavedReply]:
    ensure_starters(store)
    return store.list_saved_replies()


def save_reply_template(store: Store, name: str, body: str, reply_id: int | None = None) -> SavedReply:
    """Add a saved reply, or change one (by id). Names are unique, ignoring case."""
    name = " ".join(name.split())
    if not name:
        raise StoreError("a saved reply needs a name")
    if len(name) > NAME_MAX:
        raise StoreError(f"a saved reply's name can be at most {NAME_MAX} characters")
    if not body.strip():
        raise StoreError("a saved reply needs some text")
    return store.put_saved_reply(name, body, reply_id)


def delete_reply_template(store: Store, reply_id: int) -> None:
    store.delete_saved_reply(reply_id)


def ensure_starters(store: Store) -> None:
    """Add the starter set the first time, and never again (a deleted starter stays deleted)."""
    if store.readonly or settings.get(SEEDED_KEY, store):
        return
    starters = json.loads((resources_dir() / "saved_replies.json").read_text(encoding="utf-8"))
    with store.transaction():
        store.add_missing_saved_replies((s["name"], s["body"]) for s in starters)
        settings.set(SEEDED_KEY, format_time(utcnow()), store)
